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
