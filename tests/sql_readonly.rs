//! A SQLite database supportkb may read but not write (a read-only file, or a file in a
//! read-only folder): a question answered from the model stored there works; whatever
//! must evaluate (a stale model, `eval`, `report`) is refused with exit 2, saying the
//! database is read-only, and leaves the file as it was.
//!
//! Permissions do not bind root, so run as root these tests run supportkb as `nobody`.

mod common;

use common::sql::{SAMPLE, sample_copy};
use common::{ROOT, Run, run_in};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;

const QUESTION: &str = "why blocked(16777240, ipv6_only)";

/// `supportkb --inventory SAMPLE --engine sqlite:FILE ARGS…`, as a user the file's
/// permissions bind (`nobody` when the tests run as root).
fn unprivileged(file: &Path, args: &[&str]) -> Run {
    let engine = format!("sqlite:{}", file.display());
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("supportkb"));
    cmd.current_dir(ROOT)
        .env("NO_COLOR", "1")
        .env("SUPPORTKB_CACHE_DIR", "off")
        .args(["--inventory", SAMPLE, "--engine", &engine])
        .args(args);
    // Run as root (a file the tests create is root's), supportkb runs as `nobody`.
    let probe = tempfile::NamedTempFile::new().unwrap();
    if std::os::unix::fs::MetadataExt::uid(&probe.as_file().metadata().unwrap()) == 0 {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A database evaluated from the sample in a folder of its own, readable by all.
fn evaluated() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = sample_copy();
    chmod(dir.path(), 0o755);
    let file = dir.path().join("estate.db");
    let engine = format!("sqlite:{}", file.display());
    let r = run_in(
        Path::new(ROOT),
        &["--inventory", SAMPLE, "--engine", &engine, "eval"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    (dir, file)
}

/// Reading the stored model works; evaluating is refused, naming the file; the file is
/// unchanged.
fn reads_but_refuses_to_write(file: &Path, what: &str) {
    let before = std::fs::read(file).unwrap();
    let memory = run_in(Path::new(ROOT), &["--inventory", SAMPLE, "query", QUESTION]);
    let read = unprivileged(file, &["query", QUESTION]);
    assert_eq!(read.code, 0, "{what}: {read:?}");
    assert_eq!(read.stdout, memory.stdout, "{what}");
    for args in [&["eval"][..], &["report"]] {
        let r = unprivileged(file, args);
        assert_eq!(r.code, 2, "{what} {args:?}: {r:?}");
        assert!(
            r.stderr.contains(&format!(
                "the SQLite database {} is read-only",
                file.display()
            )) && !r.stderr.contains("internal error"),
            "{what} {args:?}: {}",
            r.stderr
        );
    }
    assert!(
        std::fs::read(file).unwrap() == before,
        "{what}: the file changed"
    );
}

#[test]
fn a_read_only_database_file_answers_from_its_model_and_refuses_to_evaluate() {
    let (_dir, file) = evaluated();
    chmod(&file, 0o444);
    reads_but_refuses_to_write(&file, "read-only file");
}

#[test]
fn a_database_in_a_read_only_folder_answers_from_its_model_and_refuses_to_evaluate() {
    let (dir, file) = evaluated();
    chmod(&file, 0o666);
    let sub = dir.path().join("inventory");
    // The folder itself: no journal can be created beside the file.
    chmod(dir.path(), 0o555);
    reads_but_refuses_to_write(&file, "read-only folder");
    chmod(dir.path(), 0o755);
    assert!(sub.is_dir());
}
