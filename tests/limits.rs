//! Resource limits bound all the work of a query: the knowledge base's evaluation, the
//! query's own evaluation and the search for its explanation (proof, why-not). Hitting one
//! exits 3 with a message naming the limit and the flag that raises it.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// A five-way cross product of the CMG feature table (about 50⁵ rows).
const FIVE_WAY: &str =
    "?- status(A, B, C), status(D, E, F), status(G, H, I), status(J, K, L), status(M, N, O).";

/// A chain of `n` edges with its transitive closure and a count over the closure: the model
/// is small (n²/2 tuples), but the proof of `total? N` lists every `reach` tuple as a member,
/// each with its own proof down the chain (about n³/6 proof nodes).
fn chain_kb(dir: &Path, n: usize) -> PathBuf {
    let mut kb = String::from(
        "reach(X, Y) :- edge(X, Y).\n\
         reach(X, Z) :- reach(X, Y), edge(Y, Z).\n\
         total(N) :- N = count : { reach(X, Y) }.\n\
         total_of(all, N) :- total(N).\n",
    );
    for i in 0..n {
        kb.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    let path = dir.join("chain.kb");
    std::fs::write(&path, kb).unwrap();
    path
}

#[test]
fn a_five_way_join_query_stops_at_the_timeout_with_exit_3() {
    let r = run(&["--timeout", "2", "query", FIVE_WAY]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("time limit (2s)"), "{r:?}");
    assert!(r.stderr.contains("--timeout"), "{r:?}");
    assert!(r.stdout.is_empty(), "no partial answer: {r:?}");
}

#[test]
fn a_five_way_join_query_stops_at_the_memory_bound_with_exit_3() {
    let r = run(&["--max-memory", "16", "query", FIVE_WAY]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("memory limit"), "{r:?}");
    assert!(r.stderr.contains("--max-memory"), "{r:?}");
}

#[test]
fn the_timeout_bounds_the_explanation_search() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 300);
    let kb = kb.to_str().unwrap();
    // The evaluation alone is quick: the closure's tuples are there in time.
    let r = run(&["--kb", kb, "--timeout", "5", "query", "?- reach(0, 300)."]);
    assert_eq!(r.code, 0, "{r:?}");
    // Proving the count means proving 45,150 members down a chain of 300 (some 4.5 million
    // proof nodes).
    let r = run(&["--kb", kb, "--timeout", "5", "query", "total? N"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("time limit (5s)"), "{r:?}");
    assert!(r.stderr.contains("--timeout"), "{r:?}");
}

#[test]
fn the_tuple_limit_bounds_the_proofs_built() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 100);
    let kb = kb.to_str().unwrap();
    // The model (5,050 closure tuples) fits in the limit; its proof (about 170,000 nodes)
    // does not.
    let r = run(&[
        "--kb",
        kb,
        "--max-tuples",
        "20000",
        "query",
        "?- edge(0, X).",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(&["--kb", kb, "--max-tuples", "20000", "query", "total? N"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("limit (20000) was reached"), "{r:?}");
    assert!(r.stderr.contains("--max-tuples"), "{r:?}");
}

#[test]
fn the_memory_bound_bounds_the_proofs_built() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 150);
    let kb = kb.to_str().unwrap();
    // 4 MB are 131,072 rows of 32 bytes: enough for the model, not for the proof (each
    // proof node counts as 16 rows).
    let r = run(&["--kb", kb, "--max-memory", "4", "query", "?- edge(0, X)."]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(&["--kb", kb, "--max-memory", "4", "query", "total? N"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("memory limit"), "{r:?}");
    assert!(r.stderr.contains("--max-memory"), "{r:?}");
}

#[test]
fn the_timeout_bounds_a_why_not_search() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 300);
    let kb = kb.to_str().unwrap();
    // What holds instead for the subject `all`, total_of(all, 45150), is shown with its
    // proof.
    let r = run(&[
        "--kb",
        kb,
        "--timeout",
        "5",
        "query",
        "why not total_of(all, 5)",
    ]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("--timeout"), "{r:?}");
}

/// The rows of an answer are work too: a join whose evaluation fits the memory bound but
/// whose answer (64,000 rows of 6 values, each decoded and rendered) does not, stops with
/// exit 3 instead of printing them.
#[test]
fn the_memory_bound_covers_the_answers_rows() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 40);
    let kb = kb.to_str().unwrap();
    let q = "?- edge(A, B), edge(C, D), edge(E, F).";
    let r = run(&["--kb", kb, "--rows", "1", "query", q]);
    assert_eq!(r.code, 0, "without a tight bound it answers: {r:?}");
    assert!(r.stdout.contains("64000"), "{}", head(&r.stdout));
    let r = run(&["--kb", kb, "--max-memory", "20", "query", q]);
    assert_eq!(r.code, 3, "{}", head(&r.stdout));
    assert!(r.stderr.contains("memory limit"), "{r:?}");
    assert!(r.stderr.contains("--max-memory"), "{r:?}");
    assert!(r.stdout.is_empty(), "no partial answer: {r:?}");
}

/// The first lines of a long output, for a failure message.
fn head(s: &str) -> String {
    s.lines().take(12).collect::<Vec<_>>().join("\n")
}

/// With several queries, the text of a limit error says which query it stopped.
#[test]
fn a_limit_names_the_query_it_stopped() {
    let r = run(&[
        "--max-tuples",
        "2000",
        "query",
        "supported? peer_cache",
        FIVE_WAY,
    ]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stdout.starts_with("supported? peer_cache"), "{r:?}");
    assert!(r.stderr.contains(&format!("`{FIVE_WAY}`: ")), "{r:?}");
    assert!(r.stderr.contains("--max-tuples"), "{r:?}");
}

#[test]
fn the_help_says_max_memory_counts_rows_not_bytes() {
    let r = run(&["--help"]);
    assert_eq!(r.code, 0, "{r:?}");
    let help = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("counts rows of intermediate results, not bytes allocated")
            && help.contains("MB × 1,048,576 / 32 rows"),
        "{help}"
    );
}

#[test]
fn threads_are_bounded_so_a_typo_cannot_start_thousands() {
    for bad in ["0", "257", "1000", "65535"] {
        let r = run(&["--threads", bad, "query", "supported? peer_cache"]);
        assert_eq!(r.code, 2, "--threads {bad}: {r:?}");
        assert!(r.stderr.contains("--threads"), "--threads {bad}: {r:?}");
        assert!(r.stdout.is_empty(), "--threads {bad}: {r:?}");
    }
    for good in ["1", "2", "256"] {
        let r = run(&["--threads", good, "query", "supported? peer_cache"]);
        assert_eq!(r.code, 0, "--threads {good}: {r:?}");
    }
}
