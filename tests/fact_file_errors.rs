//! A bad row of a fact file without a header (`--facts DIR`, `input p from "p.csv".`) is an
//! error at the file's `file:line:col` with the line and a caret, as a headed file's is;
//! the declaration that reads it is the help. It was placed at the declaration (`input p
//! from …`), the data's place only in the message, a CSV's as `field N`.

mod common;

use common::*;

const KB: &str = "decl p(a: integer, b).\nq(X) :- p(X, _).\n";

#[test]
fn a_bad_cell_of_a_facts_folder_file_is_an_error_at_the_cell() {
    for (file, text, line, col) in [
        ("facts/p.tsv", "1\tx\n2\tseven\nseven\ty\n", 3, 1),
        ("facts/p.csv", "1,x\n\"2\",\"y, z\"\nseven,y\n", 3, 1),
        ("facts/p.csv", "1,x\n2,\"y, z\",  seven\n", 2, 10),
    ] {
        let dir = folder(&[("f.kb", KB), (file, text)]);
        let r = run_in(dir.path(), &["--kb", "f.kb", "--facts", "facts", "eval"]);
        assert_eq!(r.code, 2, "{file}: {r:?}");
        let first = r.stderr.lines().next().unwrap_or_default();
        if col == 1 {
            assert!(
                first.contains("column `a`: `seven` is not an integer"),
                "{r:?}"
            );
        } else {
            assert!(first.contains("3 fields, the predicate has 2"), "{r:?}");
        }
        assert_error_at(&r.stderr, "input", file, line, col);
    }
}

#[test]
fn a_bad_row_of_a_headerless_input_is_an_error_at_the_row_with_the_declaration_as_help() {
    let kb = "decl p(a: integer, b).\ninput p from \"p.csv\".\nq(X) :- p(X, _).\n";
    let dir = folder(&[("g.kb", kb), ("p.csv", "1,x\nseven,y\n3\n")]);
    let r = run_in(dir.path(), &["--kb", "g.kb", "eval"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_error_at(&r.stderr, "input", "p.csv", 2, 1);
    let first = r.stderr.lines().next().unwrap_or_default();
    assert!(!first.contains("g.kb"), "leads with the data: {r:?}");
    assert!(
        r.stderr
            .contains("help: `input p from \"p.csv\".` (g.kb:2:1) reads this file"),
        "{r:?}"
    );
    // A row of too few fields: at its end.
    let dir = folder(&[("g.kb", kb), ("p.csv", "1,x\n3\n")]);
    let r = run_in(dir.path(), &["--kb", "g.kb", "eval"]);
    assert_eq!(r.code, 2, "{r:?}");
    let first = r.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error[input]: p.csv:2:2: 1 field, the predicate has 2 columns"),
        "{r:?}"
    );
    // The caret after the last character.
    assert!(r.stderr.contains(" 2 │ 3\n   ·  ▲"), "{r:?}");
}
