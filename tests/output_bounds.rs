//! Output that cannot flood: tables show at most `--rows N` rows (default 50) and say how
//! many more there are; handles printed by a cut explanation can be used by a later command.

mod common;

use common::*;
use std::path::Path;

/// A chain of `n` edges and its transitive closure (n(n+1)/2 `reach` tuples).
fn chain_kb(dir: &Path, n: usize) -> String {
    let mut kb =
        String::from("reach(X, Y) :- edge(X, Y).\nreach(X, Z) :- reach(X, Y), edge(Y, Z).\n");
    for i in 0..n {
        kb.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    let path = dir.join("chain.kb");
    std::fs::write(&path, kb).unwrap();
    path.to_str().unwrap().to_string()
}

/// The data lines of the tables printed (`│ …` between the header rule and the bottom).
fn table_rows(stdout: &str) -> usize {
    stdout
        .lines()
        .take_while(|l| !l.starts_with('╰'))
        .filter(|l| l.starts_with("│ "))
        .count()
        - 1
}

#[test]
fn a_large_answer_shows_the_default_number_of_rows_and_says_how_many_more() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 100);
    let r = run(&["--kb", &kb, "query", "?- reach(X, Y)."]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(table_rows(&r.stdout), 50, "{}", r.stdout);
    assert!(
        r.stdout.contains("showing 50 of 5050 rows (5000 more)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("--rows N"),
        "says how to see more: {}",
        r.stdout
    );
}

#[test]
fn rows_n_sets_the_number_and_0_shows_all() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 100);
    let r = run(&["--kb", &kb, "--rows", "7", "query", "?- reach(X, Y)."]);
    assert_eq!(table_rows(&r.stdout), 7, "{}", r.stdout);
    assert!(r.stdout.contains("showing 7 of 5050 rows"), "{}", r.stdout);
    let r = run(&["--kb", &kb, "--rows", "0", "query", "?- reach(X, Y)."]);
    assert_eq!(table_rows(&r.stdout), 5050);
    assert!(!r.stdout.contains("showing"), "{}", r.stdout);
}

#[test]
fn json_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 100);
    let r = run(&[
        "--kb",
        &kb,
        "--rows",
        "3",
        "-f",
        "json",
        "query",
        "?- reach(X, Y).",
    ]);
    let v = first_answer(&r);
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(5050));
}

/// The query a cut explanation offers to a later command: the text in backticks after
/// "a later command:".
fn later_queries(stdout: &str) -> Vec<String> {
    stdout
        .split("a later command: `")
        .skip(1)
        .map(|rest| rest[..rest.find('`').unwrap()].to_string())
        .collect()
}

#[test]
fn a_cut_proof_names_the_query_a_later_command_can_ask() {
    let r = run(&["--depth", "0", "query", "supported? peer_cache"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("`why #1` shows them"), "{}", r.stdout);
    let later = later_queries(&r.stdout);
    assert_eq!(
        later,
        ["why supported(peer_cache, no, unconditional)"],
        "{}",
        r.stdout
    );
    // A new process has no handles, but the query works.
    let r2 = run(&["query", &later[0]]);
    assert_eq!(r2.code, 0, "{r2:?}");
    assert!(
        r2.stdout
            .contains("status(peer_cache, not_supported, unconditional)"),
        "{}",
        r2.stdout
    );
}

#[test]
fn a_cut_why_not_names_the_query_a_later_command_can_ask() {
    let r = run(&[
        "--depth",
        "0",
        "query",
        "why not supported(peer_cache, yes, unconditional)",
    ]);
    let later = later_queries(&r.stdout);
    assert_eq!(
        later,
        ["why not supported(peer_cache, yes, unconditional)"],
        "{}",
        r.stdout
    );
    let r2 = run(&["query", &later[0]]);
    assert_eq!(r2.code, 0, "{r2:?}");
    assert!(r2.stdout.contains("blocked at"), "{}", r2.stdout);
}

#[test]
fn a_deep_proof_is_cut_at_the_default_depth_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 40);
    let r = run(&["--kb", &kb, "query", "why reach(0, 40)"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("premises cut at the depth limit"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("edge(0, 1)"),
        "the bottom is cut: {}",
        r.stdout
    );
    // --depth sets it; a depth past the proof's shows it whole.
    let r = run(&["--kb", &kb, "--depth", "100", "query", "why reach(0, 40)"]);
    assert!(!r.stdout.contains("cut at the depth limit"), "{}", r.stdout);
    assert!(r.stdout.contains("edge(0, 1)"), "{}", r.stdout);
}

#[test]
fn query_files_check_their_expectations_against_whole_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 40);
    std::fs::write(
        dir.path().join("deep.kbq"),
        "why reach(0, 40).\nexpect uses \"chain.kb:1\".\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["--kb", &kb, "run", "deep.kbq"]);
    assert_eq!(r.code, 0, "{r:?}");
}

/// The words of `text` with the tree drawn around them left out.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "│├└─".contains(c))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn width_wraps_proof_lines_at_separators_under_the_tree() {
    let whole = run(&["--width", "0", "query", "supported? client_install"]);
    assert!(
        whole.stdout.lines().any(|l| l.chars().count() > 200),
        "{whole:?}"
    );
    let fitted = run(&["--width", "72", "query", "supported? client_install"]);
    assert_eq!(fitted.code, 0, "{fitted:?}");
    for l in fitted.stdout.lines() {
        assert!(l.chars().count() <= 72, "{} chars: {l}", l.chars().count());
    }
    // The same words in the same order: no word was cut.
    assert_eq!(words_of(&fitted.stdout), words_of(&whole.stdout));
    // A continuation line keeps the tree's column and is indented under its line.
    let lines: Vec<&str> = fitted.stdout.lines().collect();
    let cited = lines
        .iter()
        .position(|l| l.contains("cites cmg § Support") && l.ends_with("row 'Client"))
        .expect("a long citation");
    let indent = |l: &str| l.chars().take_while(|c| " │".contains(*c)).count();
    assert!(
        indent(lines[cited + 1]) > indent(lines[cited]),
        "{}\n{}",
        lines[cited],
        lines[cited + 1]
    );
    // Piped without --width: lines are kept whole, whatever COLUMNS says.
    let mut cmd = command(std::path::Path::new(ROOT));
    let piped = finish(
        cmd.env("COLUMNS", "60")
            .args(["query", "supported? client_install"]),
    );
    assert_eq!(piped.stdout, whole.stdout);
}

/// A depth limit cuts the explanation, not the verdict: `why not` of a goal the knowledge
/// base contradicts still says "no" at depth 0, in text and Markdown.
#[test]
fn depth_0_keeps_the_verdict_of_why_not() {
    let q = "why not supported(peer_cache, yes, unconditional)";
    let r = run(&["query", "--depth", "0", q]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("does not hold — no: the knowledge base says otherwise"),
        "{r:?}"
    );
    assert!(r.stdout.contains("depth limit"), "{r:?}");
    let r = run(&["-f", "markdown", "query", "--depth", "0", q]);
    assert!(
        r.stdout.contains("the knowledge base says otherwise"),
        "{r:?}"
    );
}

/// JSON indentation stops deepening past a fixed nesting, so a proof 3,000 rules deep
/// writes a trace proportional to its size, not to its depth squared.
#[test]
fn a_deep_proofs_json_grows_with_the_proof_not_its_depth_squared() {
    let dir = tempfile::tempdir().unwrap();
    let n = 3000;
    let mut kb = String::new();
    for i in 0..n {
        kb.push_str(&format!("p{i}(a) :- p{}(a).\n", i + 1));
    }
    kb.push_str(&format!("p{n}(a).\n"));
    std::fs::write(dir.path().join("c.kb"), kb).unwrap();
    let r = run_in(
        dir.path(),
        &["--kb", "c.kb", "explain", "p0? a", "-o", "t.json"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let text = std::fs::read_to_string(dir.path().join("t.json")).unwrap();
    let indent = text
        .lines()
        .map(|l| l.len() - l.trim_start().len())
        .max()
        .unwrap_or(0);
    assert!(indent <= 64, "indentation capped: {indent} columns");
    // About 1.4 KB a proof node; indented by depth it was over 400 MB.
    assert!(text.len() < n * 4096, "{} bytes", text.len());
}
