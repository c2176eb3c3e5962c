//! Facts from files and to files: the fields of TSV and CSV rows
//! ([`crate::source::table`]) as constants, interned for the evaluator.
//!
//! A field becomes an integer if it is one (64-bit), a symbol if it is written like one
//! (`peer_cache`: a lowercase letter, then letters, digits, `_`), and a string otherwise —
//! so a file's values join with the constants written in `.kb` text.

use crate::ir::{Const, Id, Interner};
use crate::source::table::{each_row, write_rows as write_text_rows};
use crate::source::{Code, Diagnostic, plural};
use std::path::Path;

/// The constant a field stands for.
pub fn field_value(field: &str) -> Const {
    let is_int = !field.is_empty()
        && field
            .strip_prefix('-')
            .unwrap_or(field)
            .chars()
            .all(|c| c.is_ascii_digit());
    if is_int && let Ok(i) = field.parse::<i64>() {
        return Const::Int(i);
    }
    let mut chars = field.chars();
    let is_symbol = chars.next().is_some_and(|c| c.is_lowercase())
        && chars.all(|c| c.is_alphanumeric() || c == '_');
    if is_symbol {
        Const::Sym(field.to_string())
    } else {
        Const::Str(field.to_string())
    }
}

/// The text a constant is written as in a file.
fn field_text(c: &Const) -> String {
    match c {
        Const::Sym(s) | Const::Str(s) => s.clone(),
        Const::Int(i) => i.to_string(),
    }
}

/// Reads the rows of `path` for a predicate of `arity` columns, interning their values.
///
/// Errors: the file cannot be read, a row has another number of columns (`file:line`), a
/// row is not UTF-8.
pub fn read_rows(
    path: &Path,
    arity: usize,
    interner: &mut Interner,
) -> Result<Vec<Vec<Id>>, Diagnostic> {
    let mut rows = Vec::new();
    each_row(path, |line, fields| {
        if fields.len() != arity {
            return Err(Diagnostic::unplaced(
                Code::Input,
                format!(
                    "{}:{line}: expected {}, found {}",
                    path.display(),
                    plural(arity, "column"),
                    fields.len()
                ),
            ));
        }
        rows.push(
            fields
                .iter()
                .map(|f| interner.intern(&field_value(f)))
                .collect(),
        );
        Ok(true)
    })?;
    Ok(rows)
}

/// The line of `path` holding the row `values`, for citing a fact read from a file.
pub fn find_line(path: &Path, values: &[Const]) -> Option<u64> {
    let mut found = None;
    each_row(path, |line, fields| {
        if fields.len() == values.len()
            && fields.iter().zip(values).all(|(f, v)| field_value(f) == *v)
        {
            found = Some(line);
            return Ok(false);
        }
        Ok(true)
    })
    .ok()?;
    found
}

/// Writes rows (already decoded) to `path` atomically, TSV or CSV by extension.
///
/// Errors: the file cannot be written; a TSV value holding a tab or a line break (it could
/// not be read back verbatim).
pub fn write_rows(path: &Path, rows: &[Vec<Const>]) -> Result<(), Diagnostic> {
    let text: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(field_text).collect())
        .collect();
    write_text_rows(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_become_the_constants_they_look_like() {
        assert_eq!(field_value("42"), Const::Int(42));
        assert_eq!(field_value("-7"), Const::Int(-7));
        assert_eq!(
            field_value("99999999999999999999"),
            Const::Str("99999999999999999999".into())
        );
        assert_eq!(field_value("peer_cache"), Const::Sym("peer_cache".into()));
        assert_eq!(field_value("Peer cache"), Const::Str("Peer cache".into()));
        assert_eq!(field_value("\"quoted\""), Const::Str("\"quoted\"".into()));
        assert_eq!(field_value(""), Const::Str(String::new()));
    }

    #[test]
    fn rows_are_checked_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let tsv = dir.path().join("e.tsv");
        std::fs::write(&tsv, "a\t1\nb\t\"x, y\"\n\nc\t3\n").unwrap();
        let mut interner = Interner::default();
        let rows = read_rows(&tsv, 2, &mut interner).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            interner.decode(&rows[1]),
            vec![Const::Sym("b".into()), Const::Str("\"x, y\"".into())]
        );
        assert_eq!(
            find_line(&tsv, &[Const::Sym("c".into()), Const::Int(3)]),
            Some(4)
        );
        let err = read_rows(&tsv, 3, &mut interner).unwrap_err().message;
        assert!(
            err.ends_with("e.tsv:1: expected 3 columns, found 2"),
            "{err}"
        );

        let csv = dir.path().join("e.csv");
        std::fs::write(&csv, "a,\"x, y\"\n").unwrap();
        let rows = read_rows(&csv, 2, &mut interner).unwrap();
        assert_eq!(interner.decode(&rows[0])[1], Const::Str("x, y".into()));

        let out = dir.path().join("o.tsv");
        let data = vec![vec![Const::Sym("a".into()), Const::Int(1)]];
        write_rows(&out, &data).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "a\t1\n");
        assert!(
            write_rows(&out, &[vec![Const::Str("a\tb".into())]])
                .unwrap_err()
                .message
                .contains("CSV")
        );
    }
}
