//! A query file's `kb "PATH".` and `inventory "DIR".` that name nothing are errors at their
//! own line and column in the query file, with a caret, for `run` and `test` alike; an
//! estate predicate asked without an inventory says that it needs one.

mod common;

use common::*;

#[test]
fn a_missing_inventory_of_a_query_file_is_reported_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.kbq"),
        "% the estate\ninventory \"nope\".\nsupported? peer_cache.\nexpect no.\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "a.kbq"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("a.kbq:2:1"), "{r:?}");
    assert!(
        r.stderr.contains("inventory \"nope\": no such folder"),
        "{r:?}"
    );
    assert!(r.stderr.contains('^') || r.stderr.contains('┬'), "{r:?}");
    assert!(!r.stderr.contains("--inventory"), "{r:?}");

    let t = run_in(dir.path(), &["test", "a.kbq"]);
    assert_eq!(t.code, 2, "{t:?}");
    let all = format!("{}{}", t.stdout, t.stderr);
    assert!(all.contains("a.kbq:2:1"), "{t:?}");
    assert!(all.contains("inventory \"nope\": no such folder"), "{t:?}");
}

#[test]
fn an_inventory_that_is_a_file_and_a_missing_kb_are_reported_at_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clients.csv"), "x\n").unwrap();
    std::fs::write(
        dir.path().join("a.kbq"),
        "inventory \"clients.csv\".\nsupported? peer_cache.\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "a.kbq"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("a.kbq:1:1"), "{r:?}");
    assert!(r.stderr.contains("not a folder"), "{r:?}");

    std::fs::write(
        dir.path().join("b.kbq"),
        "kb \"gone.kb\".\nsupported? peer_cache.\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "b.kbq"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("b.kbq:1:1"), "{r:?}");
    assert!(
        r.stderr.contains("kb \"gone.kb\": no such file or folder"),
        "{r:?}"
    );
}

#[test]
fn an_estate_predicate_asked_without_an_inventory_says_to_give_one() {
    for q in ["blocked? 1", "?- blocked(C, R).", "why blocked(1, x)"] {
        let r = run(&["query", q]);
        assert_eq!(r.code, 2, "{q}: {r:?}");
        assert!(
            r.stderr.contains("unknown predicate `blocked`"),
            "{q}: {r:?}"
        );
        assert!(
            r.stderr
                .contains("`blocked` is a predicate of the estate rules")
                && r.stderr.contains("--inventory DIR"),
            "{q}: {r:?}"
        );
    }
    // A predicate neither the knowledge base nor the estate rules have gets no such help,
    // nor does a knowledge base of one's own (the estate rules do not come with it).
    let r = run(&["query", "?- nothing_like_this(X)."]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(!r.stderr.contains("estate rules"), "{r:?}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("own.kb"), "p(1).\n").unwrap();
    let r = run_in(dir.path(), &["--kb", "own.kb", "query", "blocked? 1"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("unknown predicate `blocked`"), "{r:?}");
    assert!(!r.stderr.contains("estate rules"), "{r:?}");
}
