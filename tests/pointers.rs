//! Unknown answers that point somewhere: near-synonyms of table rows get suggestions with
//! their lines, umbrella terms list every row they could mean, a subject the rows do not
//! name points to the document's nearest statements, and an unknown predicate says what the
//! document mentions under its words.

mod common;

use common::*;
use serde_json::Value;

fn ask(q: &str) -> Value {
    let r = run(&["query", q, "--format", "json"]);
    assert_eq!(r.code, 0, "{q}: {r:?}");
    let a = first_answer(&r);
    assert_eq!(a["verdict"], "unknown", "{q}: still unknown, never a guess");
    a
}

fn subjects(list: &Value) -> Vec<&str> {
    list.as_array()
        .map(|a| a.iter().map(|m| m["subject"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

/// Every question a pointer offers answers (not unknown).
fn offered_questions_answer(a: &Value) {
    let p = &a["pointers"];
    let mut asks: Vec<&str> = Vec::new();
    for list in ["could_mean", "near", "nearest"] {
        for m in p[list].as_array().into_iter().flatten() {
            asks.extend(m["ask"].as_str());
        }
    }
    assert!(!asks.is_empty(), "{a}");
    for q in asks {
        let r = run(&["query", q, "--format", "json"]);
        assert_eq!(r.code, 0, "{q}: {r:?}");
        assert_ne!(json(&r)["verdict"], "unknown", "{q}");
    }
}

#[test]
fn near_synonyms_of_table_rows_get_suggestions_with_their_lines() {
    for (asked, meant, line) in [
        ("console", "configuration_manager_console", 54),
        ("mdm", "on_premises_mdm", 60),
        ("inventory", "hardware_and_software_inventory", 27),
        (
            "application_approval_requests",
            "software_approval_requests",
            53,
        ),
    ] {
        let a = ask(&format!("supported? {asked}"));
        let near = &a["pointers"]["near"];
        assert_eq!(subjects(near).first(), Some(&meant), "{asked}: {a}");
        assert_eq!(near[0]["line"]["line"], line, "{asked}");
        assert_eq!(near[0]["ask"], format!("supported? {meant}"));
        offered_questions_answer(&a);
    }
    let r = run(&["query", "supported? console"]);
    assert!(
        r.stdout.contains("  did you mean:\n    supported? configuration_manager_console   (cmg line 54: \"Configuration Manager console Not supported.\")\n"),
        "{r:?}"
    );
}

#[test]
fn umbrella_terms_list_every_row_they_could_mean() {
    let a = ask("supported? task_sequence");
    let rows = &a["pointers"]["could_mean"];
    assert_eq!(
        subjects(rows),
        vec![
            "windows_in_place_upgrade_task_sequence",
            "task_sequence_without_boot_image_download_all_content_first",
            "task_sequence_without_boot_image_either_download_option",
            "task_sequence_with_boot_image_from_software_center",
            "task_sequence_with_boot_image_from_bootable_media",
            "any_other_task_sequence_scenario",
        ]
    );
    let lines: Vec<u64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["line"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![44, 45, 46, 47, 48, 49]);
    offered_questions_answer(&a);

    let a = ask("supported? software_distribution");
    assert_eq!(
        subjects(&a["pointers"]["could_mean"]),
        vec![
            "software_distribution_device_targeted",
            "software_distribution_user_targeted_required",
            "software_distribution_user_targeted_available",
        ]
    );
    let r = run(&["query", "supported? task_sequence"]);
    assert!(
        r.stdout
            .contains("  \"task sequence\" could mean any of these 6 subjects; ask about one:\n"),
        "{r:?}"
    );
}

#[test]
fn a_subject_the_rows_do_not_name_points_to_the_nearest_statements() {
    // Dual-stack clients: no statement has the words, so the answer shows what the document
    // says under the predicate asked: the line on clients that only communicate with IPv6.
    let a = ask("client_connectivity? dual_stack");
    let p = &a["pointers"];
    assert_eq!(p["under_predicate"], true, "{a}");
    assert_eq!(p["nearest"][0]["line"], 12);
    assert!(
        p["nearest"][0]["text"]
            .as_str()
            .unwrap()
            .contains("only communicate with IPv6 addresses")
    );
    assert_eq!(p["nearest"][0]["ask"], "client_connectivity? ipv6_only");
    offered_questions_answer(&a);

    // A Windows version points to the line that defers to "Supported operating systems for
    // clients and devices".
    let defers = |v: &Value| {
        v["text"].as_str().is_some_and(|t| {
            t.contains("listed in Supported operating systems for clients and devices")
        })
    };
    let a = ask("client_os_supported? windows_11");
    assert!(defers(&a["pointers"]["near"][0]["line"]), "{a}");
    let a = ask("supported? windows_10_22h2");
    assert!(
        a["pointers"]["nearest"]
            .as_array()
            .unwrap()
            .iter()
            .any(defers),
        "{a}"
    );
    offered_questions_answer(&a);
}

#[test]
fn an_unknown_predicate_says_what_the_document_mentions_under_its_words() {
    let r = run(&["query", "remote_control? x"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("unknown predicate `remote_control`"),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("the document mentions \"remote control\" at:"),
        "{r:?}"
    );
    assert!(
        r.stderr.contains(
            "cmg line 55: \"Remote tools Not supported. Note 3\" (ask: supported? remote_tools)"
        ),
        "{r:?}"
    );
    let r = run(&["query", "ipv6_support? clients"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("cmg line 12: \"CMG doesn't support clients that only communicate with IPv6 addresses.\""), "{r:?}");
    // Words the document does not have add nothing.
    let r = run(&["query", "zzz? qqq"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(!r.stderr.contains("the document mentions"), "{r:?}");
}
