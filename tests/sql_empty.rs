//! An empty relation on a SQL engine: an inventory file of a header and no rows, a table of
//! no rows, read by a predicate no rule reads (the report does) or one rules read. It
//! panicked on SQLite and PostgreSQL alike (the predicate had no table: its width was taken
//! from its first row); it is the in-memory model, and the same answers.

mod common;

use common::sql::{kb_text, load_on, postgres_url, same_model, sample_copy};
use common::{ROOT, run_in};
use std::path::Path;
use supportkb::source::SourceText;
use supportkb::sql::Engine;

/// The estate sample with `clients.csv` cut to its header.
fn header_only_clients() -> tempfile::TempDir {
    let dir = sample_copy();
    let clients = dir.path().join("inventory/clients.csv");
    let text = std::fs::read_to_string(&clients).unwrap();
    let header = text.lines().next().unwrap();
    std::fs::write(&clients, format!("{header}\n")).unwrap();
    dir
}

/// `report`, `query` (a second time from the stored model) and `eval` on a header-only
/// `clients.csv`, on `engine` and in memory: exit 0 and the same output.
fn cli_agrees(engine: &str) {
    let dir = header_only_clients();
    let inv = dir.path().join("inventory").display().to_string();
    let commands: [&[&str]; 5] = [
        &["report"],
        &[
            "query",
            "?- inventory_client(C), client_name(C, N).",
            "client_via_cmg? 16777240",
        ],
        &["query", "why not blocked(16777240, ipv6_only)"],
        &["report", "--format", "json"],
        &["eval", "--format", "json"],
    ];
    for args in commands {
        let outputs: Vec<String> = [None, Some(engine)]
            .into_iter()
            .map(|e| {
                let mut all = vec!["--inventory", inv.as_str()];
                if let Some(e) = e {
                    all.extend(["--engine", e]);
                }
                all.extend(args);
                let r = run_in(Path::new(ROOT), &all);
                assert_eq!(r.code, 0, "{args:?} on {e:?}: {r:?}");
                assert!(!r.stderr.contains("internal error"), "{r:?}");
                r.stdout
            })
            .collect();
        assert_eq!(outputs[0], outputs[1], "{args:?}: in memory, then {engine}");
    }
}

#[test]
fn a_header_only_inventory_file_on_sqlite_is_the_in_memory_answer() {
    let dir = tempfile::tempdir().unwrap();
    cli_agrees(&format!(
        "sqlite:{}",
        dir.path().join("estate.db").display()
    ));
}

#[test]
fn a_header_only_inventory_file_on_postgres_is_the_in_memory_answer() {
    let Some(url) = postgres_url("a_header_only_inventory_file_on_postgres") else {
        return;
    };
    cli_agrees(&url);
}

/// A predicate of a file of no rows that no rule reads, one of no rows that a rule reads,
/// and one from a table of no rows.
const EMPTY: &str = r#"
decl unread(id: integer, name: string).
decl read(id: integer, os: symbol).
decl listed(id: integer).
input unread(id, name) from "unread.csv".
input read(id, os) from "read.csv".
input listed(id) from table "listed".
mac(C) :- read(C, macos).
known(C) :- listed(C).
none :- !mac(1).
"#;

/// The same knowledge base with `listed` from a file of no rows, for the in-memory engine.
fn as_files(dir: &Path) -> Vec<SourceText> {
    std::fs::write(dir.join("unread.csv"), "id,name\n").unwrap();
    std::fs::write(dir.join("read.csv"), "id,os\n").unwrap();
    std::fs::write(dir.join("listed.csv"), "id\n").unwrap();
    vec![SourceText {
        name: dir.join("kb.kb").display().to_string(),
        text: EMPTY.replace("from table \"listed\"", "from \"listed.csv\""),
    }]
}

/// [`EMPTY`] with its file names made absolute (the files of [`as_files`]).
fn on_database(dir: &Path) -> Vec<SourceText> {
    let text = EMPTY
        .replace("\"unread.csv\"", &format!("{:?}", dir.join("unread.csv")))
        .replace("\"read.csv\"", &format!("{:?}", dir.join("read.csv")));
    kb_text(&text)
}

#[test]
fn empty_files_and_tables_on_sqlite_leave_the_in_memory_model() {
    let dir = tempfile::tempdir().unwrap();
    let memory = load_on(&as_files(dir.path()), Engine::Memory).unwrap();
    let path = dir.path().join("kb.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE listed (id INTEGER)")
        .unwrap();
    let db = load_on(&on_database(dir.path()), Engine::Sqlite(path))
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    same_model(&memory, &db).unwrap();
    assert_eq!(db.kb.tuple_count("none"), 1);
}

#[test]
fn empty_files_and_tables_on_postgres_leave_the_in_memory_model() {
    let Some(url) = postgres_url("empty_files_and_tables_on_postgres") else {
        return;
    };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute("CREATE TABLE listed (id BIGINT)")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let memory = load_on(&as_files(dir.path()), Engine::Memory).unwrap();
    let db = load_on(&on_database(dir.path()), Engine::Postgres(url))
        .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    same_model(&memory, &db).unwrap();
    assert_eq!(db.kb.tuple_count("none"), 1);
}
