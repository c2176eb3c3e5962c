//! The language a support-matrix author needs: includes (and, as they come, aggregates,
//! typed declarations, versions and string functions), each with its diagnostics.

mod common;

use assert_cmd::Command;
use common::folder;
use std::path::Path;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("supportkb")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn includes_read_files_relative_to_the_including_one() {
    let dir = folder(&[
        ("main.kb", "include \"lib/common.kb\".\nq(X) :- p(X).\n"),
        ("lib/common.kb", "p(1).\ninclude \"more.kb\".\n"),
        ("lib/more.kb", "p(2).\n"),
    ]);
    let r = run_in(dir.path(), &["--kb", "main.kb", "query", "?- q(X)."]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2 rows"), "{r:?}");
    assert!(r.stdout.contains("[fact, lib/more.kb:1:1]"), "{r:?}");
}

#[test]
fn an_include_cycle_or_a_file_included_twice_is_reported_with_both_places() {
    let dir = folder(&[
        ("a.kb", "include \"b.kb\".\n"),
        ("b.kb", "include \"a.kb\".\n"),
        ("twice.kb", "include \"c.kb\".\ninclude \"c.kb\".\n"),
        ("c.kb", "p(1).\n"),
        ("bad.kb", "include \"sub/broken.kb\".\n"),
        ("sub/broken.kb", "p(3) :- .\n"),
        ("gone.kb", "include \"nowhere.kb\".\n"),
    ]);
    let r = run_in(dir.path(), &["--kb", "a.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("error[include]: b.kb:1:1: include cycle: a.kb -> b.kb -> a.kb"),
        "{r:?}"
    );
    let r = run_in(dir.path(), &["--kb", "twice.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("error[include]: twice.kb:2:1: c.kb is included twice"),
        "{r:?}"
    );
    assert!(
        r.stderr.contains("it is first included at twice.kb:1:1"),
        "{r:?}"
    );
    // Diagnostics of an included file point into it.
    let r = run_in(dir.path(), &["--kb", "bad.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("error[syntax]: sub/broken.kb:1:9"),
        "{r:?}"
    );
    let r = run_in(dir.path(), &["--kb", "gone.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("error[include]: gone.kb:1:1"), "{r:?}");
    assert!(r.stderr.contains("no such file"), "{r:?}");
}

#[test]
fn a_folder_whose_files_include_each_other_reads_each_once() {
    let dir = folder(&[
        ("kb/a.kb", "include \"b.kb\".\nq(X) :- p(X).\n"),
        ("kb/b.kb", "p(1).\n"),
    ]);
    let r = run_in(dir.path(), &["--kb", "kb", "query", "?- q(X)."]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("1 row"), "{r:?}");
}

#[test]
fn versions_compare_part_by_part() {
    let dir = folder(&[(
        "v.kb",
        "v(a, v\"4.9\"). v(b, v\"4.10\"). v(c, v\"10.0.19045\"). v(d, v\"10.0.9999\"). v(e, v\"2203.0\").\n\
         newer(X, Y) :- v(X, A), v(Y, B), A > B.\n",
    )]);
    let ask = |q: &str| run_in(dir.path(), &["--kb", "v.kb", "query", q]);
    for (q, want) in [
        ("?- newer(b, a).", "yes"),
        ("?- newer(a, b).", "no match"),
        ("?- newer(c, d).", "yes"),
        ("?- v(X, v\"2203\").", "│ e │"),
    ] {
        let r = ask(q);
        assert_eq!(r.code, 0, "{q}\n{r:?}");
        assert!(r.stdout.contains(want), "{q}\n{r:?}");
    }
    // Equal, and shown as written.
    let r = ask("?- v(e, V).");
    assert!(
        r.stdout.contains("v\"2203.0\""),
        "2203.0 prints as written:\n{r:?}"
    );
}

#[test]
fn string_functions_compute_with_checked_proofs() {
    let dir = folder(&[(
        "s.kb",
        "name(\"Contoso CMG\").\nshort(N, S) :- name(N), substr(N, 0, 7, S).\n\
         label(L) :- short(_, S), concat(S, \"-prod\", L).\n\
         loud(U) :- name(N), upper(N, U).\nnum(I) :- to_int(\"17\", I).\nout(N) :- name(N), substr(N, 5, 50, _).\n\
         text(T) :- to_string(42, T).\nquiet(L) :- name(N), lower(N, L).\n",
    )]);
    let ask = |q: &str| {
        run_in(
            dir.path(),
            &["--kb", "s.kb", "--format", "json", "query", q],
        )
    };
    for (q, want) in [
        ("?- label(L).", "Contoso-prod"),
        ("?- loud(U).", "CONTOSO CMG"),
        ("?- quiet(L).", "contoso cmg"),
        ("?- num(I).", "17"),
        ("?- text(T).", "42"),
    ] {
        let r = ask(q);
        assert_eq!(r.code, 0, "{q}\n{r:?}");
        assert!(r.stdout.contains(want), "{q}\n{r:?}");
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(v.get("proof_errors").is_none(), "{q}: {v}");
    }
    // Out of range fails the literal.
    let r = ask("?- out(N).");
    assert!(r.stdout.contains("\"rows\": []"), "{r:?}");
}

#[test]
fn typed_declarations_catch_mistyped_facts_rules_and_fields() {
    let dir = folder(&[
        (
            "t.kb",
            "decl os(name: symbol, build: version, year: integer) \"x\".\n\
             os(win10, v\"10.0.19045\", 2022).\nos(win11, \"10.0.22631\", 2023).\n\
             newer(A) :- os(A, B, _), B > 2022.\n",
        ),
        (
            "f.kb",
            "decl os(name: symbol, build: version) \"x\".\ninput os from \"os.tsv\".\n",
        ),
        (
            "os.tsv",
            "win10\t10.0.19045\nwin11\tv\"10.0.22631\"\nmac\tfourteen\n",
        ),
        ("untyped.kb", "p(1). q(X) :- p(X), X != c0, X = 1.\n"),
    ]);
    let r = run_in(dir.path(), &["--kb", "t.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains(
            "error[type]: t.kb:3:11: argument 2 of `os` is a version, here it is a string"
        ),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("error[type]: t.kb:4:26: `B > 2022` compares a version with an integer"),
        "{r:?}"
    );
    let r = run_in(dir.path(), &["--kb", "f.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("os.tsv:3:5: column `build`: `fourteen` is not a version"),
        "{r:?}"
    );
    // Untyped programs keep today's behaviour: comparing kinds just fails.
    let r = run_in(dir.path(), &["--kb", "untyped.kb", "check"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn aggregation_through_recursion_is_rejected_with_the_cycle() {
    let dir = folder(&[(
        "r.kb",
        "edge(a, b). edge(b, c).\n\
         reach(X, Y) :- edge(X, Y).\n\
         reach(X, Z) :- reach(X, Y), edge(Y, Z), N = count : { reach(X, W) }, N < 5.\n",
    )]);
    let r = run_in(dir.path(), &["check", "r.kb"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains(
            "r.kb:3:41: aggregation through recursion: reach -> count : { reach(X, W) } -> reach"
        ),
        "{r:?}"
    );
}

#[test]
fn aggregate_misuses_are_errors_at_the_aggregate() {
    for (text, line, col, says) in [
        (
            "p(1).\na(N) :- N = count : { p(N) }.\n",
            2,
            9,
            "`N` receives the count, so it cannot also stand in the aggregate's body",
        ),
        (
            "p(1).\nb(S) :- S = sum V : { p(X) }.\n",
            2,
            9,
            "`V` does not occur in the aggregate's body",
        ),
        (
            "q(1, 2).\nc(X, S) :- q(X, _), S = sum X : { q(X, Y) }.\n",
            2,
            21,
            "`X` is also used outside the aggregate",
        ),
        (
            "p(1).\ne(N) :- N = count : { p(X), X > Y }.\n",
            2,
            9,
            "the aggregate's body does not bind `Y` by itself",
        ),
        (
            "p(1).\ng(N) :- N = sum : { p(X) }.\n",
            2,
            13,
            "`sum` needs the variable whose values it takes",
        ),
        (
            "p(1).\nh(N) :- 2 = count : { p(X) }.\n",
            2,
            9,
            "an aggregate's result is a variable",
        ),
    ] {
        let dir = folder(&[("m.kb", text)]);
        let r = run_in(dir.path(), &["check", "m.kb"]);
        assert_eq!(r.code, 2, "{text}\n{r:?}");
        let at = format!("m.kb:{line}:{col}: ");
        assert!(
            r.stderr.contains(&format!("{at}{says}")),
            "{text}\nwant {at}{says}\n{r:?}"
        );
    }
    // A count of nothing of its own counts 0 or 1: a warning, not an error.
    let dir = folder(&[("w.kb", "p(1).\nd(N) :- N = count : { p(_) }.\n")]);
    let r = run_in(dir.path(), &["check", "w.kb"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("counts one binding or none"), "{r:?}");
}

#[test]
fn why_not_an_aggregate_says_what_it_reached() {
    let dir = folder(&[(
        "c.kb",
        "f(a). f(b). c(a, x). c(a, y). cost(a, 3).\n\
         many(F) :- f(F), N = count : { c(F, C) }, N >= 3.\n\
         cheap(F) :- f(F), M = min V : { cost(F, V) }, M < 4.\n",
    )]);
    let r = run_in(
        dir.path(),
        &[
            "--kb",
            "c.kb",
            "query",
            "why not many(a)",
            "why not cheap(b)",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("count = 2, needed N >= 3"), "{r:?}");
    assert!(
        r.stdout
            .contains("min of an empty group has no value: nothing matches cost(b, V)"),
        "{r:?}"
    );
}

#[test]
fn the_cmg_knowledge_base_counts_what_its_table_says() {
    let r = run_in(
        Path::new("."),
        &[
            "query",
            "unsupported_feature_count? N",
            "?- several_conditions(F, N).",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    // Sixteen rows of the feature table read "Not supported." (lines 49-64 of the seed).
    assert!(
        r.stdout.contains("unsupported_feature_count? N\n16\n"),
        "{r:?}"
    );
    assert!(r.stdout.contains("[16 members]"), "{r:?}");
    // Client install is the one feature with two named conditions.
    assert!(r.stdout.contains("│ client_install │ 2 │"), "{r:?}");
    assert!(r.stdout.contains("1 row"), "{r:?}");
}

#[test]
fn the_readme_language_example_is_the_driver_matrix_and_it_passes() {
    // Every clause the README shows under "Types, versions, …" is written so in the
    // example, and the example's query file passes.
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = readme
        .split("### Types, versions, string functions, includes and aggregates")
        .nth(1)
        .unwrap();
    let block = section
        .split("```prolog")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let mut example = String::new();
    for f in ["drivers.kb", "common.kb", "matrix.kb"] {
        example.push_str(&std::fs::read_to_string(format!("examples/drivers/{f}")).unwrap());
    }
    let clauses: Vec<&str> = block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('%'))
        .collect();
    assert!(clauses.len() >= 6, "{block}");
    for c in clauses {
        let c = c
            .strip_suffix(" key(driver, server).")
            .map_or(c.to_string(), |head| format!("{head} key(driver, server)"));
        assert!(
            example.contains(&c),
            "README shows `{c}`, not in examples/drivers"
        );
    }
    let r = run_in(Path::new("."), &["run", "examples/drivers/drivers.kbq"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains(" passed, 0 failed"), "{r:?}");
}
