//! Facts read from a table or view already in the database (`input p from table
//! "schema.view"`): the columns the input names, found by name, each cell as text.
//!
//! A name is matched exactly, else ignoring case (PostgreSQL folds unquoted names to lower
//! case). The cells are read as text (`CAST(… AS TEXT)`), and a row with a `NULL` cell
//! gives no tuple, as an empty cell of a file does.

use super::script::Table;
use super::values::VERSIONS;
use super::{Database, Dialect};
use crate::ir::Pred;
use crate::syntax::ColType;

/// A table or view name as SQL: each dot-separated part as a quoted identifier
/// (`inventory.clients` is `"inventory"."clients"`).
pub fn table_name(name: &str) -> String {
    name.split('.')
        .map(|part| format!("\"{}\"", part.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(".")
}

/// The rows of the columns `wanted` of the table or view `name`, in that order; a row with
/// a `NULL` in any of them is left out.
///
/// Errors: a table or view the database does not have (its message), a column it does not
/// have (naming it and the columns it has).
pub fn read_table(
    db: &mut dyn Database,
    name: &str,
    wanted: &[String],
) -> Result<Vec<Vec<String>>, String> {
    let from = table_name(name);
    let have = db
        .column_names(&format!("SELECT * FROM {from} WHERE 1 = 0"))
        .map_err(|e| format!("cannot read the table `{name}`: {e}"))?;
    let mut cols = Vec::with_capacity(wanted.len());
    for w in wanted {
        let found = have
            .iter()
            .find(|h| *h == w)
            .or_else(|| have.iter().find(|h| h.eq_ignore_ascii_case(w)));
        match found {
            Some(h) => cols.push(format!("CAST({} AS TEXT)", table_name(h))),
            None => {
                return Err(format!(
                    "the table `{name}` has no column `{w}` (its columns: {})",
                    have.join(", ")
                ));
            }
        }
    }
    if cols.is_empty() {
        cols.push("0".into());
    }
    let sql = format!("SELECT {} FROM {from}", cols.join(", "));
    let cells = db
        .select_cells(&sql, wanted.len())
        .map_err(|e| format!("cannot read the table `{name}`: {e}"))?;
    Ok(cells
        .into_iter()
        .filter_map(|row| row.into_iter().collect::<Option<Vec<String>>>())
        .collect())
}

/// A `from table` input as a script reads it: the predicate, the table or view, and the
/// columns read (by name, in argument order) with the declared type of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInput {
    /// The predicate it gives facts of.
    pub pred: Pred,
    /// The table or view as written (`schema.view`).
    pub table: String,
    /// The columns read, by name, in argument order.
    pub columns: Vec<String>,
    /// Each argument's declared type (`None`: untyped).
    pub types: Vec<Option<ColType>>,
}

/// A SQL string literal of `text`.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A text expression that stops the statement with an error naming `place` (the table and
/// column), the cell `x` and what it is not: PostgreSQL has no function raising an error,
/// so the message is text that cannot be cast to an integer (`invalid input syntax for type
/// bigint: "the table `T`, column `C`: `x` is not a symbol …"`).
fn bad_cell(place: &str, x: &str, what: &str) -> String {
    format!(
        "CAST(CAST({} || {x} || {} AS BIGINT) AS TEXT)",
        quoted(&format!("{place}`")),
        quoted(&format!("` is not {what}"))
    )
}

/// The tagged text of the cell `x` (text, not `NULL`) of a column declared `ty`, as a file's
/// field of that column reads: on SQLite through `skb_field` (an error for a cell not of
/// its type); on PostgreSQL in SQL, a cell not of its type an error naming `place` (the
/// table and column) and the cell, as a load says. PostgreSQL's symbols are the ASCII ones
/// (a lowercase letter, then letters, digits and `_`).
fn cell(d: Dialect, ty: Option<ColType>, x: &str, place: &str) -> String {
    if d == Dialect::Sqlite {
        return format!("skb_field('{}', {x})", ty.map_or("any", ColType::name));
    }
    const SYMBOL: &str = "'^[a-z][A-Za-z0-9_]*$'";
    let int = d.from_int(&format!("CAST({x} AS BIGINT)"));
    match ty {
        Some(ColType::Integer) => format!(
            "(CASE WHEN {x} ~ '^[-+]?[0-9]{{1,19}}$' THEN {int} ELSE {} END)",
            bad_cell(place, x, "an integer (64-bit)")
        ),
        Some(ColType::String) => format!("('t:' || {x})"),
        Some(ColType::Symbol) => format!(
            "(CASE WHEN {x} ~ {SYMBOL} THEN 's:' || {x} ELSE {} END)",
            bad_cell(
                place,
                x,
                "a symbol (a lowercase letter, then letters, digits or _)"
            )
        ),
        Some(ColType::Boolean) => format!(
            "(CASE WHEN {x} IN ('true', 'false') THEN 's:' || {x} ELSE {} END)",
            bad_cell(place, x, "a boolean: `true` or `false`")
        ),
        Some(ColType::Version) => {
            // Each part in 20 digits, trailing zero parts dropped (one part kept), then a
            // space and the parts without padding.
            let parts = |col: &str| {
                format!(
                    "(SELECT string_agg({col}, '.' ORDER BY n) FROM \
                     regexp_split_to_table({x}, '\\.') WITH ORDINALITY AS t(p, n) \
                     WHERE n <= (SELECT COALESCE(max(n), 1) FROM \
                     regexp_split_to_table({x}, '\\.') WITH ORDINALITY AS z(p, n) \
                     WHERE CAST(p AS NUMERIC) <> 0))"
                )
            };
            let plain = "CAST(CAST(p AS NUMERIC) AS TEXT)";
            format!(
                "(CASE WHEN {x} ~ '^[0-9]{{1,20}}(\\.[0-9]{{1,20}})*$' THEN 'v:' || {} || ' ' || {} ELSE {} END)",
                parts(&format!("lpad({plain}, 20, '0')")),
                parts(plain),
                bad_cell(place, x, "a version (numbers separated by dots)")
            )
        }
        None => format!(
            "(CASE WHEN {x} ~ '^-?[0-9]+$' AND CAST({x} AS NUMERIC) BETWEEN \
             (-9223372036854775807 - 1) AND 9223372036854775807 THEN {int} \
             WHEN {x} ~ {SYMBOL} THEN 's:' || {x} ELSE 't:' || {x} END)"
        ),
    }
}

/// The statements that read `input` into the table `t` of its predicate (height 0): its
/// versions into [`VERSIONS`] first, then its rows; a row with a `NULL` in a column read
/// gives no tuple.
pub fn table_inserts(t: &Table, input: &TableInput, d: Dialect) -> Vec<String> {
    let from = table_name(&input.table);
    let cells: Vec<String> = input
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("CAST({} AS TEXT) AS x{i}", table_name(c)))
        .collect();
    let mut source = format!("SELECT {} FROM {from}", cells.join(", "));
    if cells.is_empty() {
        source = format!("SELECT 0 AS u FROM {from}");
    }
    let present: Vec<String> = (0..input.columns.len())
        .map(|i| format!("x{i} IS NOT NULL"))
        .collect();
    let filter = if present.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", present.join(" AND "))
    };
    let (verb, tail) = match d {
        Dialect::Sqlite => ("INSERT OR IGNORE INTO", ""),
        Dialect::Postgres => ("INSERT INTO", " ON CONFLICT DO NOTHING"),
    };
    let place = |i: usize| {
        let column = input.columns.get(i).map_or("", String::as_str);
        format!("the table `{}`, column `{column}`: ", input.table)
    };
    let mut out = Vec::new();
    for (i, ty) in input.types.iter().enumerate() {
        if *ty == Some(ColType::Version) && i < input.columns.len() {
            out.push(format!(
                "{verb} {VERSIONS} (value, written) SELECT DISTINCT {}, x{i} FROM ({source}) s \
                 WHERE x{i} IS NOT NULL{tail}",
                cell(d, *ty, &format!("x{i}"), &place(i))
            ));
        }
    }
    let values: Vec<String> = if t.width == 0 {
        vec!["0".into()]
    } else {
        (0..t.width)
            .map(|i| {
                let ty = input.types.get(i).copied().flatten();
                t.kind(i)
                    .write(d, &cell(d, ty, &format!("x{i}"), &place(i)))
            })
            .collect()
    };
    out.push(format!(
        "{verb} {} ({}, height) SELECT {}, 0 FROM ({source}) s{filter}{tail}",
        t.name,
        t.columns().join(", "),
        values.join(", ")
    ));
    out
}
