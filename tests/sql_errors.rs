//! A SQLite file supportkb cannot use is the user's to fix: exit 2 with a message naming
//! the file, never a crash. A file that is not a database (text, random bytes, a file of
//! `/proc`, a directory), and a database another process keeps locked past the wait; two
//! evaluations of one file at once run one after the other.

mod common;

use common::sql::sample_copy;
use common::{ROOT, Run, run_in};
use std::path::Path;
use std::time::{Duration, Instant};

/// `--inventory SAMPLE --engine sqlite:FILE ARGS…`.
fn on_file(dir: &Path, file: &Path, args: &[&str]) -> Run {
    let inv = dir.join("inventory").display().to_string();
    let engine = format!("sqlite:{}", file.display());
    let mut all = vec!["--inventory", inv.as_str(), "--engine", engine.as_str()];
    all.extend(args);
    run_in(Path::new(ROOT), &all)
}

#[test]
fn a_file_that_is_not_a_database_is_refused_with_exit_2_naming_it() {
    let dir = sample_copy();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "these are notes, not a database\n").unwrap();
    let random = dir.path().join("random.bin");
    // Bytes no SQLite header starts with (a fixed pseudo-random sequence).
    let bytes: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&random, bytes).unwrap();
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let mut files = vec![text, random, folder];
    if Path::new("/proc/version").exists() {
        files.push("/proc/version".into());
    }
    for file in &files {
        for args in [
            &["eval"][..],
            &["report"],
            &["query", "why blocked(16777240, ipv6_only)"],
        ] {
            let r = on_file(dir.path(), file, args);
            assert_eq!(r.code, 2, "{} {args:?}: {r:?}", file.display());
            assert!(
                r.stderr.contains(&file.display().to_string())
                    && r.stderr.contains("SQLite database")
                    && !r.stderr.contains("panicked"),
                "{} {args:?}: {}",
                file.display(),
                r.stderr
            );
        }
    }
    // The files are left as they were.
    assert_eq!(
        std::fs::read_to_string(&files[0]).unwrap(),
        "these are notes, not a database\n"
    );
}

#[test]
fn a_database_locked_by_another_process_is_waited_for_then_refused() {
    let dir = sample_copy();
    let file = dir.path().join("estate.db");
    assert_eq!(on_file(dir.path(), &file, &["eval"]).code, 0);
    let holder = rusqlite::Connection::open(&file).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    for args in [
        &["--timeout", "2", "eval"][..],
        &[
            "--timeout",
            "2",
            "query",
            "why blocked(16777240, ipv6_only)",
        ],
    ] {
        let started = Instant::now();
        let r = on_file(dir.path(), &file, args);
        let waited = started.elapsed();
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(
            r.stderr.contains(&format!(
                "the SQLite database {} is locked by another process (waited 2 s)",
                file.display()
            )),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            waited >= Duration::from_secs(2) && waited < Duration::from_secs(30),
            "{args:?}: {waited:?}"
        );
    }
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    // Released, the same database is usable again.
    let r = on_file(
        dir.path(),
        &file,
        &["query", "why blocked(16777240, ipv6_only)"],
    );
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn two_reports_on_one_database_at_once_both_succeed() {
    let dir = sample_copy();
    let file = dir.path().join("estate.db");
    let alone = on_file(dir.path(), &file, &["report"]);
    assert_eq!(alone.code, 0, "{alone:?}");
    std::fs::remove_file(&file).unwrap();
    let inv = dir.path().join("inventory").display().to_string();
    let engine = format!("sqlite:{}", file.display());
    let children: Vec<std::process::Child> = (0..2)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("supportkb"))
                .current_dir(ROOT)
                .env("NO_COLOR", "1")
                .args(["--inventory", &inv, "--engine", &engine, "report"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), alone.stdout);
    }
}
