//! Bad input never panics, hangs or loses data: regression tests for inputs that once did
//! (each names what it guards).

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
            .contains("supportkb-trace/1")
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
        &["explain", "supported? peer_cache", "-o", "fifo"],
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
        r.stdout
            .contains("36 tuples match; the first 10 are proved"),
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
    ] {
        for e in std::fs::read_dir(Path::new(ROOT).join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
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
