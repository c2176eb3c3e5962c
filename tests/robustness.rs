//! Bad input never panics, hangs or loses data: regression tests for inputs that once did
//! (each names what it guards).
//!
//! Each input the fuzzers found, `tests/fuzz_regressions/NAME.…`, has `NAME.expected` beside
//! it stating what it must give (whether the knowledge base loads or which diagnostic codes
//! reject it, the query's verdict, the exit code of the command line); a new regression input
//! comes with one.

mod common;

use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

const CROSS: &str =
    "?- status(A,B,C), status(D,E,F), status(G,H,I), status(J,K,L), status(M,N,O), status(P,Q,R).";

#[test]
fn limits_hold_inside_one_huge_join() {
    // Guards: a six-way cross product ran for minutes and was killed for memory before the
    // limits were checked inside an operator.
    let started = Instant::now();
    let r = run(&["--max-tuples", "1000", "query", CROSS]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("derived tuples limit (1000)"), "{r:?}");
    let r = run(&["--timeout", "0.5", "query", CROSS]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("evaluation time limit"), "{r:?}");
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn limit_values_are_checked() {
    // Guards: `--timeout 1e300` panicked; 0, negative and NaN silently meant "no limit".
    for bad in ["1e300", "0", "-1", "NaN", "soon"] {
        let r = run(&[
            &format!("--timeout={bad}"),
            "query",
            "supported? peer_cache",
        ]);
        assert_eq!(r.code, 2, "{bad}: {r:?}");
        assert!(!r.stderr.contains("panicked"), "{r:?}");
        assert!(r.stderr.contains("--timeout"), "{r:?}");
    }
}

#[test]
fn special_files_are_refused_not_read_forever() {
    // Guards: `--kb /dev/zero` was killed for memory; `check /dev/urandom` hung.
    for f in ["/dev/zero", "/dev/urandom"] {
        let r = run(&["check", f]);
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains("is not a regular file"), "{r:?}");
    }
}

#[test]
fn writing_a_trace_follows_links_and_refuses_special_files() {
    // Guards: `explain -o` replaced a symbolic link, a FIFO or a device with a regular file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.json"), "old").unwrap();
    std::os::unix::fs::symlink("t.json", dir.path().join("link.json")).unwrap();
    let r = run_in(
        dir.path(),
        &["explain", "supported? peer_cache", "-o", "link.json"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(dir.path().join("t.json"))
            .unwrap()
            .contains("supportkb-trace/3")
    );
    let fifo = dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let r = run_in(
        dir.path(),
        &[
            "explain",
            "supported? peer_cache",
            "--format",
            "text",
            "-o",
            "fifo",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("not a regular file"), "{r:?}");
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(!meta.is_file(), "the FIFO is still a FIFO");
    // A temporary file never names itself in a message.
    let r = run_in(
        dir.path(),
        &[
            "explain",
            "supported? peer_cache",
            "-o",
            "no/such/dir/t.json",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains(".tmp"), "{r:?}");
}

#[test]
fn verify_rejects_forged_citations_and_places() {
    // Guards: a trace whose quote or line was edited still verified.
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(
        dir.path(),
        &["explain", "supported? peer_cache", "-o", "t.json"],
    );
    assert_eq!(r.code, 0);
    let path = dir.path().join("t.json");
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let forge = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut t = original.clone();
        edit(&mut t);
        std::fs::write(&path, serde_json::to_string(&t).unwrap()).unwrap();
        run_in(dir.path(), &["verify", "t.json"])
    };
    let r = forge(&|t| {
        t["answer"]["proofs"][0]["premises"][0]["by"]["cites"][0]["quote"] =
            "Peer cache Supported.".into()
    });
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("citations shown"), "{r:?}");
    let r =
        forge(&|t| t["answer"]["proofs"][0]["premises"][0]["by"]["location"]["line"] = 7.into());
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("is written at"), "{r:?}");
    let r = forge(&|_| {});
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn remainder_is_mod_and_percent_starts_a_comment() {
    // Guards: `X % 2` silently read as `X` followed by a comment.
    let r = run(&["query", "?- X = 7 mod 2, Y = -7 mod 2, Z = -7 / 2."]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("│ 1 │ -1 │ -3 │"), "{r:?}");
}

#[test]
fn a_closed_stderr_is_not_a_panic() {
    // Guards: a diagnostic written to a closed stderr panicked (exit 101).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.kb"), "p(a) q(b).\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_supportkb"))
        .current_dir(dir.path())
        .args(["check", "bad.kb"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
}

#[test]
fn why_explains_predicates_not_built_ins_and_says_when_it_stops() {
    let r = run(&["query", "why length(\"abc\", 3)"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is a built-in"), "{r:?}");
    let r = run(&["query", "why supported(X, Y, Z)"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("proved 10 of the 36 matching tuples"),
        "{r:?}"
    );
}

#[test]
fn a_folder_given_twice_is_read_once() {
    let r = run(&[
        "--kb",
        "rules/cmg",
        "--kb",
        "rules/cmg",
        "query",
        "supported? peer_cache",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("no\n"), "{r:?}");
}

#[test]
fn fuzz_regressions_and_the_project_files_never_panic() {
    // Every input the fuzzers found (tests/fuzz_regressions/) and every knowledge base and
    // query file of the project, through all three fuzz entry points.
    let mut inputs: Vec<std::path::PathBuf> = Vec::new();
    for dir in [
        "tests/fuzz_regressions",
        "rules/cmg",
        "examples",
        "examples/lifecycle",
        "examples/drivers",
        "examples/cmg-history/common",
    ] {
        for e in std::fs::read_dir(Path::new(ROOT).join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() && p.extension().is_none_or(|x| x != "expected") {
                inputs.push(p);
            }
        }
    }
    assert!(inputs.len() > 20);
    for p in inputs {
        let data = std::fs::read(&p).unwrap();
        supportkb::fuzzing::parse_kb(&data);
        supportkb::fuzzing::parse_query(&data);
        supportkb::fuzzing::pipeline(&data);
    }
}

// ---------------------------------------------------------------- what each regression gives

/// What a fuzz regression input must give, read from `NAME.expected` beside `NAME.…`: lines
/// `key: value`, `%` comments.
///
/// - `kb: loads` / `kb: rejected CODE…` (the error codes, in order) / `kb: limit`;
/// - `warnings: CODE…`: the warnings of loading (absent: none);
/// - `query: VERDICT` (answered, with that verdict) / `query: rejected CODE…` /
///   `query: limit`; `rows: N` and `row: V, …` (the first row) of the answer;
/// - `script: parses` / `script: rejected CODE` for a query file (`.kbq`);
/// - `exit: N`: the exit code of the command line on it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    kb: Option<String>,
    warnings: Vec<String>,
    query: Option<String>,
    rows: Option<String>,
    row: Option<String>,
    script: Option<String>,
    exit: Option<i32>,
}

fn parse_expected(text: &str, file: &Path) -> Outcome {
    let mut o = Outcome::default();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('%') {
            continue;
        }
        let (key, value) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("{}: `{line}` is not `key: value`", file.display()));
        let value = value.trim().to_string();
        match key {
            "kb" => o.kb = Some(value),
            "warnings" => o.warnings = value.split_whitespace().map(String::from).collect(),
            "query" => o.query = Some(value),
            "rows" => o.rows = Some(value),
            "row" => o.row = Some(value),
            "script" => o.script = Some(value),
            "exit" => o.exit = Some(value.parse().expect("exit: a number")),
            other => panic!("{}: unknown key `{other}`", file.display()),
        }
    }
    o
}

fn codes(ds: &[supportkb::source::Diagnostic], errors: bool) -> Vec<String> {
    ds.iter()
        .filter(|d| d.is_error() == errors)
        .map(|d| d.code.to_string())
        .collect()
}

/// What the library and the command line give on one regression input, under the limits
/// of the fuzz pipeline (`supportkb::fuzzing::pipeline`).
fn outcome(path: &Path, want: &Outcome) -> Outcome {
    use supportkb::engine::EvalConfig;
    use supportkb::query::{LoadConfig, LoadFailure, QueryError, Session};
    use supportkb::source::SourceText;

    let data = std::fs::read(path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut got = Outcome::default();
    if path.extension().is_some_and(|x| x == "kbq") {
        let text = String::from_utf8(data).expect("a query file is text");
        got.script = Some(match supportkb::syntax::parse_script(&text, 0) {
            Ok(_) => "parses".into(),
            Err(d) => format!("rejected {}", d.code),
        });
        std::fs::write(dir.path().join("f.kbq"), &text).unwrap();
        got.exit = Some(run_in(dir.path(), &["run", "f.kbq"]).code);
        return got;
    }
    let (kb, query) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..], &b"?- p(X)."[..]),
    };
    let kb = String::from_utf8(kb.to_vec()).expect("the knowledge base is text");
    let query = String::from_utf8(query.to_vec()).expect("the query is text");
    let config = LoadConfig {
        eval: EvalConfig {
            max_tuples: 20_000,
            max_rows: 2_000_000,
            timeout: Some(Duration::from_secs(2)),
            ..EvalConfig::default()
        },
        ..LoadConfig::default()
    };
    let texts = vec![SourceText {
        name: "f.kb".into(),
        text: kb.clone(),
    }];
    match Session::load(texts, config) {
        Err(e) => {
            got.warnings = codes(&e.diagnostics, false);
            got.kb = Some(match e.failure {
                LoadFailure::Rejected => {
                    format!("rejected {}", codes(&e.diagnostics, true).join(" "))
                }
                LoadFailure::Limit(_) => "limit".into(),
                other => format!("{other:?}"),
            });
        }
        Ok(mut session) => {
            got.kb = Some("loads".into());
            got.warnings = codes(&session.kb.warnings(), false);
            got.query = Some(match session.ask(&query, Default::default()) {
                Ok(a) => {
                    assert!(
                        a.proof_errors().is_empty(),
                        "{}: {:?}",
                        path.display(),
                        a.proof_errors()
                    );
                    let rows = a.rows();
                    if want.rows.is_some() {
                        got.rows = Some(rows.len().to_string());
                    }
                    if want.row.is_some() {
                        got.row = rows.first().map(|r| {
                            r.iter()
                                .map(|c| c.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        });
                    }
                    a.verdict()
                }
                Err(QueryError::Invalid(d)) => format!("rejected {}", codes(&d, true).join(" ")),
                Err(QueryError::Eval(_)) => "limit".into(),
                Err(e) => format!("{e:?}"),
            });
        }
    }
    std::fs::write(dir.path().join("f.kb"), &kb).unwrap();
    let args = [
        "--max-tuples",
        "20000",
        "--timeout",
        "2",
        "--kb",
        "f.kb",
        "query",
        &query,
    ];
    let r = run_in(dir.path(), &args);
    assert!(!r.stderr.contains("panicked"), "{}:\n{r:?}", path.display());
    got.exit = Some(r.code);
    got
}

#[test]
fn each_fuzz_regression_gives_what_it_must() {
    let dir = Path::new(ROOT).join("tests/fuzz_regressions");
    let mut inputs = Vec::new();
    let mut expected = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "expected") {
            expected.push(p);
        } else {
            inputs.push(p);
        }
    }
    inputs.sort();
    assert!(inputs.len() >= 14, "{inputs:?}");
    let stem = |p: &Path| -> String {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        name.split('.').next().unwrap().to_string()
    };
    for e in &expected {
        assert!(
            inputs.iter().any(|i| stem(i) == stem(e)),
            "{} belongs to no input",
            e.display()
        );
    }
    let mut failures = Vec::new();
    for input in &inputs {
        let file = dir.join(format!("{}.expected", stem(input)));
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|_| panic!("{} has no {}", input.display(), file.display()));
        let want = parse_expected(&text, &file);
        let got = outcome(input, &want);
        if got != want {
            failures.push(format!(
                "{}:\n  expected {want:?}\n  actual   {got:?}",
                input.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[cfg(unix)]
#[test]
fn an_output_path_that_is_a_dangling_link_or_in_a_missing_folder_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone/x.json"), dir.path().join("link.json"))
        .unwrap();
    let r = run_in(
        dir.path(),
        &["explain", "supported? peer_cache", "-o", "link.json"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("link.json is a symbolic link to")
            && r.stderr.contains("which does not exist"),
        "{r:?}"
    );
    assert!(!r.stderr.contains("panicked"), "{r:?}");
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is left as it was"
    );
    let r = run_in(
        dir.path(),
        &["explain", "supported? peer_cache", "-o", "no/sub/t.json"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("no/sub/t.json: its folder no/sub does not exist"),
        "{r:?}"
    );
}
