//! Facts read from tables and views already in the database (`input p from table "NAME"`,
//! columns by name) on SQLite and PostgreSQL, and the script `supportkb sql` prints: the
//! schema, each round's statements, and the statements reading those inputs.

mod common;

use common::run;
use common::sql::{kb_text, load_on, postgres_url, proofs_check, same_model};
use std::path::Path;
use supportkb::source::SourceText;
use supportkb::sql::Engine;

#[test]
fn sql_prints_the_schema_and_each_round() {
    for dialect in ["postgres", "sqlite"] {
        let r = run(&["sql", "--dialect", dialect]);
        assert_eq!(r.code, 0, "{r:?}");
        let out = &r.stdout;
        assert!(out.contains("CREATE TABLE skb_p"), "{dialect}");
        assert!(
            out.contains("VALUES ('s:peer_cache', 's:not_supported', 's:unconditional', 0)"),
            "{dialect}"
        );
        assert!(
            out.contains("-- Stratum 1:") && out.contains("WHERE NOT EXISTS"),
            "{dialect}"
        );
        assert!(!out.contains("WITH RECURSIVE"), "{dialect}");
    }
    let r = run(&["--engine", "oracle:x", "eval"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("sqlite:FILE"), "{}", r.stderr);
}

/// Facts read from a table or view of the database, columns by name: the same model as the
/// same facts written in the knowledge base, and NULL cells give no tuple.
const FROM_TABLE: &str = r#"
decl client(id: integer, os: symbol).
decl site(code, version: version).
input client(resource_id, os_name) from table "main.client_view".
input site from table "sites".
blocked(C) :- client(C, macos).
current(S) :- site(S, V), V >= v"2203".
"#;

/// The same rows as files, read in memory.
fn as_files(dir: &Path) -> Vec<SourceText> {
    std::fs::write(
        dir.join("clients.csv"),
        "resource_id,os_name,extra\n1,macos,x\n2,windows,\n3,,y\n",
    )
    .unwrap();
    std::fs::write(dir.join("sites.csv"), "code,version\np01,2203\np02,2107\n").unwrap();
    let text = FROM_TABLE
        .replace("table \"main.client_view\"", "\"clients.csv\"")
        .replace(
            "site from table \"sites\"",
            "site(code, version) from \"sites.csv\"",
        );
    vec![SourceText {
        name: dir.join("kb.kb").display().to_string(),
        text,
    }]
}

fn inventory_db(path: &Path) {
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch(
        "CREATE TABLE clients (resource_id INTEGER, os_name TEXT, extra TEXT);
         INSERT INTO clients VALUES (1, 'macos', 'x'), (2, 'windows', NULL), (3, NULL, 'y');
         CREATE VIEW client_view AS SELECT resource_id, os_name FROM clients;
         CREATE TABLE sites (code TEXT, version TEXT);
         INSERT INTO sites VALUES ('p01', '2203'), ('p02', '2107');",
    )
    .unwrap();
}

#[test]
fn inputs_read_tables_and_views_of_the_database_by_column_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    inventory_db(&path);
    let memory = load_on(&as_files(dir.path()), Engine::Memory).unwrap();
    let mut db = load_on(&kb_text(FROM_TABLE), Engine::Sqlite(path))
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    same_model(&memory, &db).unwrap();
    assert_eq!(
        db.kb.tuple_count("client"),
        2,
        "the NULL row gives no tuple"
    );
    assert!(proofs_check(&mut db, 10).unwrap() > 0);
}

#[test]
fn an_input_from_a_table_names_the_missing_column_and_needs_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    inventory_db(&path);
    let missing = FROM_TABLE.replace("os_name) from", "os_build) from");
    let e = load_on(&kb_text(&missing), Engine::Sqlite(path.clone())).unwrap_err();
    let text = e.sources.render(&e.diagnostics, false);
    assert!(
        text.contains("the table `main.client_view` has no column `os_build` (its columns: resource_id, os_name)"),
        "{text}"
    );
    assert!(text.contains("kb.kb:4:1"), "{text}");
    let e = load_on(&kb_text(FROM_TABLE), Engine::Memory).unwrap_err();
    let text = e.sources.render(&e.diagnostics, false);
    assert!(text.contains("which needs a database"), "{text}");
    let e = load_on(
        &kb_text(&FROM_TABLE.replace("\"sites\"", "\"nowhere\"")),
        Engine::Sqlite(path),
    )
    .unwrap_err();
    let text = e.sources.render(&e.diagnostics, false);
    assert!(text.contains("cannot read the table `nowhere`"), "{text}");
}

#[test]
fn inputs_read_tables_and_views_on_postgres() {
    let Some(url) = postgres_url("inputs_read_tables_and_views_on_postgres") else {
        return;
    };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "DROP SCHEMA IF EXISTS inventory CASCADE; CREATE SCHEMA inventory;
             CREATE TABLE inventory.clients (resource_id BIGINT, os_name TEXT);
             INSERT INTO inventory.clients VALUES (1, 'macos'), (2, 'windows'), (3, NULL);
             CREATE VIEW inventory.client_view AS SELECT * FROM inventory.clients;
             CREATE TABLE inventory.sites (code TEXT, version TEXT);
             INSERT INTO inventory.sites VALUES ('p01', '2203'), ('p02', '2107');",
        )
        .unwrap();
    let text = FROM_TABLE
        .replace("main.client_view", "inventory.client_view")
        .replace("\"sites\"", "\"inventory.sites\"");
    let dir = tempfile::tempdir().unwrap();
    let memory = load_on(&as_files(dir.path()), Engine::Memory).unwrap();
    let db = load_on(&kb_text(&text), Engine::Postgres(url))
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    same_model(&memory, &db).unwrap();
    client
        .batch_execute("DROP SCHEMA inventory CASCADE")
        .unwrap();
}

/// The statements `supportkb sql` prints up to its first stratum: the schema and the facts,
/// those of `from table` inputs read from the database.
fn script_facts(kb: &Path, dialect: &str) -> String {
    let out = run(&[
        "--kb",
        &kb.display().to_string(),
        "sql",
        "--dialect",
        dialect,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("-- Facts of client from the table"),
        "{}",
        out.stdout
    );
    let end = out.stdout.find("\n-- Stratum 1").expect("a stratum");
    out.stdout[..end].to_string()
}

/// The rows (each cell as text, then the height) of the table of `pred` and of the versions.
type Rows = std::collections::BTreeSet<Vec<String>>;

fn sqlite_tables(db: &rusqlite::Connection, preds: &[&str]) -> Vec<Rows> {
    let mut out = Vec::new();
    for pred in preds {
        let name: String = db
            .query_row(
                &format!("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'skb_p*_{pred}'"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        let sql =
            format!("SELECT CAST(c0 AS TEXT), CAST(c1 AS TEXT), CAST(height AS TEXT) FROM {name}");
        let mut stmt = db.prepare(&sql).unwrap();
        let rows = stmt
            .query_map([], |r| (0..3).map(|i| r.get::<_, String>(i)).collect())
            .unwrap();
        out.push(rows.collect::<Result<Rows, _>>().unwrap());
    }
    out
}

#[test]
fn sql_prints_statements_reading_the_from_table_inputs_by_column_name() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb.kb");
    std::fs::write(&kb, FROM_TABLE).unwrap();
    // The engine reads the tables into its own tables…
    let engine_db = dir.path().join("engine.db");
    inventory_db(&engine_db);
    load_on(&kb_text(FROM_TABLE), Engine::Sqlite(engine_db.clone()))
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let expected = sqlite_tables(
        &rusqlite::Connection::open(&engine_db).unwrap(),
        &["client", "site"],
    );
    assert_eq!(expected[0].len(), 2, "{expected:?}");
    // …and the printed statements, run on a copy of the inventory, leave the same rows.
    let script = script_facts(&kb, "sqlite");
    assert!(script.contains("FROM \"main\".\"client_view\""), "{script}");
    let path = dir.path().join("script.db");
    inventory_db(&path);
    let db = rusqlite::Connection::open(&path).unwrap();
    supportkb::sql::define_sqlite_functions(&db).unwrap();
    db.execute_batch(&script).unwrap();
    assert_eq!(sqlite_tables(&db, &["client", "site"]), expected);
    // A cell not of its column's type stops the script, as it stops a load.
    db.execute_batch("UPDATE clients SET os_name = 'Mac OS' WHERE resource_id = 1")
        .unwrap();
    let e = db.execute_batch(&script).unwrap_err().to_string();
    assert!(e.contains("is not a symbol"), "{e}");
}

#[test]
fn sql_prints_statements_reading_the_from_table_inputs_on_postgres() {
    let Some(url) = postgres_url("sql_prints_statements_reading_the_from_table_inputs_on_postgres")
    else {
        return;
    };
    // A database of its own: the other tests drop and create their tables at the same time.
    let url = common::sql::fresh_database(&url, "supportkb_sql_script");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "DROP SCHEMA IF EXISTS inventory_script CASCADE; CREATE SCHEMA inventory_script;
             CREATE TABLE inventory_script.clients (resource_id BIGINT, os_name TEXT);
             INSERT INTO inventory_script.clients VALUES (1, 'macos'), (2, 'windows'), (3, NULL);
             CREATE VIEW inventory_script.client_view AS SELECT * FROM inventory_script.clients;
             CREATE TABLE inventory_script.sites (code TEXT, version TEXT);
             INSERT INTO inventory_script.sites VALUES ('p01', '2203.0'), ('p02', '2107'), ('p03', '10.0.19045');",
        )
        .unwrap();
    let text = FROM_TABLE
        .replace("main.client_view", "inventory_script.client_view")
        .replace("\"sites\"", "\"inventory_script.sites\"");
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb.kb");
    std::fs::write(&kb, &text).unwrap();
    let tables = |client: &mut postgres::Client| -> Vec<Rows> {
        let mut out = Vec::new();
        for name in ["client", "site", "versions"] {
            let row = client
                .query_one(
                    "SELECT table_name::text FROM information_schema.tables \
                     WHERE table_schema = 'public' AND table_name ~ $1",
                    &[&format!("^skb_(p[0-9]+_)?{name}$")],
                )
                .unwrap();
            let t: String = row.get(0);
            let cols = if name == "versions" {
                "value, written, ''"
            } else {
                "CAST(c0 AS TEXT), CAST(c1 AS TEXT), CAST(height AS TEXT)"
            };
            let rows = client
                .query(&format!("SELECT {cols} FROM {t}"), &[])
                .unwrap();
            out.push(
                rows.iter()
                    .map(|r| (0..3).map(|i| r.get::<_, String>(i)).collect())
                    .collect(),
            );
        }
        out
    };
    load_on(&kb_text(&text), Engine::Postgres(url.clone()))
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    let expected = tables(&mut client);
    assert_eq!(expected[1].len(), 3, "{expected:?}");
    let script = script_facts(&kb, "postgres");
    client.batch_execute(&script).unwrap();
    assert_eq!(tables(&mut client), expected);
    client
        .batch_execute(
            "UPDATE inventory_script.clients SET os_name = 'Mac OS' WHERE resource_id = 1",
        )
        .unwrap();
    // It names the table, the column and the cell, as a load does (not a NOT NULL
    // constraint of a column `c1`).
    let e = client.batch_execute(&script).unwrap_err();
    let said = e
        .as_db_error()
        .map_or(e.to_string(), |d| d.message().to_string());
    assert!(
        said.contains(
            "the table `inventory_script.client_view`, column `os_name`: `Mac OS` is not a symbol"
        ),
        "{said}"
    );
    client
        .batch_execute("DROP SCHEMA inventory_script CASCADE")
        .unwrap();
}
