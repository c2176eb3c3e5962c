//! The language a support-matrix author needs: includes (and, as they come, aggregates,
//! typed declarations, versions and string functions), each with its diagnostics.

use assert_cmd::Command;
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

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
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
