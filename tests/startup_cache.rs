//! The cache of the loaded embedded knowledge base (`src/query/snapshot.rs`): a start that
//! reads it answers exactly as a full load does, and a damaged cache file is ignored and
//! written anew.

mod common;

use common::*;
use std::path::Path;

/// Commands whose output depends on everything a load makes: verdicts, proofs with cited
/// lines and checked quotes, why-not, a conjunctive query, warnings, coverage.
const COMMANDS: &[&[&str]] = &[
    &[
        "query",
        "supported? peer_cache",
        "supported? cloud_distribution_point",
    ],
    &[
        "query",
        "--format",
        "json",
        "supported? peer_cache",
        "why not supported(peer_cache, yes, C)",
    ],
    &[
        "query",
        "?- supported(S, no, C).",
        "supported? dual_stack_clients",
    ],
    &["coverage", "--format", "json"],
    &["check"],
];

fn run_with_cache(cache: &str, args: &[&str]) -> Run {
    finish(
        command(Path::new(env!("CARGO_MANIFEST_DIR")))
            .env("SUPPORTKB_CACHE_DIR", cache)
            .args(args),
    )
}

fn cache_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

fn same(a: &Run, b: &Run) -> bool {
    a.code == b.code && a.stdout == b.stdout && a.stderr == b.stderr
}

#[test]
fn a_cached_start_answers_as_a_full_load() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    for args in COMMANDS {
        let full = run_with_cache("off", args);
        let first = run_with_cache(cache_arg, args);
        let cached = run_with_cache(cache_arg, args);
        assert!(
            same(&full, &first),
            "{args:?}: first start differs\n{full:?}\n{first:?}"
        );
        assert!(
            same(&full, &cached),
            "{args:?}: cached start differs\n{full:?}\n{cached:?}"
        );
    }
    assert_eq!(cache_files(&cache).len(), 1, "one cache file per build");
    let timed = run_with_cache(cache_arg, &["--timings", "query", "supported? peer_cache"]);
    assert!(
        timed.stderr.contains("read the cached knowledge base"),
        "{timed:?}"
    );
    assert!(
        !timed.stderr.contains("  parse"),
        "parsed although cached: {timed:?}"
    );
}

#[test]
fn a_damaged_cache_file_is_ignored_and_written_anew() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let args = [
        "query",
        "supported? peer_cache",
        "why not supported(peer_cache, yes, C)",
    ];
    let full = run_with_cache("off", &args);
    run_with_cache(cache_arg, &args);
    let file = cache_files(&cache)
        .pop()
        .expect("the cache file is written");
    let good = std::fs::read(&file).unwrap();
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x40;
    for damaged in [good[..good.len() / 2].to_vec(), flipped, Vec::new()] {
        std::fs::write(&file, &damaged).unwrap();
        let r = run_with_cache(
            cache_arg,
            &["--timings"]
                .iter()
                .chain(&args)
                .copied()
                .collect::<Vec<_>>(),
        );
        assert_eq!(r.stdout, full.stdout, "answers from a damaged cache");
        assert!(
            r.stderr.contains("parse"),
            "a damaged cache was used: {r:?}"
        );
        assert_eq!(
            std::fs::read(&file).unwrap().len(),
            good.len(),
            "not written anew"
        );
    }
}

#[test]
fn limits_tighter_than_the_cached_load_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let cache_arg = dir.path().to_str().unwrap();
    let args = ["--max-tuples", "5", "query", "supported? peer_cache"];
    run_with_cache(cache_arg, &["query", "supported? peer_cache"]);
    let full = run_with_cache("off", &args);
    let cached = run_with_cache(cache_arg, &args);
    assert_eq!(full.code, 3, "{full:?}");
    assert!(same(&full, &cached), "{full:?}\n{cached:?}");
}

#[cfg(unix)]
#[test]
fn a_cache_file_that_is_no_regular_file_is_ignored_and_replaced() {
    // A cache path that is a link to an endless device must not be read to its end.
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let args = ["query", "supported? peer_cache"];
    let full = run_with_cache("off", &args);
    run_with_cache(cache_arg, &args);
    let file = cache_files(&cache)
        .pop()
        .expect("the cache file is written");
    let good_len = std::fs::metadata(&file).unwrap().len();
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
    let r = run_with_cache(cache_arg, &args);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, full.stdout);
    let meta = std::fs::symlink_metadata(&file).unwrap();
    assert!(meta.is_file(), "the link is replaced by a cache file");
    assert_eq!(meta.len(), good_len);
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_place_of_the_cache_file_does_not_block_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let args = ["query", "supported? peer_cache"];
    run_with_cache(cache_arg, &args);
    let file = cache_files(&cache)
        .pop()
        .expect("the cache file is written");
    std::fs::remove_file(&file).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&file).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available here");
        return;
    }
    let r = run_with_cache(cache_arg, &args);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, run_with_cache("off", &args).stdout);
}
