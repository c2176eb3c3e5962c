//! What answers and messages say in words: verdict lines of questions that leave a subject
//! open, warnings about names that are not what they look like, counts in the singular,
//! one `error:` prefix, and the exit codes every command's help
//! states.

mod common;

use common::*;

#[test]
fn a_question_open_in_its_subject_answers_with_how_many_subjects_match() {
    let r = run(&["query", "?- supported(S, no, _)."]);
    let rows = r
        .stdout
        .lines()
        .find_map(|l| {
            l.strip_suffix(" rows")
                .and_then(|n| n.parse::<usize>().ok())
        })
        .expect("a row count");
    // Each subject once: the rows of `?- supported(S, no, _)` are per subject and condition.
    let json = json(&run(&[
        "--format",
        "json",
        "query",
        "?- supported(S, no, _).",
    ]));
    let mut subjects: Vec<String> = json["answers"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[0]["value"].as_str().unwrap().to_string())
        .collect();
    subjects.dedup();
    assert!(rows >= subjects.len() && subjects.len() > 1, "{r:?}");

    let q = run(&["query", "supported? _ no"]);
    assert_eq!(q.code, 0, "{q:?}");
    let first = q.stdout.lines().next().unwrap();
    assert_eq!(first, format!("{} subjects", subjects.len()), "{q:?}");
    assert!(!q.stdout.contains("condition: unconditional"), "{q:?}");
    // A count is a match: `--fail-on yes` fails it, `--fail-unless yes` passes it.
    assert_eq!(
        run(&["query", "--fail-unless", "yes", "supported? _ no"]).code,
        0
    );
    assert_eq!(
        run(&["query", "--fail-on", "yes", "supported? _ no"]).code,
        1
    );
    // A question that gives every column before the verdict keeps its verdict.
    let one = run(&["query", "supported? peer_cache"]);
    assert_eq!(one.stdout.lines().next(), Some("no"), "{one:?}");
}

#[test]
fn a_capitalised_constant_in_a_question_is_a_variable_and_says_so() {
    let r = run(&["query", "supported? Peer_cache"]);
    assert_eq!(r.code, 0, "{r:?}");
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("`Peer_cache` is a variable"), "{r:?}");
    assert!(all.contains("did you mean `peer_cache`?"), "{r:?}");
    // A variable that no constant resembles is not warned about.
    let n = run(&["query", "unsupported_feature_count? N"]);
    assert!(
        !format!("{}{}", n.stdout, n.stderr).contains("is a variable"),
        "{n:?}"
    );
}

#[test]
fn an_overflow_in_a_query_is_named_not_only_an_empty_answer() {
    let r = run(&["query", "?- X = 9223372036854775807 + 1."]);
    assert_eq!(r.code, 0, "{r:?}");
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("overflow"), "{r:?}");
    assert!(r.stdout.contains("no bindings"), "{r:?}");
    // No overflow, no such note.
    let ok = run(&["query", "?- X = 9223372036854775806 + 1."]);
    assert!(
        !format!("{}{}", ok.stdout, ok.stderr).contains("overflow"),
        "{ok:?}"
    );
}

#[test]
fn counts_of_one_are_singular() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("one.kbq"),
        "?- document(T, _).\nexpect rows 2.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("p.kb"),
        "p(a).\nq(X) :- p(X).\nr(X) :- p(X), q(X).\noutput q to \"q.tsv\".\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "one.kbq"]);
    assert!(r.stdout.contains(" 1 row "), "{r:?}");
    let e = run_in(dir.path(), &["--kb", "p.kb", "eval"]);
    assert!(e.stdout.contains("1 row)"), "{e:?}");
    let md = run(&["--format", "markdown", "query", "?- document(T, _)."]);
    assert!(md.stdout.starts_with("1 row\n"), "{md:?}");
    let plan = run_in(dir.path(), &["--kb", "p.kb", "check", "--plan"]);
    assert!(plan.stdout.contains("on 1 key column"), "{plan:?}");
    for out in [
        &r.stdout,
        &r.stderr,
        &e.stdout,
        &e.stderr,
        &md.stdout,
        &plan.stdout,
    ] {
        assert!(!out.contains(" 1 rows") && !out.contains("(s)"), "{out}");
    }
}

#[test]
fn a_query_file_error_has_one_error_prefix() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.kbq"),
        "?- statuss(X, Y, Z).\nexpect rows 1.\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "bad.kbq"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("error[unknown-predicate]"), "{r:?}");
    assert!(!all.contains("error: error"), "{r:?}");
}

/// The exit codes as the README's table states them, `(code, meaning)`; a meaning without
/// its Markdown (backticks) and its pointer to the README's next section.
fn readme_exit_codes() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let table = readme
        .split("Exit codes, as every command's `--help` lists them:")
        .nth(1)
        .expect("the README's exit codes");
    table
        .lines()
        .skip_while(|l| !l.starts_with("| 0 |"))
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let code = cells[0].trim_start_matches("| ").to_string();
            let meaning = cells[1]
                .trim_end_matches(" |")
                .replace('`', "")
                .replace(" (below)", "");
            (code, meaning)
        })
        .collect()
}

#[test]
fn every_commands_help_states_the_exit_codes_as_the_readme_does() {
    let codes = readme_exit_codes();
    assert!(codes.len() >= 4, "{codes:?}");
    let top = run(&["--help"]);
    let commands: Vec<String> = top
        .stdout
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() > 10, "{commands:?}");
    for c in commands {
        let help = run(&[c.as_str(), "--help"]);
        assert_eq!(help.code, 0, "{help:?}");
        let text = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Exit codes:"), "`{c} --help`: {help:?}");
        for (code, meaning) in &codes {
            assert!(
                text.contains(&format!("{code} {meaning}")),
                "`{c} --help` lacks `{code} {meaning}`: {}",
                help.stdout
            );
        }
    }
}

#[test]
fn a_later_argument_given_as_a_variable_counts_the_subjects_left_open_before_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.kb"), "p(a, b).\np(c, c).\np(d, d).\n").unwrap();
    let ask = |q: &str| {
        let kb = dir.path().to_str().unwrap();
        let r = run(&["--kb", kb, "query", q]);
        assert_eq!(r.code, 0, "{q}: {r:?}");
        r
    };
    // A later argument written as a variable (`_1` is one) gives it as a constant does: the
    // headline is how many subjects match, as for `p? _ c`, not the subjects' values.
    for q in ["p? _ _1", "p? _ Y"] {
        let r = ask(q);
        assert_eq!(r.stdout.lines().next(), Some("3 arg1s"), "{q}: {r:?}");
        for row in ["│ a    │ b    │", "│ c    │ c    │", "│ d    │ d    │"] {
            assert!(r.stdout.contains(row), "{q}: {row}: {r:?}");
        }
    }
    // A variable that is the answer stays the answer.
    assert_eq!(ask("p? X _").stdout.lines().next(), Some("mixed: a, c, d"));
    // The same variable twice is one column, each row filled.
    let same = ask("p? X X");
    assert_eq!(same.stdout.lines().next(), Some("mixed: c, d"), "{same:?}");
    let doc = json(&run(&[
        "--kb",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "query",
        "p? X X",
    ]));
    assert_eq!(doc["answers"][0]["columns"], serde_json::json!(["arg1"]));
    // A later constant counts as before; a trailing column is still the verdict.
    assert_eq!(ask("p? _ c").stdout.lines().next(), Some("1 arg1"));
    assert_eq!(ask("p? _").stdout.lines().next(), Some("mixed: b, c, d"));
    assert_eq!(ask("p? a _").stdout.lines().next(), Some("b"));
    // `_1` never captures the `_` beside it: both rows are found either way round.
    for q in ["why p(_, _1)", "why p(_1, _)", "?- p(_, _1)."] {
        let r = ask(q);
        for fact in ["p(a, b)", "p(c, c)", "p(d, d)"] {
            assert!(r.stdout.contains(fact), "{q}: {fact}: {r:?}");
        }
    }
}

#[test]
fn a_malformed_version_in_a_question_is_an_error_not_two_arguments() {
    // `v"abc"` once read as the symbol `v` and the string "abc": a wrong "unknown".
    for (q, col) in [
        ("supported? v\"abc\"", 14),
        ("supported? v\"\"", 14),
        ("can_upgrade? v\"x\" 2304", 16),
    ] {
        let r = run(&["query", q]);
        assert_eq!(r.code, 2, "{q}: {r:?}");
        assert!(r.stderr.contains(&format!("<query>:1:{col}")), "{q}: {r:?}");
        assert!(r.stderr.contains("expected a version"), "{q}: {r:?}");
        assert!(r.stdout.is_empty(), "{q}: {r:?}");
    }
    // A symbol `v` and a well-formed version are still arguments.
    assert_eq!(run(&["query", "supported? v"]).code, 0);
}
