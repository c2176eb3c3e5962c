//! The SQL engines end to end: the CMG knowledge base and the driver matrix on SQLite (and
//! on PostgreSQL when a server is given) leave the in-memory model in their tables;
//! arithmetic and string built-ins keep DESIGN §4's meaning; typed declarations give typed
//! columns; `--engine` answers with checked proofs; limits stop SQL evaluation. (Inputs
//! from database tables and the printed script: `tests/sql_inputs.rs`.)

mod common;

use common::sql::{kb_text, load_on, postgres_url, proofs_check, same_model};
use common::{ROOT, run, run_in};
use std::path::Path;
use supportkb::query::{Session, suite::kb_texts};
use supportkb::source::SourceText;
use supportkb::sql::Engine;

fn sqlite_in(dir: &tempfile::TempDir) -> Engine {
    Engine::Sqlite(dir.path().join("kb.db"))
}

fn files(paths: &[&str]) -> Vec<SourceText> {
    let paths: Vec<_> = paths.iter().map(|p| Path::new(ROOT).join(p)).collect();
    kb_texts(&paths).expect("the knowledge base files read")
}

/// `texts` on `engine` and in memory: the same model, and proofs the checker accepts.
fn agree(texts: &[SourceText], engine: Engine, proofs: usize) -> Session {
    let memory = load_on(texts, Engine::Memory).expect("loads in memory");
    let mut other = load_on(texts, engine).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    same_model(&memory, &other).unwrap();
    let checked = proofs_check(&mut other, proofs).unwrap();
    assert!(checked > 0, "no derived tuple was proved");
    other
}

const ARITHMETIC: &str = r#"
n(9223372036854775807). n(0). n(-7). n(2). n(-1). s("héllo-wörld"). s("cmg01"). s(peer_cache).
next(X, Y) :- n(X), Y = X + 1.
twice(X, Y) :- n(X), Y = X * 2 - 1.
quot(X, K, Q) :- n(X), n(K), Q = X / K.
rem(X, K, R) :- n(X), n(K), R = X mod K.
small(X) :- n(X), X < 2, X >= -7.
len(S, L) :- s(S), length(S, L).
named(S) :- s(S), matches(S, "[a-z]+[0-9]*"), !contains(S, "-"), prefix(S, "c").
tail(S) :- s(S), suffix(S, "01").
part(S, T) :- s(S), substr(S, 1, 3, T).
label(S, L) :- s(S), concat(S, "!", L).
text(X, T) :- n(X), to_string(X, T).
total(N) :- N = count : { n(X) }.
least(M) :- M = min X : { n(X) }.
most(M) :- M = max S : { s(S) }.
"#;

/// Conversions and pieces of text: `to_int` and `split` on both dialects (case mapping in
/// [`CASES`]).
const CONVERSIONS: &str = r#"
t("42"). t("-9223372036854775808"). t("9223372036854775808"). t("4.2"). t(""). t("-").
t("007"). t("5.00.9078.1000"). t("cmg.contoso.com/CCM_Proxy/7"). t(mp01). k(0). k(2). k(3). k(-1).
int(S, I) :- t(S), to_int(S, I).
back(I) :- int(_, J), to_string(J, S), to_int(S, I).
piece(S, N, P) :- t(S), k(N), split(S, ".", N, P).
first(S, P) :- t(S), split(S, "/", 0, P).
none(S) :- t(S), split(S, "", 0, _).
"#;

const CASES: &str = r#"
t("Straße"). t("ÉCOLE"). t(mp01). t("ǅ").
low(S, L) :- t(S), lower(S, L).
up(S, U) :- t(S), upper(S, U).
same(S) :- t(S), lower(S, S).
"#;

#[test]
fn conversions_and_case_mapping_keep_their_meaning_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let s = agree(&kb_text(CONVERSIONS), sqlite_in(&dir), 20);
    assert_eq!(s.kb.tuple_count("int"), 3, "42, the minimum and 007");
    assert!(s.kb.tuple_count("piece") > 0 && s.kb.tuple_count("none") == 0);
    let s = agree(&kb_text(CASES), sqlite_in(&dir), 20);
    assert_eq!(s.kb.tuple_count("up"), 4);
}

#[test]
fn conversions_and_case_mapping_keep_their_meaning_on_postgres() {
    let Some(url) = postgres_url("conversions_and_case_mapping_keep_their_meaning_on_postgres")
    else {
        return;
    };
    agree(&kb_text(CONVERSIONS), Engine::Postgres(url.clone()), 20);
    let s = agree(&kb_text(CASES), Engine::Postgres(url.clone()), 20);
    assert_eq!(s.kb.tuple_count("up"), 4);
    // A capital sigma's lower case depends on its neighbours: an error, not another answer.
    let sigma = CASES.replace("t(\"ǅ\").", "t(\"ΟΔΟΣ\").");
    let e = load_on(&kb_text(&sigma), Engine::Postgres(url)).unwrap_err();
    let text = format!("{:?}", e.diagnostics);
    assert!(text.contains("lower of a text with Σ"), "{text}");
}

#[test]
fn arithmetic_and_strings_keep_their_meaning_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let s = agree(&kb_text(ARITHMETIC), sqlite_in(&dir), 40);
    // Overflow and division by zero give no row (DESIGN §4), not an error.
    assert_eq!(s.kb.tuple_count("next"), 4);
    assert_eq!(s.kb.tuple_count("quot"), 20);
}

#[test]
fn the_cmg_knowledge_base_on_sqlite_leaves_the_in_memory_model_in_its_tables() {
    let dir = tempfile::tempdir().unwrap();
    let s = agree(&supportkb::query::embedded::sources(), sqlite_in(&dir), 60);
    // The rows are in the database file, each with its height.
    let conn = rusqlite::Connection::open(dir.path().join("kb.db")).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let table = names
        .iter()
        .find(|n| {
            n.strip_prefix("skb_p")
                .and_then(|n| n.strip_suffix("_supported"))
                .is_some_and(|k| k.chars().all(|c| c.is_ascii_digit()))
        })
        .expect("a table of supported");
    let (rows, derived): (i64, i64) = conn
        .query_row(
            &format!("SELECT count(*), sum(height > 0) FROM {table}"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(rows as usize, s.kb.tuple_count("supported"));
    assert_eq!(rows, derived, "every supported tuple is derived");
}

#[test]
fn the_driver_matrix_on_sqlite_versions_and_aggregates() {
    let dir = tempfile::tempdir().unwrap();
    agree(&files(&["examples/drivers"]), sqlite_in(&dir), 40);
}

/// Patterns with leading flags (PostgreSQL takes them only at the start of a pattern).
const PATTERNS: &str = r#"
s("Line one\nline two"). s("cmg01"). s("CMG02"). s("x").
dotall(S) :- s(S), matches(S, "(?s)[A-Za-z].*").
nocase(S) :- s(S), matches(S, "(?i)cmg[0-9]+").
both(S) :- s(S), matches(S, "(?is)line.*TWO").
plain(S) :- s(S), matches(S, "cmg[0-9]+").
"#;

#[test]
fn patterns_with_leading_flags_match_as_in_memory_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let s = agree(&kb_text(PATTERNS), sqlite_in(&dir), 10);
    assert_eq!(s.kb.tuple_count("nocase"), 2);
}

#[test]
fn the_same_on_postgres() {
    let Some(url) = postgres_url("the_same_on_postgres") else {
        return;
    };
    agree(&kb_text(ARITHMETIC), Engine::Postgres(url.clone()), 40);
    let s = agree(&kb_text(PATTERNS), Engine::Postgres(url.clone()), 10);
    assert_eq!(
        (s.kb.tuple_count("dotall"), s.kb.tuple_count("both")),
        (4, 1)
    );
    agree(
        &supportkb::query::embedded::sources(),
        Engine::Postgres(url.clone()),
        60,
    );
    agree(&files(&["examples/drivers"]), Engine::Postgres(url), 40);
}

#[test]
fn sum_is_rejected_by_name_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let text = "n(1). t(S) :- S = sum X : { n(X) }.";
    let Err(e) = load_on(&kb_text(text), sqlite_in(&dir)) else {
        panic!("sum was accepted");
    };
    let d = &e.diagnostics[0];
    assert_eq!(d.code.as_str(), "sql-unsupported");
    assert!(
        d.message.contains("`sum`") && d.message.contains("sqlite"),
        "{}",
        d.message
    );
}

#[test]
fn the_command_line_evaluates_and_answers_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let engine = format!("sqlite:{}", dir.path().join("cmg.db").display());
    let memory = run(&["eval"]);
    let on_sqlite = run(&["--engine", &engine, "eval"]);
    assert_eq!(on_sqlite.code, 0, "{on_sqlite:?}");
    assert_eq!(on_sqlite.stdout, memory.stdout);
    let r = run(&[
        "--engine",
        &engine,
        "query",
        "supported? peer_cache",
        "why not supported(peer_cache, yes, unconditional)",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("supported? peer_cache\nno\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("peer_cache, yes, unconditional) does not hold"),
        "{}",
        r.stdout
    );
    let r = run(&["--engine", &engine, "run", "examples/cmg-audit.kbq"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.ends_with("20 passed, 0 failed\n"), "{}", r.stdout);
}

#[test]
fn limits_stop_sql_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("n.kb"), "n(0).\nn(Y) :- n(X), Y = X + 1.\n").unwrap();
    let r = run_in(
        dir.path(),
        &[
            "--kb",
            "n.kb",
            "--engine",
            "sqlite:n.db",
            "--max-tuples",
            "50",
            "eval",
        ],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("--max-tuples"), "{}", r.stderr);
    let r = run_in(
        dir.path(),
        &[
            "--kb",
            "n.kb",
            "--engine",
            "sqlite:n.db",
            "--timeout",
            "0.5",
            "eval",
        ],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("--timeout"), "{}", r.stderr);
}

/// A PostgreSQL test without a server says so in plain `cargo test` output (the harness
/// captures `eprintln!`, so the message would only show for a failing test).
#[test]
fn a_skipped_postgres_test_says_why_without_nocapture() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["the_same_on_postgres", "--exact", "--test-threads=1"])
        .env_remove(common::sql::POSTGRES_ENV)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipped the_same_on_postgres: SUPPORTKB_POSTGRES_URL is not set"),
        "{stderr}"
    );
}

/// Typed declarations give typed columns; a typed column a rule may fill with a value of
/// another kind (`q` from the untyped `p`) keeps the tagged text.
const TYPED: &str = r#"
decl n(x: integer).
decl name(id: integer, label: symbol).
decl word(w: string).
decl q(x: integer).
decl big(x: integer).
n(1). n(2). n(-3). n(9223372036854775807). name(1, one). name(2, two). word("a b"). word("ç").
p(1). p(zz).
q(X) :- p(X).
big(X) :- n(X), X > 0, !q(X).
named(X, L) :- n(X), name(X, L), word(W), length(W, K), K < 4.
pair(X, Y) :- big(X), n(Y), Y = X + 1.
total(C) :- C = count : { n(X) }.
most(M) :- M = max X : { n(X) }.
"#;

#[test]
fn typed_declarations_give_typed_columns_with_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("typed.kb");
    std::fs::write(&kb, TYPED).unwrap();
    // (No `why` of every tuple: `why q(zz)` is a question the type check refuses.)
    let memory = load_on(&kb_text(TYPED), Engine::Memory).unwrap();
    let db =
        load_on(&kb_text(TYPED), sqlite_in(&dir)).unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    same_model(&memory, &db).unwrap();
    assert_eq!(db.kb.tuple_count("q"), 2);
    if let Some(url) = postgres_url("typed_declarations_give_typed_columns_with_the_same_model") {
        let pg = load_on(&kb_text(TYPED), Engine::Postgres(url))
            .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
        same_model(&memory, &pg).unwrap();
    }
    let kb = kb.display().to_string();
    for (dialect, int, text) in [
        ("sqlite", "INTEGER", "TEXT"),
        ("postgres", "BIGINT", "TEXT COLLATE \"C\""),
    ] {
        let out = run(&["--kb", &kb, "sql", "--dialect", dialect]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let create = |pred: &str| {
            out.stdout
                .lines()
                .find(|l| l.starts_with("CREATE TABLE skb_p") && l.contains(&format!("_{pred} (")))
                .unwrap_or_else(|| panic!("no table of {pred}"))
                .to_string()
        };
        assert!(
            create("n").contains(&format!("(c0 {int} NOT NULL,")),
            "{}",
            create("n")
        );
        assert!(
            create("name").contains(&format!("(c0 {int} NOT NULL, c1 {text} NOT NULL,")),
            "{}",
            create("name")
        );
        assert!(create("big").contains(&format!("(c0 {int} NOT NULL,")));
        // q may hold the symbol zz: tagged text.
        assert!(
            create("q").contains(&format!("(c0 {text} NOT NULL,")),
            "{}",
            create("q")
        );
        assert!(out.stdout.contains("INSERT"), "facts are inserted");
    }
}
