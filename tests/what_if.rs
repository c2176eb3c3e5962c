//! What-if scenarios over a fact set aside: assuming a fact that `retract` set aside brings
//! it back, in a query file and in the REPL's script mode alike.

mod common;

use common::*;

const FACT: &str = "status(peer_cache, not_supported, unconditional)";

#[test]
fn a_query_file_can_assume_again_what_it_retracted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.kbq"),
        format!(
            "retract {FACT}.\nsupported? peer_cache.\nexpect unknown.\n\nassume {FACT}.\nsupported? peer_cache.\nexpect no.\n"
        ),
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "a.kbq"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2 passed, 0 failed"), "{r:?}");
}

#[test]
fn the_repl_can_assume_again_what_it_retracted() {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        ":retract {FACT}.\nsupported? peer_cache\n:assume {FACT}.\nsupported? peer_cache\n"
    );
    let r = run_with_stdin(dir.path(), &[], script);
    assert_eq!(r.code, 0, "{r:?}");
    let verdicts: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("unknown") || l == &"no")
        .collect();
    assert_eq!(
        verdicts,
        [
            "unknown: the knowledge base states nothing about supported(peer_cache, _, _)",
            "no"
        ],
        "{r:?}"
    );
    assert!(
        r.stdout.contains("restored"),
        "the REPL says the fact is back: {r:?}"
    );
}
