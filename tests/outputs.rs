//! Where `eval` may write: a knowledge base's `output` declarations stay inside the folder of
//! the file that declares them (or the `--output` folder) unless `--write-anywhere` allows
//! more; missing folders are created; errors are in plain words.

mod common;

use common::*;
use std::path::Path;

fn kb_with_output(dir: &Path, target: &str) {
    std::fs::create_dir_all(dir.join("kb")).unwrap();
    std::fs::write(
        dir.join("kb/k.kb"),
        format!("edge(a, b).\nreach(X, Y) :- edge(X, Y).\noutput reach to \"{target}\".\n"),
    )
    .unwrap();
}

#[test]
fn an_output_outside_the_knowledge_base_folder_is_refused() {
    for target in [
        "../escape.tsv",
        "/tmp/supportkb-escape-test.tsv",
        "sub/../../escape.tsv",
    ] {
        let dir = tempfile::tempdir().unwrap();
        kb_with_output(dir.path(), target);
        let r = run_in(dir.path(), &["--kb", "kb/k.kb", "eval"]);
        assert_eq!(r.code, 2, "{target}: {r:?}");
        assert!(
            r.stderr.contains("error[io]: kb/k.kb:3:1:")
                && r.stderr
                    .contains("would write outside the knowledge base's folder"),
            "{r:?}"
        );
        assert!(!dir.path().join("escape.tsv").exists());
        assert!(!Path::new("/tmp/supportkb-escape-test.tsv").exists());
    }
}

#[test]
fn write_anywhere_allows_it_and_missing_folders_are_created() {
    let dir = tempfile::tempdir().unwrap();
    kb_with_output(dir.path(), "../escape.tsv");
    let r = run_in(dir.path(), &["--kb", "kb/k.kb", "eval", "--write-anywhere"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("escape.tsv")).unwrap(),
        "a\tb\n"
    );
    let dir = tempfile::tempdir().unwrap();
    kb_with_output(dir.path(), "out/sub/reach.tsv");
    let r = run_in(dir.path(), &["--kb", "kb/k.kb", "eval"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(dir.path().join("kb/out/sub/reach.tsv").is_file(), "{r:?}");
}

#[test]
fn a_file_in_the_way_is_said_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    kb_with_output(dir.path(), "afile/reach.tsv");
    std::fs::write(dir.path().join("kb/afile"), "").unwrap();
    let r = run_in(dir.path(), &["--kb", "kb/k.kb", "eval"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("kb/afile is a file, not a folder"),
        "{r:?}"
    );
    assert!(!r.stderr.to_lowercase().contains("entity"), "{r:?}");
}
