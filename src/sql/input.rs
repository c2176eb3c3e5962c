//! Facts read from a table or view already in the database (`input p from table
//! "schema.view"`): the columns the input names, found by name, each cell as text.
//!
//! A name is matched exactly, else ignoring case (PostgreSQL folds unquoted names to lower
//! case). The cells are read as text (`CAST(… AS TEXT)`), and a row with a `NULL` cell
//! gives no tuple, as an empty cell of a file does.

use super::Database;

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
