//! Audit-grade explanations from the command line: traces written by `explain` and re-checked
//! by `verify`, depth cuts with `why #K` handles, alternative derivations, and why-not
//! reports that follow rules down to the missing base fact.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn a_trace_verifies_until_the_knowledge_base_changes_its_answer() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("copy");
    copy_dir(&Path::new(ROOT).join("rules/cmg"), &kb);

    let out = run_in(
        dir.path(),
        &[
            "--kb",
            "copy",
            "explain",
            "supported? peer_cache",
            "-o",
            "t.json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let trace: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("t.json")).unwrap()).unwrap();
    assert_eq!(trace["schema"], "supportkb-trace/3");
    assert_eq!(trace["answer"]["verdict"], "no");
    let files = trace["knowledge_base"].as_array().unwrap();
    // Every .kb file of the copy: the article's and the estate rules (read, with no inventory,
    // as no facts).
    let kb_files = std::fs::read_dir(&kb)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension() == Some("kb".as_ref()))
        .count();
    assert_eq!(kb_files, 7);
    assert_eq!(files.len(), kb_files);
    assert!(
        files
            .iter()
            .all(|f| f["sha256"].as_str().unwrap().len() == 64)
    );
    let proof = &trace["answer"]["proofs"][0];
    assert_eq!(proof["by"]["kind"], "rule");
    assert!(
        proof["by"]["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("features.kb")
    );
    assert_eq!(proof["by"]["substitution"]["S"], "peer_cache");
    let leaf = &proof["premises"][0];
    assert_eq!(leaf["by"]["cites"][0]["quote"], "Peer cache Not supported.");
    assert_eq!(leaf["by"]["cites"][0]["line"], 59);

    let ok = run_in(dir.path(), &["--kb", "copy", "verify", "t.json"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout.contains("verified: the answer still stands"),
        "{}",
        ok.stdout
    );

    // Edit one fact: the document now "says" peer cache is supported.
    let features = kb.join("features.kb");
    let text = std::fs::read_to_string(&features).unwrap();
    let edited = text.replace(
        "status(peer_cache, not_supported, unconditional).",
        "status(peer_cache, supported, unconditional).",
    );
    assert_ne!(text, edited, "the fact to edit is in features.kb");
    std::fs::write(&features, edited).unwrap();

    let changed = run_in(dir.path(), &["--kb", "copy", "verify", "t.json"]);
    assert_eq!(changed.code, 1, "{}", changed.stdout);
    assert!(
        changed.stdout.contains("file features.kb: CHANGED"),
        "{}",
        changed.stdout
    );
    assert!(
        changed.stdout.contains("file names.kb: unchanged"),
        "{}",
        changed.stdout
    );
    assert!(
        changed
            .stdout
            .contains("answer: traced no, now yes: IT CHANGED"),
        "{}",
        changed.stdout
    );
    assert!(changed.stdout.contains("FAILS"), "{}", changed.stdout);

    let json = run_in(
        dir.path(),
        &["--kb", "copy", "--format", "json", "verify", "t.json"],
    );
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["answer_stands"], false);
    assert_eq!(v["current_verdict"], "yes");
}

#[test]
fn verify_rejects_a_hand_corrupted_proof() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &["explain", "valid_cmg_name? \"cmg-prod\"", "-o", "t.json"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = dir.path().join("t.json");
    let mut trace: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    // Claim the strict reading found the name valid: the checker must refuse.
    let premise = &mut trace["answer"]["proofs"][0]["premises"][0];
    assert_eq!(premise["atom"]["args"][2], "invalid");
    premise["atom"]["args"][2] = "valid".into();
    std::fs::write(&path, serde_json::to_string_pretty(&trace).unwrap()).unwrap();
    let v = run_in(dir.path(), &["verify", "t.json"]);
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(v.stdout.contains("FAILS"), "{}", v.stdout);
    assert!(
        v.stdout.contains("it stands"),
        "the answer itself still stands: {}",
        v.stdout
    );
}

#[test]
fn markdown_traces_are_for_people_and_verify_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &["explain", "supported? endpoint_protection", "-o", "t.md"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let md = std::fs::read_to_string(dir.path().join("t.md")).unwrap();
    assert!(
        md.starts_with("# Audit trace: `supported? endpoint_protection`"),
        "{md}"
    );
    assert!(md.contains("| rules/cmg/features.kb | `"), "{md}");
    assert!(
        md.contains(
            "Clients that communicate via a CMG can immediately apply endpoint protection policies"
        ),
        "{md}"
    );
    let v = run_in(dir.path(), &["verify", "t.md"]);
    assert_eq!(v.code, 2);
    assert!(v.stderr.contains("not a JSON trace"), "{}", v.stderr);
}

#[test]
fn explain_never_leaves_a_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.json");
    std::fs::write(&target, "old trace").unwrap();
    // A question that fails leaves the old file alone.
    let bad = run_in(dir.path(), &["explain", "nosuch? x", "-o", "t.json"]);
    assert_eq!(bad.code, 2);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old trace");
    // A folder that does not exist is an error, not a panic.
    let missing = run_in(
        dir.path(),
        &[
            "explain",
            "supported? peer_cache",
            "-o",
            "no/such/dir/t.json",
        ],
    );
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot write"),
        "{}",
        missing.stderr
    );
    // A good run replaces it whole, and no temporary file is left behind.
    let good = run_in(
        dir.path(),
        &["explain", "supported? peer_cache", "-o", "t.json"],
    );
    assert_eq!(good.code, 0);
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("supportkb-trace/3")
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn depth_cuts_proofs_into_handles_that_expand() {
    let out = run(&[
        "--depth",
        "1",
        "query",
        "valid_cmg_name? \"cmg-prod\"",
        "why #1",
        "why #2",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (first, rest) = out.stdout.split_once("why #1\n").expect("two answers");
    assert!(first.contains("`why #1` shows them"), "{first}");
    assert!(first.contains("`why #2` shows them"), "{first}");
    assert!(
        !first.contains("name_violation(\"cmg-prod\", strict, not_alphanumeric)"),
        "cut below depth 1: {first}"
    );
    assert!(
        rest.contains("name_violation(\"cmg-prod\", strict, not_alphanumeric)"),
        "{rest}"
    );
    assert!(
        rest.contains("name_under(\"cmg-prod\", hyphen_tolerant, valid)"),
        "{rest}"
    );

    let none = run(&["query", "why #4"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("there is no handle #4"),
        "{}",
        none.stderr
    );
}

#[test]
fn alternative_derivations_come_smallest_first() {
    let out = run(&[
        "--proofs",
        "3",
        "--format",
        "json",
        "query",
        "task_sequence? with_boot_image pxe",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = first_answer(&out);
    let proofs = v["proofs"].as_array().unwrap();
    assert_eq!(
        proofs.len(),
        2,
        "'any other scenario' and the PXE content row"
    );
    let rules: Vec<&str> = proofs
        .iter()
        .map(|p| p["by"]["rule"].as_str().unwrap())
        .collect();
    assert_ne!(rules[0], rules[1]);
    assert!(
        rules
            .iter()
            .any(|r| r.contains("content_for_pxe_or_multicast_deployments")),
        "{rules:?}"
    );
    let one = run(&[
        "--format",
        "json",
        "query",
        "task_sequence? with_boot_image pxe",
    ]);
    let v1 = first_answer(&one);
    assert_eq!(v1["proofs"].as_array().unwrap().len(), 1);
    assert!(v1["proof_errors"].is_null());
}

#[test]
fn why_not_follows_two_levels_of_rules_to_the_missing_fact() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("k.kb"),
        "installed(app, srv1).\nos(srv1, linux).\nready(H) :- os(H, linux), patched(H).\nrunnable(A, H) :- installed(A, H), ready(H).\n\
         patched(srv2).\nok(A) :- runnable(A, _).\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["--kb", "k.kb", "query", "why not ok(app)"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s = &out.stdout;
    assert!(s.contains("blocked at `runnable(A, _)`"), "{s}");
    assert!(s.contains("blocked at `ready(H)`"), "{s}");
    assert!(s.contains("blocked at `patched(H)`"), "{s}");
    assert!(
        s.contains("patched(srv1) is stated nowhere — unknown: no fact gives it"),
        "{s}"
    );
    // The depth limit stops it, with a handle to go on.
    let cut = run_in(
        dir.path(),
        &[
            "--kb",
            "k.kb",
            "--depth",
            "1",
            "query",
            "why not ok(app)",
            "why #1",
        ],
    );
    assert!(
        cut.stdout.contains("depth limit; `why #1` continues"),
        "{}",
        cut.stdout
    );
    assert!(
        cut.stdout.contains("blocked at `ready(H)`"),
        "{}",
        cut.stdout
    );
}

#[test]
fn a_blocking_negation_shows_the_proof_of_what_blocks_it() {
    let out = run(&["query", "why not role_supported(management_point, no)"]);
    assert_eq!(out.code, 0);
    let s = &out.stdout;
    assert!(s.contains("blocked at `!cmg_role(R)`"), "{s}");
    assert!(s.contains("blocked because this holds:"), "{s}");
    assert!(s.contains("cmg_role(management_point)   [fact"), "{s}");
    assert!(
        s.contains("CMG only supports the management point and software update point roles."),
        "{s}"
    );
}

#[test]
fn comparisons_in_why_not_show_their_values() {
    let out = run(&[
        "query",
        "why not acp_token_authentication_available(2107, yes)",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("2107 >= 2203 is false"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_markdown_trace_shows_what_the_json_one_pins() {
    // Found by trying it: the Markdown trace listed the .kb files' hashes only.
    let dir = tempfile::tempdir().unwrap();
    for file in ["t.json", "t.md"] {
        let out = run_in(
            dir.path(),
            &["explain", "supported? peer_cache", "-o", file],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("t.json")).unwrap()).unwrap();
    let md = std::fs::read_to_string(dir.path().join("t.md")).unwrap();
    let texts = json["source_texts"].as_array().unwrap();
    assert_eq!(texts.len(), 2, "{json}");
    for t in texts {
        let row = format!(
            "| {} | {} | `{}` |",
            t["key"].as_str().unwrap(),
            t["path"].as_str().unwrap(),
            t["sha256"].as_str().unwrap()
        );
        assert!(md.contains(&row), "no row {row} in:\n{md}");
    }
    assert!(
        md.contains("The knowledge base embedded in the tool."),
        "{md}"
    );
    assert!(md.contains("Asked with 1 derivation per answer"), "{md}");
}

#[test]
fn every_format_asked_for_is_the_format_written() {
    let dir = tempfile::tempdir().unwrap();
    // `explain -f text` is text, not Markdown; `-f markdown` is Markdown; the extension
    // chooses only when --format does not.
    let text = run_in(
        dir.path(),
        &["explain", "supported? peer_cache", "-f", "text"],
    );
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .starts_with("audit trace: supported? peer_cache\nverdict: no\n"),
        "{}",
        text.stdout
    );
    assert!(
        !text.stdout.contains("# ") && !text.stdout.contains("| ---"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("status(peer_cache, not_supported, unconditional)")
    );
    let md = run_in(
        dir.path(),
        &["explain", "supported? peer_cache", "-f", "markdown"],
    );
    assert!(md.stdout.starts_with("# Audit trace:"), "{}", md.stdout);
    let out = run_in(
        dir.path(),
        &["explain", "supported? peer_cache", "-o", "t.txt"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        std::fs::read_to_string(dir.path().join("t.txt"))
            .unwrap()
            .starts_with("audit trace:")
    );
    // run, test and check honour Markdown too.
    let kbq = Path::new(ROOT).join("examples/lifecycle/lifecycle.kbq");
    let kbq = kbq.to_str().unwrap();
    let run = run_in(dir.path(), &["run", kbq, "-f", "markdown"]);
    assert!(run.stdout.starts_with("# "), "{}", run.stdout);
    let test = run_in(dir.path(), &["test", kbq, "-f", "markdown"]);
    assert!(
        test.stdout.starts_with("| file | passed | failed |"),
        "{}",
        test.stdout
    );
    let check = run_in(dir.path(), &["check", kbq, "-f", "markdown"]);
    assert!(
        check.stdout.starts_with("```text\nok: "),
        "{}",
        check.stdout
    );
}

#[test]
fn a_deep_trace_the_tool_wrote_verifies_and_a_deeper_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A chain of 300 steps: a proof 300 levels deep, its JSON over 600.
    let mut kb = String::from("decl edge(a: symbol, b: symbol).\ndecl r(a: symbol).\nr(n0).\n");
    for i in 0..300 {
        kb.push_str(&format!("edge(n{i}, n{}).\n", i + 1));
    }
    kb.push_str("r(Y) :- r(X), edge(X, Y).\n");
    std::fs::write(dir.path().join("chain.kb"), kb).unwrap();
    let r = run_in(
        dir.path(),
        &[
            "--kb",
            "chain.kb",
            "explain",
            "why r(n300)",
            "-o",
            "deep.json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = run_in(dir.path(), &["verify", "deep.json"]);
    assert_eq!(r.code, 0, "{r:?}");
    // Nesting past the bound is refused before it is read, naming the bound.
    std::fs::write(dir.path().join("hostile.json"), "[".repeat(2_000_000)).unwrap();
    let r = run_in(dir.path(), &["verify", "hostile.json"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("nested deeper than"), "{r:?}");
}

#[test]
fn verify_of_an_empty_file_reports_a_1_based_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.kb"), "").unwrap();
    let r = run_in(dir.path(), &["verify", "empty.kb"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("empty.kb:1:1: not a JSON trace"), "{r:?}");
    assert!(!r.stderr.contains("column 0"), "{r:?}");
}
