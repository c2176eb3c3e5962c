//! `supportkb test` as a CI job runs it: folders that opt out and `--ignore GLOB`, `--run
//! PATTERN`, `-v`, coverage as percentages with `--threshold`, and JUnit XML read back by an
//! XML parser.

mod common;

use common::*;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A folder with a passing file at the top and a broken one under `fixtures/`.
fn suite_with_a_broken_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.kbq", "supported? peer_cache.\nexpect no.\n");
    write(
        dir.path(),
        "fixtures/broken/queries.kbq",
        "supported? peer_cache\nexpect no.\n",
    );
    dir
}

#[test]
fn the_repository_root_passes_as_a_suite() {
    // tests/ holds deliberately broken query files (fixtures of the Rust tests); they opt out.
    let r = run(&["test"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(last_line(&r.stdout).ends_with(" passed, 0 failed"), "{r:?}");
    assert!(!r.stdout.contains("tests/cases"), "{r:?}");
    assert!(r.stdout.contains("examples/cmg-audit.kbq"), "{r:?}");
}

#[test]
fn a_folder_opts_out_with_a_marker_file_unless_named() {
    let dir = suite_with_a_broken_fixture();
    let r = run_in(dir.path(), &["test"]);
    assert_eq!(r.code, 2, "{r:?}");
    write(dir.path(), "fixtures/.supportkb-skip", "");
    let r = run_in(dir.path(), &["test"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(last_line(&r.stdout), "1 passed, 0 failed", "{r:?}");
    assert!(!r.stdout.contains("broken"), "{r:?}");
    // Named on the command line, a skipped folder runs.
    let r = run_in(dir.path(), &["test", "fixtures/broken"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stdout.contains("FAIL fixtures/broken/queries.kbq"),
        "{r:?}"
    );
}

#[test]
fn ignore_globs_leave_out_files_and_folders() {
    let dir = suite_with_a_broken_fixture();
    write(
        dir.path(),
        "slow.kbq",
        "supported? software_updates.\nexpect yes.\n",
    );
    for glob in ["fixtures", "fixtures/**", "**/broken/*.kbq", "queries.kbq"] {
        let r = run_in(dir.path(), &["test", "--ignore", glob]);
        assert_eq!(r.code, 0, "--ignore {glob}: {r:?}");
        assert_eq!(last_line(&r.stdout), "2 passed, 0 failed", "{glob}: {r:?}");
    }
    let r = run_in(
        dir.path(),
        &["test", "--ignore", "fixtures", "--ignore", "slow*"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(last_line(&r.stdout), "1 passed, 0 failed", "{r:?}");
    assert!(!r.stdout.contains("slow.kbq"), "{r:?}");
    // Everything ignored: nothing to run is an input error.
    let r = run_in(dir.path(), &["test", "--ignore", "*.kbq"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = run_in(dir.path(), &["test", "--ignore", "[oops"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--ignore"), "{r:?}");
}

#[test]
fn run_selects_checks_by_query_or_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.kbq",
        "supported? peer_cache.\nexpect no.\n\nsupported? software_updates.\nexpect no.\n",
    );
    write(
        dir.path(),
        "b.kbq",
        "supported? software_updates.\nexpect yes.\n",
    );
    let r = run_in(dir.path(), &["test"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(last_line(&r.stdout), "2 passed, 1 failed", "{r:?}");
    // By query: the failing check in a.kbq is not selected.
    let r = run_in(dir.path(), &["test", "--run", "peer_cache"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(last_line(&r.stdout), "1 passed, 0 failed", "{r:?}");
    assert!(!r.stdout.contains("b.kbq"), "{r:?}");
    // By file: every check of b.kbq.
    let r = run_in(dir.path(), &["test", "--run", "^./b"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(last_line(&r.stdout), "1 passed, 0 failed", "{r:?}");
    assert!(r.stdout.contains("b.kbq"), "{r:?}");
    // A regular expression.
    let r = run_in(dir.path(), &["test", "--run", "software_(updates|nothing)"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(last_line(&r.stdout), "1 passed, 1 failed", "{r:?}");
    // Nothing selected is an input error, not a green run.
    let r = run_in(dir.path(), &["test", "--run", "no_such_feature"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no_such_feature"), "{r:?}");
    let r = run_in(dir.path(), &["test", "--run", "("]);
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn verbose_lists_every_check_with_its_result_and_time() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.kbq",
        "supported? peer_cache.\nexpect no.\n\nsupported? software_updates.\nexpect no.\n\n?- cmg_role(R).\n",
    );
    let quiet = run_in(dir.path(), &["test"]);
    assert!(
        !quiet.stdout.contains(" ms  supported? peer_cache"),
        "{quiet:?}"
    );
    let r = run_in(dir.path(), &["test", "-v"]);
    assert_eq!(r.code, 1, "{r:?}");
    let line = |q: &str| {
        r.stdout
            .lines()
            .find(|l| l.contains(q) && l.contains(" ms"))
            .unwrap_or_else(|| panic!("no line for {q}: {r:?}"))
            .to_string()
    };
    let pass = line("supported? peer_cache");
    assert!(pass.trim_start().starts_with("ok "), "{pass}");
    let fail = line("supported? software_updates");
    assert!(fail.trim_start().starts_with("FAIL "), "{fail}");
    let ran = line("cmg_role(R)");
    assert!(ran.trim_start().starts_with("ran "), "{ran}");
    // The time is a number of milliseconds.
    let ms: f64 = pass
        .split(" ms")
        .next()
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .parse()
        .unwrap();
    assert!(ms >= 0.0, "{pass}");
    // JSON gives every query's time too.
    let r = run_in(dir.path(), &["-f", "json", "test"]);
    let v = json(&r);
    let items = v["files"][0]["report"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i["seconds"].as_f64().unwrap() >= 0.0));
}

#[test]
fn coverage_gives_percentages_and_threshold_fails_below() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "kb.kb",
        "p(a).\np(b).\nq(c).\nr(X) :- p(X).\ns(X) :- q(X).\n",
    );
    write(
        dir.path(),
        "t.kbq",
        "kb \"kb.kb\".\nwhy r(a).\nexpect uses p.\n",
    );
    let r = run_in(dir.path(), &["test", "--coverage"]);
    assert_eq!(r.code, 0, "{r:?}");
    // r(a) uses p(a) and the rule of r: 2 of 5 clauses, 1 of 3 facts, 1 of 2 rules.
    assert!(
        r.stdout.contains(
            "coverage of ./kb.kb: 40.0% (2 of 5 clauses used by some proof; facts 33.3%, 1 of 3; rules 50.0%, 1 of 2); never used:"
        ),
        "{r:?}"
    );
    let r = run_in(dir.path(), &["-f", "json", "test", "--coverage"]);
    let c = &json(&r)["coverage"][0];
    assert_eq!(c["percent"], 40.0);
    assert_eq!(c["facts"], 3);
    assert_eq!(c["facts_covered"], 1);
    assert_eq!(c["rules"], 2);
    assert_eq!(c["rules_covered"], 1);
    // --threshold implies --coverage; under it exits 1, at it 0.
    let r = run_in(dir.path(), &["test", "--threshold", "50"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("coverage of ./kb.kb: 40.0%"), "{r:?}");
    assert!(
        r.stderr
            .contains("coverage of ./kb.kb is 40.0%, under --threshold 50%"),
        "{r:?}"
    );
    let r = run_in(dir.path(), &["test", "--threshold", "40"]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = run_in(dir.path(), &["test", "--threshold", "101"]);
    assert_eq!(r.code, 2, "{r:?}");
}

/// A JUnit test case as read back: its attributes and the failure or error in it.
#[derive(Debug, Default)]
struct Case {
    name: String,
    time: Option<f64>,
    failure_message: Option<String>,
    failure_body: String,
}

fn junit_cases(xml: &str) -> Vec<Case> {
    let mut reader = Reader::from_str(xml);
    let mut cases = Vec::new();
    let mut in_failure = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |k: &str| {
                    e.attributes()
                        .map(|a| a.unwrap())
                        .find(|a| a.key.as_ref() == k.as_bytes())
                        .map(|a| {
                            a.normalized_value(XmlVersion::Implicit1_0)
                                .unwrap()
                                .to_string()
                        })
                };
                match e.name().as_ref() {
                    b"testcase" => cases.push(Case {
                        name: attr("name").unwrap(),
                        time: attr("time").map(|t| t.parse().unwrap()),
                        ..Case::default()
                    }),
                    b"failure" | b"error" => {
                        cases.last_mut().unwrap().failure_message = attr("message");
                        in_failure = true;
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_failure => {
                let text = t.xml10_content().unwrap();
                cases.last_mut().unwrap().failure_body.push_str(&text);
            }
            Event::GeneralRef(r) if in_failure => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c,
                    None => match r.decode().unwrap().as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("entity {other}"),
                    },
                };
                cases.last_mut().unwrap().failure_body.push(c);
            }
            Event::End(e) if matches!(e.name().as_ref(), b"failure" | b"error") => {
                in_failure = false;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    cases
}

fn plain(s: &str) -> bool {
    !s.contains('\u{1b}') && !s.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c))
}

#[test]
fn junit_has_times_and_plain_text_failures() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.kbq",
        "supported? peer_cache.\nexpect no.\n\nsupported? software_updates.\nexpect no.\nexpect rows 5.\n\nnosuch? peer_cache.\n",
    );
    write(dir.path(), "b.kbq", "supported? peer_cache\nexpect no.\n");
    let r = run_in(dir.path(), &["test", "--junit", "out.xml"]);
    assert_eq!(r.code, 2, "{r:?}");
    let xml = std::fs::read_to_string(dir.path().join("out.xml")).unwrap();
    let cases = junit_cases(&xml);
    assert!(cases.len() >= 3, "{cases:?}");
    for c in &cases {
        assert!(c.time.is_some_and(|t| t >= 0.0), "{c:?}\n{xml}");
        if let Some(m) = &c.failure_message {
            assert!(!m.contains('\n'), "message on one line: {m:?}");
            assert!(plain(m), "{m:?}");
            assert!(plain(&c.failure_body), "{:?}", c.failure_body);
            assert!(!c.failure_body.trim().is_empty(), "{c:?}");
        }
    }
    let case = |name: &str| {
        cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no case {name}: {xml}"))
    };
    assert!(case("supported? peer_cache").failure_message.is_none());
    let failed = case("supported? software_updates");
    assert_eq!(
        failed.failure_message.as_deref(),
        Some("expect no at ./a.kbq:5:1: expected no, actual verdict yes")
    );
    assert!(
        failed
            .failure_body
            .contains("expected rows 5, actual 1 row"),
        "{failed:?}"
    );
    assert_eq!(failed.failure_body.trim().lines().count(), 2, "{failed:?}");
    let unknown = case("nosuch? peer_cache");
    let m = unknown.failure_message.as_deref().unwrap();
    assert!(m.contains("unknown predicate `nosuch`"), "{m}");
    assert!(unknown.failure_body.contains("./a.kbq:8:1"), "{unknown:?}");
    assert!(
        unknown.failure_body.contains("nosuch? peer_cache."),
        "{unknown:?}"
    );
    assert!(unknown.failure_body.contains('^'), "{unknown:?}");
    let load = cases
        .iter()
        .find(|c| {
            c.failure_message
                .as_deref()
                .is_some_and(|m| m.contains("syntax"))
        })
        .unwrap_or_else(|| panic!("no case for b.kbq: {xml}"));
    assert!(load.failure_body.contains("./b.kbq:2:"), "{load:?}");
}

#[test]
fn a_query_file_without_queries_is_rejected_by_run_and_test_alike() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("suite")).unwrap();
    std::fs::write(dir.path().join("suite/empty.kbq"), "% nothing yet\n").unwrap();
    let r = run_in(dir.path(), &["run", "suite/empty.kbq"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("suite/empty.kbq:1:1: the query file has no queries"),
        "{r:?}"
    );
    let r = run_in(dir.path(), &["test", "suite"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("the query file has no queries")
            || r.stdout.contains("the query file has no queries"),
        "{r:?}"
    );
}
