//! `why` of a client the inventory says nothing about ends at the file: a resource id no
//! row of clients.csv holds is said to be so (naming the file), and a row that leaves the
//! cell empty is named by its line, not "no fact gives it".

mod common;

use common::*;

const SAMPLE: &str = "examples/estate/sample";

#[test]
fn why_of_a_resource_id_no_row_holds_says_so_naming_the_file() {
    let r = run(&["--inventory", SAMPLE, "query", "why blocked(99, ipv6_only)"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "client_has_ipv6(99, true) is stated nowhere — unknown: no row of examples/estate/sample/clients.csv has resource_id `99`"
        ),
        "{r:?}"
    );
    assert!(!r.stdout.contains("no fact gives it"), "{r:?}");
}

#[test]
fn why_of_a_client_whose_cell_is_empty_names_its_row() {
    // Line 108, resource id 16777343: has_ipv4 and has_ipv6 empty (no address rows).
    let r = run(&[
        "--inventory",
        SAMPLE,
        "query",
        "why not blocked(16777343, ipv6_only)",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "client_has_ipv6(16777343, true) is stated nowhere — unknown: examples/estate/sample/clients.csv:108 has resource_id `16777343` and no value under `has_ipv6`"
        ),
        "{r:?}"
    );
}

#[test]
fn why_as_json_carries_the_reason() {
    let r = run(&[
        "--inventory",
        SAMPLE,
        "--format",
        "json",
        "query",
        "why blocked(99, ipv6_only)",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("no row of examples/estate/sample/clients.csv has resource_id `99`"),
        "{r:?}"
    );
}

/// A why-not report answers from the inventory read at the start, not from the file as it
/// is now: it re-read `clients.csv` to say "no row … has resource_id `99`", so a row added
/// (or removed) since changed the answer the loaded model gives.
#[test]
fn why_not_answers_from_the_inventory_as_it_was_read() {
    use supportkb::query::suite::kb_texts_for;
    use supportkb::query::{AskOptions, LoadConfig, Session};
    use supportkb::render::{Format, render};
    let dir = tempfile::tempdir().unwrap();
    for f in ["clients.csv", "site_systems.csv", "cmgs.csv", "sites.csv"] {
        std::fs::copy(std::path::Path::new(SAMPLE).join(f), dir.path().join(f)).unwrap();
    }
    let config = LoadConfig {
        inventory: Some(dir.path().to_path_buf()),
        ..LoadConfig::default()
    };
    let mut session = Session::load(kb_texts_for(&[], true).unwrap(), config).unwrap();
    // Since: client 99 added, and the row of 16777343 (line 108) gone.
    let clients = dir.path().join("clients.csv");
    let text = std::fs::read_to_string(&clients).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("16777343,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let added = "99,NEW,Microsoft Windows 11 Enterprise,10.0.22631,0,5.00.9128.1007,HQ1,false,HQ1MP01.corp.contoso.com,,,\n";
    std::fs::write(&clients, text + added).unwrap();
    let ask = |session: &mut Session, q: &str| {
        render(
            Format::Text,
            &session.ask(q, AskOptions::default()).unwrap(),
        )
    };
    let shown = clients.display();
    let out = ask(&mut session, "why not blocked(99, ipv6_only)");
    assert!(
        out.contains(&format!("no row of {shown} has resource_id `99`")),
        "{out}"
    );
    let out = ask(&mut session, "why not blocked(16777343, ipv6_only)");
    assert!(
        out.contains(&format!(
            "{shown}:108 has resource_id `16777343` and no value under `has_ipv6`"
        )),
        "{out}"
    );
}

/// `blocked? 99` of a client no row holds pointed at the document's words ("the document
/// mentions none of the words 99") and suggested other ids; it says, as `why not` does,
/// that the inventory has no such client. The verdict stays unknown.
#[test]
fn a_question_about_a_subject_no_row_holds_says_so() {
    let r = run(&[
        "--inventory",
        SAMPLE,
        "query",
        "blocked? 99",
        "cmg_finding? \"nosuch\"",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "unknown: the knowledge base states nothing about blocked(99, _)\n  no row of examples/estate/sample/clients.csv has resource_id `99`\n"
        ),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("no row of examples/estate/sample/cmgs.csv has name `nosuch`"),
        "{r:?}"
    );
    assert!(!r.stdout.contains("the document mentions none"), "{r:?}");
    // JSON: the verdict unknown, the reason in `absent`.
    let r = run(&[
        "--inventory",
        SAMPLE,
        "--format",
        "json",
        "query",
        "blocked? 99",
    ]);
    let answer = first_answer(&r);
    assert_eq!(answer["verdict"], "unknown", "{answer}");
    assert_eq!(
        answer["absent"][0],
        "no row of examples/estate/sample/clients.csv has resource_id `99`"
    );
    // A client that has a row gets no such line.
    let r = run(&["--inventory", SAMPLE, "query", "blocked? 16777220"]);
    assert!(!r.stdout.contains("no row of"), "{r:?}");
}

/// `blocked? 16777220` of a client the inventory holds and the rules find nothing against
/// suggested three other (blocked) clients' ids and pointed at the document's words; it
/// names the client's row instead, and the verdict stays unknown (JSON: `held`).
#[test]
fn a_question_about_a_subject_a_row_holds_names_the_row_and_suggests_nothing() {
    let r = run(&["--inventory", SAMPLE, "query", "blocked? 16777220"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout,
        "unknown: the knowledge base states nothing about blocked(16777220, _)\n  \
         examples/estate/sample/clients.csv:2 has resource_id `16777220`, and no rule \
         derives blocked(16777220, _)\n",
        "{r:?}"
    );
    let r = run(&[
        "--inventory",
        SAMPLE,
        "--format",
        "json",
        "query",
        "blocked? 16777220",
    ]);
    let answer = first_answer(&r);
    assert_eq!(answer["verdict"], "unknown", "{answer}");
    assert_eq!(
        answer["held"][0],
        "examples/estate/sample/clients.csv:2 has resource_id `16777220`, and no rule \
         derives blocked(16777220, _)"
    );
    assert!(answer.get("suggestions").is_none(), "{answer}");
}
