//! The `boolean` column type: `true` or `false`, nothing else, wherever a value comes from —
//! a fact or rule (the checker), a file's cell (the reader) or a table's cell (SQL inputs).

mod common;

use common::sql::*;
use common::*;
use supportkb::sql::Engine;

fn kb_dir(kb: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kb.kb"), kb).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const DECL: &str =
    "decl online(id: integer, up: boolean) key(id).\nstate(S) :- online(_, S), S = true.\n";

#[test]
fn a_boolean_column_holds_true_or_false_and_joins_symbols() {
    let dir = kb_dir(&format!("{DECL}online(1, true).\nonline(2, false).\n"), &[]);
    let kb = dir.path().join("kb.kb");
    let r = run(&["--kb", kb.to_str().unwrap(), "query", "?- state(true)."]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("yes"), "{r:?}");
    let dir = kb_dir(&format!("{DECL}online(3, maybe).\n"), &[]);
    let kb = dir.path().join("kb.kb");
    let r = run(&["check", kb.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stdout
            .contains("argument 2 of `online` is a boolean, here it is `maybe`")
            || r.stderr
                .contains("argument 2 of `online` is a boolean, here it is `maybe`"),
        "{r:?}"
    );
}

#[test]
fn a_file_cell_of_a_boolean_column_is_true_or_false() {
    let kb = format!("{DECL}input online(id, up) from \"online.csv\".\n");
    let dir = kb_dir(&kb, &[("online.csv", "id,up\n1,true\n2,yes\n")]);
    let path = dir.path().join("kb.kb");
    let r = run(&["--kb", path.to_str().unwrap(), "query", "?- state(true)."]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("online.csv:3:3: column `up`: `yes` is not a boolean: `true` or `false`"),
        "{r:?}"
    );
    std::fs::write(dir.path().join("online.csv"), "id,up\n1,true\n2,false\n").unwrap();
    let r = run(&["--kb", path.to_str().unwrap(), "query", "?- state(true)."]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn a_table_cell_of_a_boolean_column_is_true_or_false() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        "CREATE TABLE online (id INTEGER, up TEXT);
         INSERT INTO online VALUES (1, 'true'), (2, '1');",
    )
    .unwrap();
    drop(db);
    let kb = format!("{DECL}input online from table \"online\".\n");
    let e = load_on(&kb_text(&kb), Engine::Sqlite(path)).unwrap_err();
    let text = e.sources.render(&e.diagnostics, false);
    assert!(
        text.contains("column `up`: `1` is not a boolean: `true` or `false`"),
        "{text}"
    );
}
