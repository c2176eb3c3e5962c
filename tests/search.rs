//! `supportkb search WORDS`: ranked full-text search over the pinned texts, quotes, notes
//! and predicate documentation, each hit with its line, the clauses citing it and a
//! question to ask.

mod common;

use common::*;
use serde_json::Value;

fn hits(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["search"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let r = run(&all);
    assert_eq!(r.code, 0, "{r:?}");
    json(&r)["hits"].as_array().unwrap().clone()
}

#[test]
fn a_table_row_is_found_with_its_clauses_and_a_question() {
    let r = run(&["search", "peer", "cache"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            " 1. cmg line 59 (table row): Peer cache Not supported.\n      cited by rules/cmg/features.kb:164:1 status(peer_cache, not_supported, unconditional)\n"
        ),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("      the same text at cmg_page line 74\n"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("      ask: supported? peer_cache\n"),
        "{r:?}"
    );
}

#[test]
fn hits_are_ranked_and_their_questions_answer_from_the_line() {
    let h = hits(&["ipv6"]);
    assert_eq!(
        (h[0]["source"].as_str(), h[0]["line"].as_u64()),
        (Some("cmg"), Some(12))
    );
    assert_eq!(h[0]["ask"], "client_connectivity? ipv6_only");
    // Every concrete question offered answers, citing the line of its hit.
    for words in [
        &["ipv6"][..],
        &["task", "sequence"],
        &["token", "authentication"],
        &["windows"],
        &["removed"],
    ] {
        for hit in hits(words) {
            let Some(ask) = hit["ask"].as_str() else {
                continue;
            };
            if ask.contains('<') {
                continue;
            }
            let r = run(&["query", ask, "--format", "json"]);
            assert_eq!(r.code, 0, "{ask}: {r:?}");
            let a = json(&r);
            assert_ne!(a["verdict"], "unknown", "{ask}");
            if let (Some(src), Some(line)) = (hit["source"].as_str(), hit["line"].as_u64()) {
                let wanted = format!("\"source\":\"{src}\"");
                let text = a.to_string();
                assert!(
                    text.contains(&wanted) && text.contains(&format!("\"line\":{line}")),
                    "{ask} does not cite {src}:{line}: {text}"
                );
            }
        }
    }
}

#[test]
fn predicate_documentation_is_searched_too() {
    let h = hits(&["name", "rule", "ambiguous"]);
    let p = h
        .iter()
        .find(|x| x["kind"] == "predicate" && x["predicate"] == "valid_cmg_name/2")
        .unwrap_or_else(|| panic!("{h:?}"));
    // It needs the name: the question is a form to fill in.
    assert_eq!(p["ask"], "valid_cmg_name? <name>");
    assert!(p["text"].as_str().unwrap().contains("ambiguous"));
}

#[test]
fn quotes_of_sources_without_a_text_are_searched_and_nothing_found_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("memo.kb"),
        "source memo \"Printer memo\".\n\
         decl floor_supported(floor, answer) key(floor) \"Whether printers on a floor are supported.\".\n\
         @cite(memo, \"Floors\", \"Printers on floor 2 are supported.\", 3)\n\
         floor_supported(2, yes).\n",
    )
    .unwrap();
    let r = run_in(
        dir.path(),
        &["--kb", "memo.kb", "search", "printers", "--format", "json"],
    );
    let j = json(&r);
    let quote = &j["hits"][0];
    assert_eq!(quote["kind"], "quote", "{j}");
    assert_eq!(quote["line"], 3);
    assert_eq!(quote["ask"], "floor_supported? 2");
    assert_eq!(j["hits"][1]["kind"], "predicate", "{j}");
    let r = run_in(dir.path(), &["--kb", "memo.kb", "search", "zebra"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout,
        "nothing in the pinned texts, quotes, notes or predicate documentation mentions \"zebra\"\n"
    );
}

#[test]
fn a_limit_of_zero_and_only_common_words_say_what_happened() {
    // Found by trying it: both said that nothing mentions the words.
    let r = run(&["search", "--limit", "0", "cmg"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("0 of "), "{r:?}");
    assert!(r.stdout.contains("the limit is 0"), "{r:?}");
    // Nothing to search for is rejected input (exit 2), as a missing argument is.
    for words in [&["the", "with"][..], &[""], &["   "]] {
        let r = run(&[&["search"], words].concat());
        assert_eq!(r.code, 2, "{words:?}: {r:?}");
        assert!(
            r.stderr.contains("too common") || r.stderr.contains("no words"),
            "{r:?}"
        );
        assert!(!r.stdout.contains("nothing in the pinned texts"), "{r:?}");
    }
}

#[test]
fn a_long_search_is_not_echoed_whole() {
    let words = vec!["ipv6"; 20_000].join(" ");
    let r = run(&["search", &words]);
    assert_eq!(r.code, 0, "{}", &r.stderr);
    assert!(r.stdout.len() < 20_000, "{} bytes", r.stdout.len());
    let r = run(&[
        "search",
        &format!("{} zzqx", vec!["qqzv"; 15_000].join(" ")),
    ]);
    assert!(
        r.stdout.len() + r.stderr.len() < 20_000,
        "{} bytes",
        r.stdout.len()
    );
}
