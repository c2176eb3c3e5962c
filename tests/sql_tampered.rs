//! A stored model changed by hand (rows added to or deleted from its tables, a table
//! dropped) never answers `why` or `why not`: supportkb notes that the model in the
//! database is inconsistent with its rules, naming the database and what it found, and
//! evaluates the knowledge base again, so the answer is the in-memory one. A question other
//! than `why`, always evaluated again in full, notes a table changed so as well.

mod common;

use common::sql::{ask, sample_copy, table_of};
use common::{ROOT, Run, run_in};
use std::path::Path;

/// The estate sample copied, evaluated into `estate.db` beside it; the folder, the
/// `--engine` argument and the database's path.
fn evaluated() -> (tempfile::TempDir, String, std::path::PathBuf) {
    let dir = sample_copy();
    let path = dir.path().join("estate.db");
    let engine = format!("sqlite:{}", path.display());
    let inv = dir.path().join("inventory").display().to_string();
    let eval = run_in(
        Path::new(ROOT),
        &["--inventory", &inv, "--engine", &engine, "eval"],
    );
    assert_eq!(eval.code, 0, "{eval:?}");
    (dir, engine, path)
}

/// Runs `sql` on the SQLite database at `path`.
fn tamper(path: &Path, sql: &str) {
    let db = rusqlite::Connection::open(path).unwrap();
    let sql = sql.replace("BLOCKED", &table_of(&db, "blocked"));
    let sql = sql.replace("IPV6", &table_of(&db, "client_has_ipv6"));
    db.execute_batch(&sql).unwrap();
}

/// `question` asked in memory and on `engine`: the same output, and on `engine` the note
/// that the stored model is inconsistent (containing `found`).
fn answered_again(dir: &Path, engine: &str, question: &str, found: &str) -> Run {
    let memory = ask(dir, None, &[question]);
    let stored = ask(dir, Some(engine), &[question]);
    assert_eq!(stored.code, memory.code, "{stored:?}");
    assert_eq!(stored.stdout, memory.stdout, "{question}");
    assert!(
        stored.stderr.contains(&format!(
            "note: the model stored in the SQLite database {}",
            dir.join("estate.db").display()
        )) && stored.stderr.contains("is inconsistent with its rules")
            && stored.stderr.contains(found)
            && stored.stderr.contains("evaluating it again"),
        "{question}: {}",
        stored.stderr
    );
    stored
}

#[test]
fn a_row_added_to_a_derived_table_is_not_an_answer() {
    let (dir, engine, path) = evaluated();
    // A row with a height and a rule, as an evaluation writes them.
    tamper(
        &path,
        "INSERT INTO BLOCKED SELECT 16777227, 'ipv6_only', height, rule FROM BLOCKED \
         WHERE c0 = 16777240 AND c1 = 'ipv6_only'",
    );
    let q = "why blocked(16777227, ipv6_only)";
    let r = answered_again(dir.path(), &engine, q, "(blocked) holds 79 rows");
    assert!(r.stdout.starts_with("does not hold"), "{r:?}");
    // Evaluating again rewrote the tables: the next question reads them without a note.
    let next = ask(dir.path(), Some(&engine), &[q]);
    assert!(!next.stderr.contains("note:"), "{next:?}");
}

#[test]
fn a_derived_row_deleted_while_its_premises_hold_is_not_an_answer() {
    let (dir, engine, path) = evaluated();
    tamper(
        &path,
        "DELETE FROM BLOCKED WHERE c0 = 16777240 AND c1 = 'ipv6_only'",
    );
    let r = answered_again(
        dir.path(),
        &engine,
        "why blocked(16777240, ipv6_only)",
        "(blocked) holds 77 rows where the evaluation left 78",
    );
    assert!(
        r.stdout.starts_with("blocked(16777240, ipv6_only)\n"),
        "{r:?}"
    );
}

#[test]
fn a_row_replaced_by_another_is_found_by_the_rules_not_the_count() {
    // One row deleted and another added: the table keeps its number of rows, and the rows
    // themselves disagree with the rules.
    let replaced = "DELETE FROM BLOCKED WHERE c0 = 16777240 AND c1 = 'ipv6_only'; \
                    INSERT INTO BLOCKED SELECT 16777227, 'ipv6_only', height, rule \
                    FROM BLOCKED WHERE c0 = 16777240 AND c1 = 'cmg_classic_deployment_removed'";
    let (dir, engine, path) = evaluated();
    tamper(&path, replaced);
    answered_again(
        dir.path(),
        &engine,
        "why blocked(16777227, ipv6_only)",
        "a row matching blocked(16777227, ipv6_only) does not rebuild into a proof",
    );
    tamper(&path, replaced);
    for q in [
        "why blocked(16777240, ipv6_only)",
        "why not blocked(16777240, ipv6_only)",
    ] {
        answered_again(
            dir.path(),
            &engine,
            q,
            "blocked(16777240, ipv6_only) has no row although the premises of \
             `blocked(C, ipv6_only) :- client_has_ipv6(C, true)",
        );
        tamper(&path, replaced);
    }
}

#[test]
fn a_fact_row_deleted_from_the_database_is_read_again_from_its_file() {
    // The facts come from the inventory files the stamp fingerprints: a fact deleted from
    // its table (the file unchanged) makes the database disagree with the file, and the
    // file wins.
    let (dir, engine, path) = evaluated();
    tamper(&path, "DELETE FROM IPV6 WHERE c0 = 16777240");
    let r = answered_again(
        dir.path(),
        &engine,
        "why blocked(16777240, ipv6_only)",
        "(client_has_ipv6) holds",
    );
    assert!(r.stdout.contains("[fact, "), "{r:?}");
}

#[test]
fn a_model_table_dropped_by_hand_is_evaluated_again() {
    let (dir, engine, path) = evaluated();
    tamper(&path, "DROP TABLE BLOCKED");
    answered_again(
        dir.path(),
        &engine,
        "why blocked(16777240, ipv6_only)",
        "(blocked) cannot be read",
    );
}

#[test]
fn a_derived_row_deleted_on_postgres_is_not_an_answer() {
    let Some(url) = common::sql::postgres_url("a_derived_row_deleted_on_postgres_is_not_an_answer")
    else {
        return;
    };
    let db = common::sql::fresh_database(&url, "supportkb_tampered");
    let dir = sample_copy();
    let inv = dir.path().join("inventory").display().to_string();
    let eval = run_in(
        Path::new(ROOT),
        &["--inventory", &inv, "--engine", &db, "eval"],
    );
    assert_eq!(eval.code, 0, "{eval:?}");
    let mut client = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    let table: String = client
        .query_one(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_name LIKE 'skb_p%_blocked'",
            &[],
        )
        .unwrap()
        .get(0);
    client
        .batch_execute(&format!(
            "DELETE FROM {table} WHERE c0::text LIKE '%16777240' AND c1::text LIKE '%ipv6_only'"
        ))
        .unwrap();
    let q = "why blocked(16777240, ipv6_only)";
    let memory = ask(dir.path(), None, &[q]);
    let stored = ask(dir.path(), Some(&db), &[q]);
    assert_eq!(stored.stdout, memory.stdout, "{stored:?}");
    assert!(
        stored
            .stderr
            .contains("the model stored in the PostgreSQL database")
            && stored
                .stderr
                .contains(&format!("the table {table} (blocked) holds 77 rows")),
        "{}",
        stored.stderr
    );
}

#[test]
fn a_question_on_a_derived_row_deleted_notes_the_evaluation_again() {
    let (dir, engine, path) = evaluated();
    tamper(
        &path,
        "DELETE FROM BLOCKED WHERE c0 = 16777240 AND c1 = 'ipv6_only'",
    );
    let r = answered_again(
        dir.path(),
        &engine,
        "blocked? 16777240",
        "(blocked) holds 77 rows where the evaluation left 78",
    );
    assert!(r.stdout.contains("ipv6_only"), "{r:?}");
}
