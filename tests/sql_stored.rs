//! `why` and `why not` on a SQL engine answer from the model a previous evaluation left in
//! the database, fetching only the tuples the proofs need, while that model is current; a
//! stale one is evaluated again, with a note saying so (as `report` says of one).

mod common;

use common::sql::{SAMPLE, ask, fresh_database, postgres_url, sample_copy, table_of};
use common::{ROOT, run_in};
use std::path::Path;
use supportkb::query::{LoadConfig, Session};
use supportkb::sql::Engine;

const QUESTIONS: [&str; 3] = [
    "why blocked(16777240, ipv6_only)",
    "why not blocked(16777240, no_pki)",
    "why client_via_cmg(16777240, _)",
];

#[test]
fn why_on_sqlite_reads_the_stored_model_and_evaluates_a_stale_one_again() {
    let dir = sample_copy();
    let engine = format!("sqlite:{}", dir.path().join("estate.db").display());
    let memory = ask(dir.path(), None, &QUESTIONS);
    assert_eq!(memory.code, 0, "{memory:?}");
    let inv = dir.path().join("inventory").display().to_string();
    let eval = run_in(
        Path::new(ROOT),
        &["--inventory", &inv, "--engine", &engine, "eval"],
    );
    assert_eq!(eval.code, 0, "{eval:?}");
    // Current: the same answers as in memory, and no note.
    let stored = ask(dir.path(), Some(&engine), &QUESTIONS);
    assert_eq!(stored.code, 0, "{stored:?}");
    assert_eq!(stored.stdout, memory.stdout);
    assert!(!stored.stderr.contains("note:"), "{}", stored.stderr);
    // Rows removed from a derived table behind supportkb's back: the model no longer
    // matches what its evaluation left, so it gives no answer; evaluated again instead,
    // with a note naming the database and the table.
    let db = rusqlite::Connection::open(dir.path().join("estate.db")).unwrap();
    let blocked = table_of(&db, "blocked");
    db.execute(&format!("DELETE FROM {blocked}"), []).unwrap();
    drop(db);
    let tampered = ask(dir.path(), Some(&engine), &QUESTIONS);
    assert_eq!(tampered.code, 0, "{tampered:?}");
    assert!(
        tampered
            .stderr
            .contains("estate.db is inconsistent with its rules")
            && tampered
                .stderr
                .contains(&format!("the table {blocked} (blocked) holds 0 rows")),
        "{}",
        tampered.stderr
    );
    assert_eq!(tampered.stdout, memory.stdout);
    // An inventory edited since: the model is stale, evaluated again, and a note says so.
    let clients = dir.path().join("inventory/clients.csv");
    let text = std::fs::read_to_string(&clients).unwrap();
    std::fs::write(&clients, format!("{text}\n")).unwrap();
    let again = ask(dir.path(), Some(&engine), &QUESTIONS);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again
            .stderr
            .contains("note: the database's model is out of date: evaluating it again"),
        "{}",
        again.stderr
    );
    assert_eq!(again.stdout, memory.stdout);
}

/// Asks `why` of a sample of the derived tuples (and `why not` of their variations) of
/// the estate sample on `engine` after an evaluation there, from the stored model: every
/// answer is the in-memory one.
fn stored_answers_agree(engine: Engine) {
    let mut texts = supportkb::query::embedded::sources();
    texts.extend(supportkb::query::embedded::estate_sources());
    let config = |engine, reuse_stored| LoadConfig {
        inventory: Some(Path::new(ROOT).join(SAMPLE)),
        engine,
        reuse_stored,
        ..Default::default()
    };
    let mut memory = Session::load(texts.clone(), config(Engine::Memory, false)).unwrap();
    Session::load(texts.clone(), config(engine.clone(), false)).unwrap();
    let mut goals = Vec::new();
    for (name, rel) in memory.kb.model.user_relations() {
        for (row, h) in rel.iter().filter(|(_, h)| *h > 0).step_by(7) {
            let vals: Vec<String> = memory
                .kb
                .interner
                .decode(row)
                .iter()
                .map(|c| c.to_string())
                .collect();
            goals.push(format!("why {name}({})", vals.join(", ")));
            if vals.len() > 1 && h > 1 {
                goals.push(format!("why not {name}({}, nothing)", vals[0]));
            }
        }
    }
    assert!(goals.len() > 20, "{goals:?}");
    for goal in goals.iter().take(120) {
        // A session of its own for each question, as the command line has.
        let mut stored = Session::load(texts.clone(), config(engine.clone(), true)).unwrap();
        assert!(
            stored.kb.stored.is_some(),
            "the stored model was not reused"
        );
        let (a, b) = (
            memory.ask(goal, Default::default()),
            stored.ask(goal, Default::default()),
        );
        match (&a, &b) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{b:?}"), format!("{a:?}"), "{goal}"),
            // (The spans of a rejected question count the texts each session read.)
            (Err(a), Err(b)) => assert_eq!(
                b.diagnostics()[0].message,
                a.diagnostics()[0].message,
                "{goal}"
            ),
            _ => panic!("{goal}: in memory {a:?}, stored {b:?}"),
        }
        if let Ok(supportkb::query::Answer::Why(w)) = &b {
            assert!(w.holds && w.proof_errors.is_empty(), "{goal}: {w:?}");
        }
    }
}

#[test]
fn stored_answers_on_sqlite_are_the_in_memory_answers() {
    let dir = tempfile::tempdir().unwrap();
    stored_answers_agree(Engine::Sqlite(dir.path().join("kb.db")));
}

#[test]
fn stored_answers_on_postgres_are_the_in_memory_answers() {
    let Some(url) = postgres_url("stored_answers_on_postgres_are_the_in_memory_answers") else {
        return;
    };
    let db = fresh_database(&url, "supportkb_stored_answers");
    stored_answers_agree(Engine::Postgres(db));
}

#[test]
fn report_on_a_stale_database_says_so_as_why_does() {
    let dir = sample_copy();
    let inv = dir.path().join("inventory").display().to_string();
    let engine = format!("sqlite:{}", dir.path().join("estate.db").display());
    let report = || {
        run_in(
            Path::new(ROOT),
            &["--inventory", &inv, "--engine", &engine, "report"],
        )
    };
    let first = report();
    assert_eq!(first.code, 0, "{first:?}");
    // A fresh database, or one evaluated from the same inputs: nothing to say.
    assert!(!first.stderr.contains("note:"), "{}", first.stderr);
    let again = report();
    assert!(!again.stderr.contains("note:"), "{}", again.stderr);
    // An inventory edited since: the stored model is stale, and report says it evaluates
    // again, as `why` does.
    let clients = dir.path().join("inventory/clients.csv");
    let text = std::fs::read_to_string(&clients).unwrap();
    std::fs::write(&clients, format!("{text}\n")).unwrap();
    let stale = report();
    assert_eq!(stale.code, 0, "{stale:?}");
    let note = "note: the database's model is out of date: evaluating it again";
    assert!(stale.stderr.contains(note), "{}", stale.stderr);
    assert_eq!(stale.stdout, first.stdout);
    // Evaluated again, the model is current: the next report says nothing.
    let current = report();
    assert!(!current.stderr.contains("note:"), "{}", current.stderr);
}
