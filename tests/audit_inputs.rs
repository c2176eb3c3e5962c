//! A trace written with `--inventory` (in memory or on a SQL engine) records the inventory
//! folder and every file's hash: `verify` re-evaluates with the same inventory and
//! verifies, and an inventory file edited since makes it fail.

mod common;

use common::sql::sample_copy;
use common::{ROOT, run_in};
use std::path::Path;

const QUESTION: &str = "why blocked(16777240, ipv6_only)";

fn traced_and_verified(engine: &str) {
    let dir = sample_copy();
    let inv = dir.path().join("inventory");
    let inv_arg = inv.display().to_string();
    let trace = dir.path().join("trace.json");
    let trace_arg = trace.display().to_string();
    let engine = engine.replace("DIR", &dir.path().display().to_string());
    let made = run_in(
        Path::new(ROOT),
        &[
            "--inventory",
            &inv_arg,
            "--engine",
            &engine,
            "explain",
            QUESTION,
            "-o",
            &trace_arg,
        ],
    );
    assert_eq!(made.code, 0, "{made:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    assert_eq!(json["embedded"], true, "{json}");
    assert_eq!(json["inputs"]["inventory"], inv_arg.as_str());
    let keys: Vec<&str> = json["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"clients.csv"), "{keys:?}");
    // Verified from another folder: the trace names everything it needs.
    let verified = run_in(dir.path(), &["verify", &trace_arg]);
    assert_eq!(verified.code, 0, "{verified:?}");
    assert!(
        verified
            .stdout
            .contains("file input clients.csv: unchanged")
            && verified
                .stdout
                .contains("verified: the answer still stands"),
        "{verified:?}"
    );
    // An inventory file edited since: the trace no longer verifies.
    let clients = inv.join("clients.csv");
    let text = std::fs::read_to_string(&clients).unwrap();
    std::fs::write(&clients, format!("{text}\n")).unwrap();
    let edited = run_in(dir.path(), &["verify", &trace_arg]);
    assert_eq!(edited.code, 1, "{edited:?}");
    assert!(
        edited.stdout.contains("file input clients.csv: CHANGED")
            && edited.stdout.contains("not verified"),
        "{edited:?}"
    );
    // Its inventory gone, verify says to pass one (exit 2); given one, it uses it.
    std::fs::write(&clients, text).unwrap();
    let moved = dir.path().join("moved");
    std::fs::rename(&inv, &moved).unwrap();
    let gone = run_in(dir.path(), &["verify", &trace_arg]);
    assert_eq!(gone.code, 2, "{gone:?}");
    assert!(gone.stderr.contains("--inventory"), "{gone:?}");
    let moved_arg = moved.display().to_string();
    let elsewhere = run_in(
        dir.path(),
        &["--inventory", &moved_arg, "verify", &trace_arg],
    );
    assert_eq!(elsewhere.code, 0, "{elsewhere:?}");
}

#[test]
fn a_trace_made_in_memory_with_an_inventory_verifies_and_an_edit_fails_it() {
    traced_and_verified("memory");
}

#[test]
fn a_trace_made_on_sqlite_with_an_inventory_verifies_and_an_edit_fails_it() {
    traced_and_verified("sqlite:DIR/estate.db");
}

/// `explain QUESTION -o trace.json` with `--inventory inventory`, relative, run in `dir`.
fn traced_relative(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["--inventory", "inventory"];
    args.extend(extra);
    args.extend(["explain", QUESTION, "-o", "trace.json"]);
    let made = run_in(dir, &args);
    assert_eq!(made.code, 0, "{made:?}");
    dir.join("trace.json").display().to_string()
}

/// A verification that passed and found no difference.
fn assert_verified(r: &common::Run) {
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        !r.stdout.contains("DIFFERS") && r.stdout.contains("verified: the answer still stands"),
        "{r:?}"
    );
}

/// The trace records the inventory folder's canonical path: one made with a relative path
/// verifies from any folder, with the folder spelled as it was or otherwise, and an
/// edited file still fails it. (Its proofs' places, as spelled, are compared by key.)
#[test]
fn a_trace_made_with_a_relative_inventory_verifies_however_the_folder_is_spelled() {
    let dir = sample_copy();
    let trace = traced_relative(dir.path(), &[]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    let canonical = dir.path().join("inventory").canonicalize().unwrap();
    assert_eq!(
        json["inputs"]["inventory"],
        canonical.display().to_string().as_str()
    );
    let elsewhere = tempfile::tempdir().unwrap();
    assert_verified(&run_in(elsewhere.path(), &["verify", &trace]));
    assert_verified(&run_in(dir.path(), &["verify", "trace.json"]));
    let abs = dir.path().join("inventory").display().to_string();
    let dotted = format!("{}/./inventory/", dir.path().display());
    for spelled in [abs.as_str(), dotted.as_str(), "inventory"] {
        let at = if spelled == "inventory" {
            dir.path()
        } else {
            elsewhere.path()
        };
        assert_verified(&run_in(at, &["--inventory", spelled, "verify", &trace]));
    }
    // The trace made with an absolute path verifies with the relative one too.
    let made = run_in(
        elsewhere.path(),
        &["--inventory", &abs, "explain", QUESTION, "-o", "abs.json"],
    );
    assert_eq!(made.code, 0, "{made:?}");
    let abs_trace = elsewhere.path().join("abs.json").display().to_string();
    assert_verified(&run_in(
        dir.path(),
        &["--inventory", "inventory", "verify", &abs_trace],
    ));
    // A trace of an earlier build recorded the folder as given: a relative one is found
    // beside the trace too.
    let mut older = json.clone();
    older["inputs"]["inventory"] = "inventory".into();
    let older_trace = dir.path().join("older.json");
    std::fs::write(&older_trace, older.to_string()).unwrap();
    let older_arg = older_trace.display().to_string();
    assert_verified(&run_in(elsewhere.path(), &["verify", &older_arg]));
    // An edit fails it, however the folder is spelled.
    let clients = dir.path().join("inventory/clients.csv");
    let text = std::fs::read_to_string(&clients).unwrap();
    std::fs::write(&clients, format!("{text}\n")).unwrap();
    for args in [
        vec!["verify", trace.as_str()],
        vec!["--inventory", abs.as_str(), "verify", trace.as_str()],
    ] {
        let edited = run_in(elsewhere.path(), &args);
        assert_eq!(edited.code, 1, "{edited:?}");
        assert!(
            edited.stdout.contains("file input clients.csv: CHANGED"),
            "{edited:?}"
        );
    }
}

/// A trace of the embedded knowledge base verifies against the embedded one from a folder
/// that has no `rules/`; so does one made with `--kb rules/cmg` in the repository (the same
/// files, in another order).
#[test]
fn a_trace_of_the_embedded_knowledge_base_verifies_outside_the_repository() {
    let dir = sample_copy();
    let inv = dir.path().join("inventory").display().to_string();
    let outside = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (&["explain", "supported? peer_cache"], "plain"),
        (&["--inventory", &inv, "explain", QUESTION], "inventory"),
        (
            &[
                "--kb",
                "rules/cmg",
                "--inventory",
                &inv,
                "explain",
                QUESTION,
            ],
            "kb-inventory",
        ),
        (
            &["--kb", "rules/cmg/", "explain", "supported? peer_cache"],
            "kb",
        ),
    ];
    for (args, name) in cases {
        let trace = outside.path().join(format!("{name}.json"));
        let trace_arg = trace.display().to_string();
        let mut all = args.to_vec();
        all.extend(["-o", &trace_arg]);
        let made = run_in(Path::new(ROOT), &all);
        assert_eq!(made.code, 0, "{name}: {made:?}");
        let verified = run_in(outside.path(), &["verify", &trace_arg]);
        assert_verified(&verified);
        assert!(
            verified
                .stdout
                .contains("against: the embedded knowledge base"),
            "{name}: {verified:?}"
        );
    }
}

/// A fact file a knowledge base reads beside itself (`input p from "p.csv"`) is keyed
/// relative to the knowledge base's folder: a trace made with `--kb kb/` verifies with the
/// folder given as an absolute path from elsewhere, and an edit of the file fails it.
#[test]
fn a_fact_file_beside_the_knowledge_base_is_keyed_relative_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    std::fs::create_dir(&kb).unwrap();
    std::fs::write(
        kb.join("kb.kb"),
        "decl host(name: symbol, os: symbol).\ninput host(name, os) from \"hosts.csv\".\nmac(H) :- host(H, macos).\n",
    )
    .unwrap();
    std::fs::write(kb.join("hosts.csv"), "name,os\nh1,macos\nh2,windows\n").unwrap();
    let made = run_in(
        dir.path(),
        &["--kb", "kb", "explain", "why mac(h1)", "-o", "trace.json"],
    );
    assert_eq!(made.code, 0, "{made:?}");
    let trace = dir.path().join("trace.json").display().to_string();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&trace).unwrap()).unwrap();
    assert_eq!(json["inputs"]["files"][0]["key"], "hosts.csv", "{json}");
    let elsewhere = tempfile::tempdir().unwrap();
    let kb_arg = kb.display().to_string();
    let verified = run_in(elsewhere.path(), &["--kb", &kb_arg, "verify", &trace]);
    assert_verified(&verified);
    assert!(
        verified.stdout.contains("file input hosts.csv: unchanged"),
        "{verified:?}"
    );
    std::fs::write(kb.join("hosts.csv"), "name,os\nh1,macos\nh2,linux\n").unwrap();
    let edited = run_in(elsewhere.path(), &["--kb", &kb_arg, "verify", &trace]);
    assert_eq!(edited.code, 1, "{edited:?}");
    assert!(
        edited.stdout.contains("file input hosts.csv: CHANGED"),
        "{edited:?}"
    );
}

#[test]
fn a_proof_gone_after_an_edit_is_named_in_one_short_line_and_kept_whole_in_json() {
    let dir = sample_copy();
    let inv = dir.path().join("inventory").display().to_string();
    let made = run_in(
        dir.path(),
        &[
            "--inventory",
            &inv,
            "explain",
            "blocked? 16777240",
            "-o",
            "t.json",
        ],
    );
    assert_eq!(made.code, 0, "{made:?}");
    // Client 16777240 gets an IPv4 address: its ipv6_only proof is gone.
    let csv = dir.path().join("inventory/clients.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let edited: Vec<String> = text
        .lines()
        .map(|l| match l.strip_suffix(",false,true,") {
            Some(head) if l.starts_with("16777240,") => format!("{head},true,true,"),
            _ => l.to_string(),
        })
        .collect();
    std::fs::write(&csv, edited.join("\n") + "\n").unwrap();
    let r = run_in(dir.path(), &["--inventory", &inv, "verify", "t.json"]);
    assert_ne!(r.code, 0, "{r:?}");
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("DIFFERS (proofs)"))
        .unwrap_or_else(|| panic!("no proof differs: {r:?}"));
    assert!(line.chars().count() < 300, "{line}");
    assert!(
        line.contains(
            "traced a proof of blocked(16777240, ipv6_only) by rule at estate.kb:244:1, now nothing"
        ),
        "{line}"
    );
    let json = run_in(
        dir.path(),
        &["--inventory", &inv, "--format", "json", "verify", "t.json"],
    );
    // The JSON keeps the whole traced proof (a JSON text in a JSON string).
    assert!(
        json.stdout
            .contains(r#"\"rule\":\"blocked(C, ipv6_only) :-"#),
        "{json:?}"
    );
}
