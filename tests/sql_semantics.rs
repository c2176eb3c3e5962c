//! Values that SQL text could get wrong keep the engine's meaning on the SQL engines: the
//! inputs asked of goal-directed predicates holding quotes (bound as parameters, never
//! spliced into a statement), facts loaded in bulk (`COPY` on PostgreSQL), and regular expressions across
//! line breaks.

mod common;

use common::sql::{fresh_database, kb_text, load_on, postgres_url, proofs_check, same_model};
use supportkb::query::{LoadConfig, Session};
use supportkb::sql::Engine;

/// A goal-directed predicate (`valid`: its body only tests `N`) asked for inputs with
/// single and double quotes, by a rule and by facts.
const QUOTED: &str = r#"
name("it's ok"). name("plain"). name("a ''b'' \"c\"; DROP TABLE x; --").
valid(N) :- length(N, L), L > 3.
good(X) :- name(X), valid(X).
asked :- valid("it's 'quoted'").
"#;

/// `QUOTED` on `engine` and in memory: the same model, checked proofs, and the same
/// answers to questions with quoted inputs, asked of the model the database holds.
fn quoted_inputs_agree(engine: Engine) {
    let texts = kb_text(QUOTED);
    let mut memory = load_on(&texts, Engine::Memory).unwrap();
    let mut db = load_on(&texts, engine.clone()).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    same_model(&memory, &db).unwrap();
    assert_eq!(db.kb.tuple_count("good"), 3);
    assert_eq!(db.kb.tuple_count("asked"), 1);
    assert!(proofs_check(&mut db, 10).unwrap() > 0);
    let config = LoadConfig {
        engine,
        reuse_stored: true,
        ..Default::default()
    };
    for q in [
        r#"why valid("it's ok")"#,
        r#"why not valid("it's")"#,
        r#"why good("a ''b'' \"c\"; DROP TABLE x; --")"#,
        "why asked",
    ] {
        let mut stored = Session::load(texts.clone(), config.clone()).unwrap();
        let (a, b) = (
            memory.ask(q, Default::default()).unwrap(),
            stored.ask(q, Default::default()).unwrap(),
        );
        assert_eq!(format!("{b:?}"), format!("{a:?}"), "{q}");
    }
}

#[test]
fn quoted_inputs_of_goal_directed_predicates_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    quoted_inputs_agree(Engine::Sqlite(dir.path().join("kb.db")));
}

#[test]
fn quoted_inputs_of_goal_directed_predicates_on_postgres() {
    let Some(url) = postgres_url("quoted_inputs_of_goal_directed_predicates_on_postgres") else {
        return;
    };
    quoted_inputs_agree(Engine::Postgres(fresh_database(&url, "supportkb_quoted")));
}

/// Facts load in bulk: many rows with duplicates, and cells holding what `COPY`'s text
/// format reads specially (tab, backslash, line breaks, `\N`), give the in-memory model.
fn many_facts_agree(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..40_000)
        .map(|i| format!("{}\tname{}\n", i % 25_000, i % 25_000))
        .collect();
    std::fs::write(dir.path().join("pair.tsv"), rows).unwrap();
    let texts = kb_text(concat!(
        "decl pair(n: integer, s: string).\n",
        "odd(N) :- pair(N, _), N mod 2 = 1.\n",
        // Cells the text format of COPY reads specially.
        r#"s("a\tb"). s("back\\slash"). s("line\nbreak"). s("\\N"). s("cr\r")."#,
        "\nlong(S) :- s(S), length(S, L), L > 3.\n",
    ));
    let config = |engine| LoadConfig {
        engine,
        facts_dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let memory = Session::load(texts.clone(), config(Engine::Memory)).unwrap();
    let db = Session::load(texts, config(engine)).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    same_model(&memory, &db).unwrap();
    assert_eq!(db.kb.tuple_count("pair"), 25_000);
    assert_eq!(db.kb.tuple_count("s"), 5);
}

#[test]
fn many_facts_load_in_bulk_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    many_facts_agree(Engine::Sqlite(dir.path().join("kb.db")));
}

#[test]
fn many_facts_load_in_bulk_on_postgres() {
    let Some(url) = postgres_url("many_facts_load_in_bulk_on_postgres") else {
        return;
    };
    many_facts_agree(Engine::Postgres(fresh_database(&url, "supportkb_bulk")));
}

/// `.` matches a line break only under `(?s)`, as Rust's `regex` has it; a bracket
/// expression keeps its meaning (`[^x]` matches a line break, `[.]` is a dot).
const DOTS: &str = r#"
s("Line one\nline two"). s("one line"). s("a.b"). s("a\nb"). s("a]b").
dot(S) :- s(S), matches(S, "Line.*two").
dotall(S) :- s(S), matches(S, "(?s)Line.*two").
nocase(S) :- s(S), matches(S, "(?i)line.*TWO").
both(S) :- s(S), matches(S, "(?is)line.*TWO").
any(S) :- s(S), matches(S, "a.b").
negated(S) :- s(S), matches(S, "a[^x]b").
literal(S) :- s(S), matches(S, "a[.]b").
escaped(S) :- s(S), matches(S, "a\\.b").
bracket(S) :- s(S), matches(S, "a[].]b").
class(S) :- s(S), matches(S, "[[:alpha:]]+.[[:alpha:]]+").
"#;

#[test]
fn a_dot_matches_a_line_break_only_under_s_on_postgres() {
    let Some(url) = postgres_url("a_dot_matches_a_line_break_only_under_s_on_postgres") else {
        return;
    };
    let texts = kb_text(DOTS);
    let memory = load_on(&texts, Engine::Memory).unwrap();
    let db = load_on(
        &texts,
        Engine::Postgres(fresh_database(&url, "supportkb_dots")),
    )
    .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    same_model(&memory, &db).unwrap();
    assert_eq!(
        (
            memory.kb.tuple_count("dot"),
            memory.kb.tuple_count("dotall")
        ),
        (0, 1)
    );
}

#[test]
fn a_dot_matches_a_line_break_only_under_s_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let texts = kb_text(DOTS);
    let memory = load_on(&texts, Engine::Memory).unwrap();
    let db = load_on(&texts, Engine::Sqlite(dir.path().join("kb.db"))).unwrap();
    same_model(&memory, &db).unwrap();
}
