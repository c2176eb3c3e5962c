//! Facts from files and to files: the fields of TSV and CSV rows
//! ([`crate::source::table`]) as constants, interned for the evaluator.
//!
//! A field becomes an integer if it is one (64-bit), a symbol if it is written like one
//! (`peer_cache`: a lowercase letter, then letters, digits, `_`), and a string otherwise —
//! so a file's values join with the constants written in `.kb` text. Fields are taken
//! verbatim.
//!
//! # Files that read back exactly
//! A value that this reading would turn into another one (the string `"007"` reads as the
//! integer 7, `"hq"` as a symbol, `""` is no field at all) is written as a string literal
//! of the language (`"007"`, with `\"`, `\\`, `\t`, `\n`, `\r` escaped), and the file then
//! starts with the line [`ENCODED_MARKER`]: in a file that starts so, a field written as a
//! string literal is that string. A tuple of a predicate of no columns is the line `()`. So
//! `eval --output` followed by `input` gives back the same values: strings stay strings,
//! symbols symbols, integers integers.

use super::headed::HeadedError;
pub(super) use super::int_rows::int_field;
use super::int_rows::{IntRows, lines_in};
use super::placed::placed;
use super::rows::{FactTable, FieldIds};
use crate::ir::{Const, Interner};
use crate::source::excerpt::Target;
use crate::source::table::{each_row, write_rows as write_text_rows};
use crate::source::{Code, Diagnostic, plural};
use crate::syntax::{ColType, Version};
use std::path::Path;

/// The constant a field stands for.
pub fn field_value(field: &str) -> Const {
    if let Some(i) = int_field(field) {
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

/// The first line of a file whose string literals are strings.
pub const ENCODED_MARKER: &str = "#supportkb-facts/1";

/// The line of a tuple of no columns.
const EMPTY_TUPLE: &str = "()";

/// The text a constant of column `col` is written as, verbatim; `None` when reading it back
/// verbatim would give another value.
fn verbatim(c: &Const, columns: &Columns, col: usize) -> Option<String> {
    let text = c.plain_text();
    let reads_back = columns.value(col, &text, false).as_ref() == Ok(c)
        && !text.is_empty()
        && !text.starts_with('"')
        && !text.starts_with("v\"");
    let plain = !text.contains(['\t', '\n', '\r']);
    (reads_back && plain).then_some(text)
}

/// The constant an encoded file's field stands for: a string literal is its string, a
/// version literal (`v"4.10"`) its version.
fn encoded_value(field: &str) -> Const {
    let literal = (field.len() >= 2 && field.starts_with('"') && field.ends_with('"'))
        || (field.starts_with("v\"") && field.ends_with('"') && field.len() >= 3);
    if literal {
        Const::from_literal(field)
    } else {
        field_value(field)
    }
}

/// Whether `path` is an encoded file (it starts with the marker).
fn is_encoded(path: &Path) -> bool {
    use std::io::BufRead;
    let first = std::fs::File::open(path).ok().and_then(|f| {
        let mut line = String::new();
        std::io::BufReader::new(f).read_line(&mut line).ok()?;
        Some(line)
    });
    first.is_some_and(|l| {
        let l = l.trim_end_matches(['\n', '\r']);
        l == ENCODED_MARKER || l == format!("\"{ENCODED_MARKER}\"")
    })
}

/// The columns of a predicate as its files are read: names (for messages) and types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// Column names.
    pub names: Vec<String>,
    /// Column types (`None`, or no entry: untyped).
    pub types: Vec<Option<ColType>>,
}

impl Columns {
    /// `arity` untyped columns `arg1`, `arg2`, ….
    pub fn untyped(arity: usize) -> Self {
        Columns {
            names: (1..=arity).map(|i| format!("arg{i}")).collect(),
            types: Vec::new(),
        }
    }

    fn arity(&self) -> usize {
        self.names.len()
    }

    /// Whether an integer field of column `col` is that integer: the column is untyped or
    /// of integers (a string or version column reads digits otherwise).
    pub(super) fn reads_integers(&self, col: usize) -> bool {
        matches!(
            self.types.get(col).copied().flatten(),
            None | Some(ColType::Integer)
        )
    }

    /// The value of field `field` of column `col`.
    ///
    /// Errors: a field of a typed column that is not of its type, with why.
    pub fn value(&self, col: usize, field: &str, encoded: bool) -> Result<Const, String> {
        let Some(ty) = self.types.get(col).copied().flatten() else {
            return Ok(if encoded {
                encoded_value(field)
            } else {
                field_value(field)
            });
        };
        if encoded && (field.starts_with('"') || field.starts_with("v\"")) {
            let c = encoded_value(field);
            return if ty.holds(&c) {
                Ok(c)
            } else {
                Err(format!("{field} is not {}", ty.with_article()))
            };
        }
        match ty {
            ColType::String => Ok(Const::Str(field.to_string())),
            // Plain decimal: `+5` (which `i64::from_str` takes) is not written by anything.
            ColType::Integer => int_field(field).map(Const::Int).ok_or_else(|| {
                let plus = if field.starts_with('+') {
                    ": write it without the `+`"
                } else {
                    ""
                };
                format!("`{field}` is not an integer (64-bit){plus}")
            }),
            ColType::Version => {
                let text = field
                    .strip_prefix("v\"")
                    .and_then(|f| f.strip_suffix('"'))
                    .unwrap_or(field);
                Version::parse(text).map(Const::Version)
            }
            ColType::Boolean => match field {
                "true" | "false" => Ok(Const::Sym(field.to_string())),
                _ => Err(format!("`{field}` is not a boolean: `true` or `false`")),
            },
            ColType::Symbol => match field_value(field) {
                c @ Const::Sym(_) => Ok(c),
                _ => Err(format!(
                    "`{field}` is not a symbol (a lowercase letter, then letters, digits or _)"
                )),
            },
        }
    }
}

/// Whether a row is the marker line of an encoded file.
fn is_marker(line: u64, fields: &[&str]) -> bool {
    line == 1 && fields.len() == 1 && fields[0] == ENCODED_MARKER
}

/// Whether a first line names the columns, in order, as the predicate's `decl` does (`arg1`,
/// `arg2`, … without one): a header row, skipped. Any other first line is a row.
fn is_header(line: u64, fields: &[&str], columns: &Columns) -> bool {
    line == 1
        && !fields.is_empty()
        && fields.len() == columns.names.len()
        && fields
            .iter()
            .zip(&columns.names)
            .all(|(f, n)| f.trim() == n)
}

/// The fields of a row, with a tuple of no columns as no fields.
fn row_fields<'a, 'b>(fields: &'a [&'b str]) -> &'a [&'b str] {
    if fields.len() == 1 && fields[0] == EMPTY_TUPLE {
        &[]
    } else {
        fields
    }
}

/// Reads the rows of `path` for a predicate of these columns, interning their values.
///
/// Errors ([`Code::Input`]), each with the line and cell it is about as
/// [`HeadedError::place`] (the message alone; without a place, after `file:line:`): the file
/// cannot be read (no place), a quote is never closed, a row has another number of fields
/// than the predicate has columns, a field of a typed column is not of its type, a byte is
/// not UTF-8.
pub fn read_rows(
    path: &Path,
    columns: &Columns,
    interner: &mut Interner,
) -> Result<FactTable, HeadedError> {
    let mut rows = FactTable::new(columns.arity());
    rows.reserve(lines_in(path));
    let mut row = Vec::with_capacity(columns.arity());
    let encoded = is_encoded(path);
    let arity = columns.arity();
    let ints: Vec<bool> = (0..arity).map(|i| columns.reads_integers(i)).collect();
    let mut seen: Vec<FieldIds> = (0..arity).map(|_| FieldIds::default()).collect();
    let mut spot: Option<(u64, Target)> = None;
    let mut batch = IntRows::default();
    let read = each_row(path, |line, fields| {
        if is_marker(line, fields) || is_header(line, fields, columns) {
            return Ok(true);
        }
        let fields = row_fields(fields);
        if fields.len() != arity {
            spot = Some((line, Target::Field(fields.len().min(arity))));
            return Err(Diagnostic::unplaced(
                Code::Input,
                format!(
                    "{}, the predicate has {}",
                    plural(fields.len(), "field"),
                    plural(arity, "column"),
                ),
            ));
        }
        if arity > 0 && batch.take(fields, &ints) {
            if batch.ints.len() >= IntRows::BATCH {
                batch.flush(interner, &mut rows, arity);
            }
            return Ok(true);
        }
        batch.flush(interner, &mut rows, arity);
        row.clear();
        for (i, f) in fields.iter().enumerate() {
            // A number, interned without a `Const`.
            if ints[i]
                && let Some(n) = int_field(f)
            {
                row.push(interner.intern_int(n));
                continue;
            }
            let id = seen[i].id(f, interner, |f| columns.value(i, f, encoded));
            let id = id.map_err(|why| {
                spot = Some((line, Target::Field(i)));
                Diagnostic::unplaced(Code::Input, format!("column `{}`: {why}", columns.names[i]))
            })?;
            row.push(id);
        }
        rows.push(&row);
        Ok(true)
    });
    // Also after an error: the rows before it are interned, as when read one by one.
    batch.flush(interner, &mut rows, arity);
    match read {
        Ok(()) => Ok(rows),
        Err(d) => Err(placed(path, spot, d)),
    }
}

/// The line of `path` holding the row `values`, for citing a fact read from a file.
pub fn find_line(path: &Path, values: &[Const]) -> Option<u64> {
    let mut found = None;
    let encoded = is_encoded(path);
    // The values' own kinds type the columns, so a typed file's line is found too.
    let columns = Columns {
        names: vec![String::new(); values.len()],
        types: values.iter().map(ColType::of).map(Some).collect(),
    };
    each_row(path, |line, fields| {
        let fields = row_fields(fields);
        if !is_marker(line, fields)
            && fields.len() == values.len()
            && fields
                .iter()
                .enumerate()
                .all(|(i, f)| columns.value(i, f, encoded).as_ref() == Ok(&values[i]))
        {
            found = Some(line);
            return Ok(false);
        }
        Ok(true)
    })
    .ok()?;
    found
}

/// Writes rows (already decoded) of a predicate of these columns to `path` atomically, TSV
/// or CSV by extension, so they read back exactly (see the module's note on encoding).
///
/// Errors: the file cannot be written.
pub fn write_rows(path: &Path, rows: &[Vec<Const>], columns: &Columns) -> Result<(), Diagnostic> {
    let encode = rows.iter().any(|r| {
        r.iter()
            .enumerate()
            .any(|(i, c)| verbatim(c, columns, i).is_none())
    }) || rows.first().is_some_and(|r| {
        // A first row that spells the column names would read back as a header; after the
        // marker line it is the second line, and a row.
        let fields: Vec<String> = r.iter().map(|c| c.plain_text()).collect();
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        is_header(1, &fields, columns)
    });
    let mut text: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
    if encode {
        text.push(vec![ENCODED_MARKER.to_string()]);
    }
    for r in rows {
        if r.is_empty() {
            text.push(vec![EMPTY_TUPLE.to_string()]);
            continue;
        }
        text.push(
            r.iter()
                .enumerate()
                // Strings and versions can fail to read back verbatim; their literal does not.
                .map(|(i, c)| verbatim(c, columns, i).unwrap_or_else(|| c.to_string()))
                .collect(),
        );
    }
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
    fn a_first_line_naming_the_columns_is_a_header() {
        let dir = tempfile::tempdir().unwrap();
        let tsv = dir.path().join("site.tsv");
        let columns = Columns {
            names: vec!["site".into(), "mp".into()],
            types: vec![None, None],
        };
        std::fs::write(&tsv, "site\tmp\nhq\tmp1\nsite\tmp\n").unwrap();
        let mut interner = Interner::default();
        let rows = read_rows(&tsv, &columns, &mut interner).unwrap();
        assert_eq!(
            rows.len(),
            2,
            "the header is skipped, the same text later is a row"
        );
        // Another first line is a row.
        std::fs::write(&tsv, "hq\tmp1\n").unwrap();
        assert_eq!(read_rows(&tsv, &columns, &mut interner).unwrap().len(), 1);
        // A tuple that spells the column names is written so that it reads back.
        let tuple = vec![Const::Sym("site".into()), Const::Sym("mp".into())];
        write_rows(&tsv, std::slice::from_ref(&tuple), &columns).unwrap();
        let rows = read_rows(&tsv, &columns, &mut interner).unwrap();
        assert_eq!(interner.decode(rows.row(0)), tuple);
    }

    #[test]
    fn rows_are_checked_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let tsv = dir.path().join("e.tsv");
        std::fs::write(&tsv, "a\t1\nb\t\"x, y\"\n\nc\t3\n").unwrap();
        let mut interner = Interner::default();
        let rows = read_rows(&tsv, &Columns::untyped(2), &mut interner).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            interner.decode(rows.row(1)),
            vec![Const::Sym("b".into()), Const::Str("\"x, y\"".into())]
        );
        assert_eq!(
            find_line(&tsv, &[Const::Sym("c".into()), Const::Int(3)]),
            Some(4)
        );
        let err = read_rows(&tsv, &Columns::untyped(3), &mut interner).unwrap_err();
        assert_eq!(
            err.diagnostic.message,
            "2 fields, the predicate has 3 columns"
        );
        let place = err.place.unwrap();
        assert_eq!((place.line, place.start), (1, 3));

        let csv = dir.path().join("e.csv");
        std::fs::write(&csv, "a,\"x, y\"\n").unwrap();
        let rows = read_rows(&csv, &Columns::untyped(2), &mut interner).unwrap();
        assert_eq!(interner.decode(rows.row(0))[1], Const::Str("x, y".into()));

        let out = dir.path().join("o.tsv");
        let data = vec![vec![Const::Sym("a".into()), Const::Int(1)]];
        write_rows(
            &out,
            &data,
            &Columns::untyped(data.first().map_or(0, Vec::len)),
        )
        .unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "a\t1\n");
        // A tab inside a string no longer stops a TSV file: the string is encoded.
        write_rows(
            &out,
            &[vec![Const::Str("a\tb".into())]],
            &Columns::untyped(1),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            format!("{ENCODED_MARKER}\n\"a\\tb\"\n")
        );
    }

    fn round_trip(path: &Path, rows: &[Vec<Const>]) -> Vec<Vec<Const>> {
        write_rows(
            path,
            rows,
            &Columns::untyped(rows.first().map_or(0, Vec::len)),
        )
        .unwrap();
        let arity = rows.first().map_or(0, Vec::len);
        let mut interner = Interner::default();
        read_rows(path, &Columns::untyped(arity), &mut interner)
            .unwrap()
            .iter()
            .map(|r| interner.decode(r))
            .collect()
    }

    #[test]
    fn written_facts_read_back_exactly() {
        // Guards: "007", "1" and "" came back as 7, 1 and "\"\"", CSV rows holding "" were
        // dropped, and a fact of no columns could not be read back.
        let dir = tempfile::tempdir().unwrap();
        let s = |x: &str| Const::Str(x.into());
        let rows = vec![vec![s("007")], vec![s("1")], vec![s("")], vec![s("hq")]];
        for file in ["vv.tsv", "vv.csv"] {
            assert_eq!(round_trip(&dir.path().join(file), &rows), rows, "{file}");
        }
        let nullary: Vec<Vec<Const>> = vec![vec![]];
        for file in ["z.tsv", "z.csv"] {
            assert_eq!(
                round_trip(&dir.path().join(file), &nullary),
                nullary,
                "{file}"
            );
        }
        // Verbatim files stay verbatim.
        let plain = vec![vec![
            Const::Sym("hq".into()),
            Const::Int(7),
            s("Peer cache"),
        ]];
        let path = dir.path().join("p.tsv");
        assert_eq!(round_trip(&path, &plain), plain);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "hq\t7\tPeer cache\n"
        );
    }

    use proptest::prelude::*;

    #[test]
    fn typed_columns_parse_each_field_by_its_type() {
        let dir = tempfile::tempdir().unwrap();
        let cols = Columns {
            names: vec!["name".into(), "build".into(), "n".into(), "tag".into()],
            types: vec![
                Some(ColType::String),
                Some(ColType::Version),
                Some(ColType::Integer),
                Some(ColType::Symbol),
            ],
        };
        let good = dir.path().join("g.tsv");
        std::fs::write(&good, "HQ\t10.0.19045\t007\thq\n").unwrap();
        let mut interner = Interner::default();
        let rows = read_rows(&good, &cols, &mut interner).unwrap();
        assert_eq!(
            interner.decode(rows.row(0)),
            vec![
                Const::Str("HQ".into()),
                Const::Version(Version::parse("10.0.19045").unwrap()),
                Const::Int(7),
                Const::Sym("hq".into())
            ]
        );
        let bad = dir.path().join("b.tsv");
        std::fs::write(&bad, "a\t1.0\t1\thq\nb\t2.0\tseven\thq\n").unwrap();
        let err = read_rows(&bad, &cols, &mut interner).unwrap_err();
        assert_eq!(
            err.diagnostic.message,
            "column `n`: `seven` is not an integer (64-bit)"
        );
        let place = err.place.unwrap();
        assert_eq!(
            (place.line, place.start, place.text.as_str()),
            (2, 6, "b\t2.0\tseven\thq")
        );
        let csv = dir.path().join("b.csv");
        std::fs::write(&csv, "a,1.0,1,Not a symbol\n").unwrap();
        let err = read_rows(&csv, &cols, &mut interner).unwrap_err();
        assert!(
            err.diagnostic.message.starts_with("column `tag`: "),
            "{err:?}"
        );
        assert_eq!(err.place.unwrap().start, 8);
    }

    proptest::proptest! {
        #[test]
        fn random_relations_read_back_exactly(
            rows in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::prop_oneof![
                        "[a-z][a-z0-9_]{0,5}".prop_map(Const::Sym),
                        proptest::num::i64::ANY.prop_map(Const::Int),
                        "(\\PC|\t|\n|\r|\"|\\\\|,| ){0,8}".prop_map(Const::Str),
                    ],
                    3,
                ),
                1..12,
            ),
            csv in proptest::bool::ANY,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(if csv { "r.csv" } else { "r.tsv" });
            let mut want = rows.clone();
            want.sort();
            want.dedup();
            let mut got = round_trip(&path, &want);
            got.sort();
            prop_assert_eq!(got, want);
        }
    }
}
