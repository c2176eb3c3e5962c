//! `supportkb coverage`: every statement of the pinned texts, cited, marked not encoded with
//! a reason, or uncited; the share covered; text, JSON and Markdown.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// The statement of `source`'s report that starts on `line` and contains `words`.
fn statement<'a>(report: &'a Value, source: &str, line: u64, words: &str) -> &'a Value {
    report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == source)
        .unwrap_or_else(|| panic!("no source {source}"))["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["line"] == line && s["text"].as_str().unwrap().contains(words))
        .unwrap_or_else(|| panic!("no statement at {source}:{line} with {words:?}"))
}

fn clauses(st: &Value) -> Vec<String> {
    st["cited_by"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c["clause"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_cmg_knowledge_base_covers_every_statement_of_its_texts() {
    let r = run(&["coverage"]);
    assert_eq!(r.code, 0, "{r:?}");
    let tail: Vec<&str> = r.stdout.lines().rev().take(2).collect();
    assert!(
        tail[1].starts_with("cmg: 100% covered: 70 statements, 64 cited, 6 not encoded"),
        "{r:?}"
    );
    assert!(
        tail[0].starts_with("cmg_page: 100% covered: 89 statements"),
        "{r:?}"
    );
    // Only the legend of each source names the uncited mark.
    assert_eq!(
        r.stdout.matches(" ✗ ").count(),
        2,
        "nothing is uncited: {r:?}"
    );

    let j = json(&run(&["coverage", "--format", "json", "--source", "cmg"]));
    assert_eq!(j["sources"].as_array().unwrap().len(), 1);
    for st in j["sources"][0]["statements"].as_array().unwrap() {
        assert_ne!(st["covered"], "uncited", "{st}");
    }
    // Note 2's text, Note 4 and the 2203 tip are cited by clauses of their own, not only
    // through their headings.
    let note2 = statement(&j, "cmg", 77, "Deploy a task sequence over the internet");
    assert!(
        clauses(note2)
            .iter()
            .any(|c| c.starts_with("note_text(note_2")),
        "{note2}"
    );
    let note4 = statement(&j, "cmg", 87, "aren't supported");
    assert!(
        clauses(note4)
            .iter()
            .any(|c| c.starts_with("alternate_content_provider(content_enabled_cmg, no)")),
        "{note4}"
    );
    let tip = statement(&j, "cmg", 90, "Starting in version 2203");
    assert!(
        clauses(tip)
            .iter()
            .any(|c| c.starts_with("acp_token_authentication(2203")),
        "{tip}"
    );
    let see = statement(&j, "cmg", 90, "For more information");
    assert!(clauses(see).contains(&"see_also(acp_token_authentication, \"Task sequence variables: SMSTSAllowTokenAuthURLForACP\")".to_string()), "{see}");
    // Kinds, and what is marked.
    assert_eq!(statement(&j, "cmg", 20, "Support for")["kind"], "heading");
    assert_eq!(statement(&j, "cmg", 24, "Feature")["kind"], "table_header");
    let row = statement(&j, "cmg", 33, "Client install");
    assert_eq!(
        (row["kind"].as_str(), row["end_line"].as_u64()),
        (Some("table_row"), Some(34))
    );
    let next = statement(&j, "cmg", 94, "Next, plan");
    assert_eq!(next["kind"], "navigation");
    assert_eq!(next["covered"], "not_encoded");
    assert!(
        next["not_encoded"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("navigation"),
        "{next}"
    );
    assert!(
        next["not_encoded"]["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("00-sources.kb")
    );
}

const MEMO: &str = "Printer memo\n\nPrinters on floor 2 are supported. Printers on floor 3 are not.\n\nNext steps\n\nRead the fax memo.\n";

fn memo_kb(dir: &Path, marks: &str) {
    std::fs::write(dir.join("memo.txt"), MEMO).unwrap();
    let sha = supportkb::source::sha256(MEMO);
    std::fs::write(
        dir.join("memo.kb"),
        format!(
            "source memo \"Printer memo\" text \"memo.txt\" sha256 \"{sha}\".\n\
             source other \"No text\".\n\
             @cite(memo, \"Floors\", \"Printers on floor 2 are supported.\", 3)\n\
             floor_supported(2).\n{marks}"
        ),
    )
    .unwrap();
}

#[test]
fn uncited_statements_are_listed_and_the_share_says_so() {
    let dir = tempfile::tempdir().unwrap();
    memo_kb(dir.path(), "");
    let r = run_in(dir.path(), &["--kb", "memo.kb", "coverage"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("      3 ✓ sentence     Printers on floor 2 are supported.\n          cited by memo.kb:3:1 floor_supported(2)\n"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("      3 ✗ sentence     Printers on floor 3 are not.\n"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("      7 ✗ navigation   Read the fax memo.\n"),
        "{r:?}"
    );
    assert_eq!(
        last_line(&r.stdout),
        "memo: 20% covered: 5 statements, 1 cited, 0 not encoded (with a reason), 4 uncited"
    );

    let r = run_in(dir.path(), &["--kb", "memo.kb", "coverage", "--uncovered"]);
    assert!(!r.stdout.contains("floor 2"), "{r:?}");
    assert!(r.stdout.contains("floor 3"), "{r:?}");

    let r = run_in(
        dir.path(),
        &["--kb", "memo.kb", "coverage", "--fail-under", "50"],
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("coverage 20% is under --fail-under 50%"),
        "{r:?}"
    );

    let r = run_in(
        dir.path(),
        &["--kb", "memo.kb", "coverage", "--format", "markdown"],
    );
    assert!(
        r.stdout.starts_with("# Coverage\n\n- memo: 20% covered"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("| 3 | sentence | Printers on floor 2 are supported. | `memo.kb:3:1` floor_supported(2) |"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("| 1 | heading | Printer memo | **uncited** |"),
        "{r:?}"
    );
}

#[test]
fn marks_cover_what_they_name_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    memo_kb(
        dir.path(),
        "unencoded memo line 1 because \"the title\".\n\
         unencoded memo line 3 \"Printers on floor 3 are not.\" because \"floor 3 is being moved\".\n\
         unencoded memo lines 5-7 because \"navigation\".\n",
    );
    let check = run_in(dir.path(), &["check", "memo.kb"]);
    assert_eq!(check.code, 0, "{check:?}");
    assert!(check.stdout.contains("0 warnings"), "{check:?}");
    let j = json(&run_in(
        dir.path(),
        &["--kb", "memo.kb", "coverage", "--format", "json"],
    ));
    let s = &j["sources"][0];
    assert_eq!(
        (
            s["cited"].as_u64(),
            s["not_encoded"].as_u64(),
            s["uncited"].as_u64()
        ),
        (Some(1), Some(4), Some(0))
    );
    assert_eq!(s["covered_percent"], 100.0);
    let moved = statement(&j, "memo", 3, "floor 3");
    assert_eq!(moved["not_encoded"]["reason"], "floor 3 is being moved");
    assert_eq!(moved["not_encoded"]["location"]["line"], 6);
}

#[test]
fn a_source_to_cover_must_be_declared_and_pin_a_text() {
    let dir = tempfile::tempdir().unwrap();
    memo_kb(dir.path(), "");
    let r = run_in(
        dir.path(),
        &["--kb", "memo.kb", "coverage", "--source", "mem"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("the knowledge base declares no source `mem`"),
        "{r:?}"
    );
    assert!(r.stderr.contains("did you mean `memo`?"), "{r:?}");
    let r = run_in(
        dir.path(),
        &["--kb", "memo.kb", "coverage", "--source", "other"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("source `other` pins no text to cover"),
        "{r:?}"
    );
    let r = run(&["--kb", "examples/lifecycle", "coverage"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("no source of the knowledge base pins its text"),
        "{r:?}"
    );
}

#[test]
fn an_unknown_source_lists_the_declared_ones_and_a_percentage_is_0_to_100() {
    let r = run(&["coverage", "--source", "nosuch"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("its sources: cmg, cmg_page"), "{r:?}");
    let r = run(&["coverage", "--fail-under", "101"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("not a percentage from 0 to 100"), "{r:?}");
}
