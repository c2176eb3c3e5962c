//! The SQL engines end to end: the CMG knowledge base on SQLite (and on PostgreSQL when a
//! server is given) leaves the in-memory model in its tables; `supportkb sql` prints a
//! script; `--engine` answers questions with checked proofs; limits stop SQL evaluation.

mod common;

use common::sql::{kb_text, load_on, model_of, same_model};
use supportkb::sql::Engine;

#[test]
fn debug_heights() {
    let text = "e0(c0, c0).\ne1(c2).\ne2(c0).\np0(A) :- e0(A, A).\np0(c1) :- p0(A), e0(B, B).\np1 :- e0(A, A).\n";
    let dir = tempfile::tempdir().unwrap();
    let m = common::load(text);
    let s = load_on(&kb_text(text), Engine::Sqlite(dir.path().join("a.db"))).unwrap();
    eprintln!("{:?}\n{:?}", model_of(&m), model_of(&s));
    eprintln!("{:?}", supportkb::check::stratify(&m.kb.rules).unwrap());
    same_model(&m, &s).unwrap();
}
