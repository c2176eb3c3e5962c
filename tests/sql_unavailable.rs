//! A PostgreSQL database supportkb cannot use in the middle of a run is the user's to fix:
//! a lock another session holds is waited for at most 10 seconds (as on SQLite), and a
//! connection lost mid-evaluation stops it; both exit 2 with a message naming the
//! database, never an internal error or an endless wait.

mod common;

use common::sql::{SAMPLE, postgres_url};
use common::{ROOT, Run, run_in};
use std::path::Path;
use std::time::{Duration, Instant};

/// `--inventory SAMPLE --engine URL ARGS…` from the crate root.
fn on(url: &str, args: &[&str]) -> Run {
    let mut all = vec!["--inventory", SAMPLE, "--engine", url];
    all.extend(args);
    run_in(Path::new(ROOT), &all)
}

/// The run failed because of the database's state: exit 2, the code
/// `database-unavailable`, the database named, no internal error.
fn assert_unavailable(r: &Run, what: &str) {
    assert_eq!(r.code, 2, "{what}: {r:?}");
    assert!(
        r.stderr.contains("database-unavailable")
            && r.stderr.contains("the PostgreSQL database")
            && !r.stderr.contains("internal error")
            && !r.stderr.contains("panicked"),
        "{what}: {}",
        r.stderr
    );
}

#[test]
fn a_lock_held_on_postgres_is_waited_for_at_most_10_s_then_refused() {
    let Some(url) = postgres_url("a_lock_held_on_postgres_is_waited_for") else {
        return;
    };
    assert_eq!(on(&url, &["eval"]).code, 0);
    let mut holder = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    holder
        .batch_execute("BEGIN; LOCK TABLE skb_model IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    for args in [
        &["eval"][..],
        &["query", "why blocked(16777240, ipv6_only)"],
    ] {
        let started = Instant::now();
        let r = on(&url, args);
        let waited = started.elapsed();
        assert_unavailable(&r, &format!("{args:?}"));
        assert!(
            r.stderr.contains("locked by another session (waited 10 s)"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            waited >= Duration::from_secs(9) && waited < Duration::from_secs(40),
            "{args:?}: {waited:?}"
        );
    }
    // A shorter --timeout bounds the wait too (the lock, or the time limit, stops it).
    let started = Instant::now();
    let r = on(&url, &["--timeout", "2", "eval"]);
    assert!(r.code == 2 || r.code == 3, "{r:?}");
    assert!(!r.stderr.contains("internal error"), "{r:?}");
    assert!(started.elapsed() < Duration::from_secs(9), "{r:?}");
    holder.batch_execute("ROLLBACK").unwrap();
    let r = on(&url, &["query", "why blocked(16777240, ipv6_only)"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn a_connection_terminated_mid_evaluation_is_exit_2_naming_the_database() {
    let Some(url) = postgres_url("a_connection_terminated_mid_evaluation") else {
        return;
    };
    // Thousands of rounds: long enough to be caught in the middle.
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("n.kb");
    std::fs::write(&kb, "n(0).\nn(Y) :- n(X), Y = X + 1, Y < 100000.\n").unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("supportkb"))
        .env("NO_COLOR", "1")
        .args(["--kb", kb.to_str().unwrap(), "--engine", &url, "eval"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut watcher = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let started = Instant::now();
    let terminated = loop {
        let rows = watcher
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid() \
                 AND query LIKE '%_next%'",
                &[],
            )
            .unwrap();
        if !rows.is_empty() {
            break true;
        }
        if started.elapsed() > Duration::from_secs(30) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = child.wait_with_output().unwrap();
    let r = Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(terminated, "the evaluation was never seen running: {r:?}");
    assert_unavailable(&r, "terminated");
}
