//! Facts from files with a header row: `input p(a, b) from "file.csv".` reads, from each
//! row, the cells of the columns whose header is `a` and `b`, found by name, so the file's
//! column order does not matter and columns no input names are ignored.
//!
//! # Reading
//! A file is read once for all the inputs that name it ([`read_headed`]). A header is
//! matched ignoring case and surrounding blanks; a byte order mark before the first header
//! is skipped (Windows PowerShell writes one). A text cell is read without the blanks
//! around it; a typed one (integer, boolean, version, symbol) with blanks around it is an
//! error at the cell. A row whose named cell is empty (or blank)
//! gives no tuple of that input: an empty cell is *unknown*, and a fact that is not there
//! is what a rule sees as unknown. A named header missing from the file, a header naming a
//! column twice, a row of more or fewer fields than the header, a byte that is not UTF-8,
//! an empty file, a cell that is not of its column's declared type, or a row repeating the
//! cells of a declared key of an earlier row, is an error naming the column (and the
//! earlier line), placed at the file's line and cell ([`HeadedError::place`]).
//!
//! # Finding a fact's row
//! [`find_headed_line`] reads the file again for the line holding a tuple, so a proof can
//! end at `clients.csv:17` without the load keeping a line per tuple.

use super::facts::{Columns, int_field};
use super::rows::{FactTable, FieldIds};
use crate::ir::{Const, Interner};
use crate::source::excerpt::{Excerpt, Target, excerpt, first_non_utf8};
use crate::source::table::each_row;
use crate::source::{Code, Diagnostic};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// One input reading a headed file: the predicate's columns (names and types) and the
/// header names of its arguments, in order.
#[derive(Debug, Clone, Copy)]
pub struct HeadedInput<'a> {
    /// The predicate's columns (their types decide how cells read).
    pub columns: &'a Columns,
    /// The header of each argument.
    pub header: &'a [String],
    /// The predicate's declared keys (0-based arguments): a key's cells repeated on a
    /// second row are an error naming the first row's line.
    pub keys: &'a [BTreeSet<usize>],
}

fn input_error(message: String) -> Diagnostic {
    Diagnostic::unplaced(Code::Input, message)
}

fn header_key(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// The position of each named header in the header row `fields`.
///
/// Errors: a name the header row does not hold, listing the headers it holds.
fn positions(fields: &[&str], wanted: &[String]) -> Result<Vec<usize>, Diagnostic> {
    let keys: Vec<String> = fields.iter().map(|f| header_key(f)).collect();
    wanted
        .iter()
        .map(|w| {
            keys.iter()
                .position(|k| *k == header_key(w))
                .ok_or_else(|| {
                    input_error(format!(
                        "no column `{w}` in the header (it has {})",
                        fields
                            .iter()
                            .map(|f| format!("`{}`", f.trim_start_matches('\u{feff}')))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })
        })
        .collect()
}

/// A header naming one column twice (ignoring case and blanks): which cells to read would
/// be a guess. Returns the second cell's position and the message.
fn repeated_header(fields: &[&str]) -> Option<(usize, String)> {
    let keys: Vec<String> = fields.iter().map(|f| header_key(f)).collect();
    (0..keys.len()).find_map(|j| {
        let i = keys[..j]
            .iter()
            .position(|k| !k.is_empty() && *k == keys[j])?;
        Some((
            j,
            format!(
                "`{}` is in the header twice (columns {} and {}): the header names each column once",
                fields[j].trim(),
                i + 1,
                j + 1
            ),
        ))
    })
}

/// A failure to read a headed file: the diagnostic, and the input whose column it is about
/// (`None`: the file as a whole).
#[derive(Debug)]
pub struct HeadedError {
    /// What went wrong: with `place`, the message alone (the place says where); without,
    /// the message after `file:line:`.
    pub diagnostic: Diagnostic,
    /// The index in `inputs` of the input it concerns.
    pub input: Option<usize>,
    /// The file's line and the cell (or byte) the error is about, to show with a caret.
    pub place: Option<Excerpt>,
}

/// Where in the file a row error points, noted as it is raised.
type Spot = std::cell::Cell<Option<(u64, Target)>>;

/// Reads a headed file once for every input naming it: the tuples of each input, in the
/// order of `inputs`.
///
/// Errors ([`Code::Input`]), each with the line and cell it is about as
/// [`HeadedError::place`]: the file cannot be read (no place), is empty (no header), holds
/// a byte that is not UTF-8, its header lacks a named column or names one twice, a row has
/// fewer or more fields than the header, a cell is not of its column's type (`column
/// `NAME`: why`), or a key's cells repeat an earlier row's (`column `NAME`: `VALUE` is also
/// on line N`) or are empty.
pub fn read_headed(
    path: &Path,
    inputs: &[HeadedInput<'_>],
    interner: &mut Interner,
) -> Result<HeadedRead, HeadedError> {
    let culprit = std::cell::Cell::new(None);
    let spot = Spot::new(None);
    let header = std::cell::RefCell::new(Vec::new());
    read_all(path, inputs, interner, &culprit, &spot, &header).map_err(|mut diagnostic| {
        // An error of the reader itself (no row noted): a quote never closed, a byte that is
        // not UTF-8, or I/O.
        if spot.get().is_none()
            && crate::source::table::is_csv(path)
            && let Some((line, at, col)) = crate::source::table::unclosed_quote(path)
        {
            spot.set(Some((line, Target::Byte(at))));
            diagnostic.message = crate::source::table::unclosed_quote_message(line, col);
        } else if spot.get().is_none()
            && let Some((line, at, byte)) = first_non_utf8(path)
        {
            spot.set(Some((line, Target::Byte(at))));
            let column = excerpt(path, line, Target::Byte(at))
                .and_then(|e| header.borrow().get(e.field).cloned())
                .filter(|_| line > 1)
                .map_or_else(String::new, |c| format!("column `{c}`: "));
            diagnostic.message =
                format!("{column}byte 0x{byte:02X} is not UTF-8: save the file as UTF-8");
        }
        let place = spot.get().and_then(|(line, t)| excerpt(path, line, t));
        if place.is_none()
            && let Some((line, _)) = spot.get()
        {
            diagnostic.message = format!("{}:{line}: {}", path.display(), diagnostic.message);
        }
        HeadedError {
            diagnostic,
            input: culprit.get(),
            place,
        }
    })
}

/// The line of each value of a key seen so far (the value as the ids of its cells).
type KeyLines = HashMap<Vec<u32>, u64>;

/// The line of every row of a headed file by the value of one declared key (the ids of its
/// cells, in the key's column order), as the file was read at load: a why-not report says
/// which row holds a key, or that none does, from it rather than from the file as it is now.
#[derive(Clone, Default)]
pub struct KeyIndex {
    lines: KeyLines,
}

impl KeyIndex {
    /// The line of the row whose key cells are `ids`, if one is.
    pub fn line(&self, ids: &[u32]) -> Option<u64> {
        self.lines.get(ids).copied()
    }
}

impl std::fmt::Debug for KeyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyIndex({} rows)", self.lines.len())
    }
}

/// Every index of one file is equal: it is derived from the file, which the `FactFile`
/// holding it names (and comparing millions of rows would say no more).
impl PartialEq for KeyIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for KeyIndex {}

/// The tuples of each input of a headed file, and for each the index of each of its
/// declared keys (in the order of [`HeadedInput::keys`]).
pub type HeadedRead = (Vec<FactTable>, Vec<Vec<std::sync::Arc<KeyIndex>>>);

fn read_all(
    path: &Path,
    inputs: &[HeadedInput<'_>],
    interner: &mut Interner,
    culprit: &std::cell::Cell<Option<usize>>,
    spot: &Spot,
    header: &std::cell::RefCell<Vec<String>>,
) -> Result<HeadedRead, Diagnostic> {
    let mut out: Vec<FactTable> = inputs
        .iter()
        .map(|i| FactTable::new(i.header.len()))
        .collect();
    let mut row = Vec::new();
    // The ids of each input's columns' fields, by text.
    let mut seen: Vec<Vec<FieldIds>> = inputs
        .iter()
        .map(|i| i.header.iter().map(|_| FieldIds::default()).collect())
        .collect();
    let mut at: Option<Vec<Vec<usize>>> = None;
    let mut width = 0;
    // Each distinct key (its cells' positions in the file), with the line of each value
    // seen; the inputs reading one file share it (clients.csv: `resource_id`, once).
    let mut key_lines: Vec<(Vec<usize>, KeyLines)> = Vec::new();
    let mut key_of: Vec<Vec<usize>> = Vec::new();
    let mut key_done: Vec<bool> = Vec::new();
    each_row(path, |line, fields| {
        let Some(at) = &at else {
            width = fields.len();
            *header.borrow_mut() = fields
                .iter()
                .map(|f| f.trim_start_matches('\u{feff}').trim().to_string())
                .collect();
            // A header cell of no name names no column (a stray comma, a cell left out).
            if let Some(j) = fields.iter().position(|f| header_key(f).is_empty()) {
                spot.set(Some((line, Target::Field(j))));
                return Err(input_error(format!(
                    "column {} of the header has no name: every column needs one",
                    j + 1
                )));
            }
            if let Some((j, message)) = repeated_header(fields) {
                spot.set(Some((line, Target::Field(j))));
                return Err(input_error(message));
            }
            spot.set(Some((line, Target::Line)));
            at = Some(
                inputs
                    .iter()
                    .enumerate()
                    .map(|(n, i)| {
                        culprit.set(Some(n));
                        positions(fields, i.header)
                    })
                    .collect::<Result<_, _>>()?,
            );
            spot.set(None);
            culprit.set(None);
            for (input, cols) in inputs.iter().zip(at.iter().flatten()) {
                let mut mine = Vec::new();
                for key in input.keys {
                    let cells: Vec<usize> = key.iter().map(|&k| cols[k]).collect();
                    let g = match key_lines.iter().position(|(c, _)| *c == cells) {
                        Some(g) => g,
                        None => {
                            key_lines.push((cells, HashMap::new()));
                            key_lines.len() - 1
                        }
                    };
                    mine.push(g);
                }
                key_of.push(mine);
            }
            key_done = vec![false; key_lines.len()];
            return Ok(true);
        };
        if fields.len() != width {
            let names = header.borrow();
            let missing = names
                .get(fields.len())
                .map_or_else(String::new, |h| format!(": no cell for `{h}`"));
            spot.set(Some((line, Target::Field(fields.len().min(width)))));
            let more = if fields.len() > width {
                ": a cell holding a comma must be in double quotes"
            } else {
                ""
            };
            return Err(input_error(format!(
                "{} fields, the header has {width}{missing}{more}",
                fields.len()
            )));
        }
        key_done.iter_mut().for_each(|d| *d = false);
        let each = inputs
            .iter()
            .zip(at)
            .zip(out.iter_mut())
            .zip(seen.iter_mut());
        for (n, (((input, cols), rows), seen)) in each.enumerate() {
            // A row with an empty cell gives no tuple of this input, but its key is still
            // noted: the row is there (a why-not report names it), and a second row of the
            // same key is an error all the same.
            let partial = cols.iter().any(|&c| fields[c].trim().is_empty());
            if partial {
                // A key cell cannot be unknown: the row would name nothing.
                let empty_key = input
                    .keys
                    .iter()
                    .flatten()
                    .find(|&&k| fields[cols[k]].trim().is_empty());
                if let Some(&k) = empty_key {
                    culprit.set(Some(n));
                    spot.set(Some((line, Target::Field(cols[k]))));
                    return Err(input_error(format!(
                        "column `{}`: empty, but it is the key (one row per value): the row names nothing",
                        input.header[k]
                    )));
                }
            }
            row.clear();
            for (arg, &c) in cols.iter().enumerate() {
                let cell = fields[c].trim();
                if cell.is_empty() {
                    // Unknown: never read (the row gives no tuple), never a key cell.
                    row.push(u32::MAX);
                    continue;
                }
                // A text cell is read without the blanks around it; a typed one (an
                // integer, a boolean, a version) is its value exactly.
                let typed = input.columns.types.get(arg).copied().flatten();
                if let Some(ty) = typed.filter(|t| *t != crate::syntax::ColType::String)
                    && cell.len() != fields[c].len()
                {
                    culprit.set(Some(n));
                    spot.set(Some((line, Target::Field(c))));
                    return Err(input_error(format!(
                        "column `{}`: `{}` has blanks around it: {} is written without them",
                        input.header[arg],
                        fields[c],
                        ty.with_article()
                    )));
                }
                // Numbers (resource ids) are interned as such, other cells by their text.
                if input.columns.reads_integers(arg)
                    && let Some(i) = int_field(cell)
                {
                    row.push(interner.intern_int(i));
                    continue;
                }
                let columns = input.columns;
                let id = seen[arg]
                    .id(cell, interner, |f| columns.value(arg, f, false))
                    .map_err(|why| {
                        culprit.set(Some(n));
                        spot.set(Some((line, Target::Field(c))));
                        input_error(format!("column `{}`: {why}", input.header[arg]))
                    })?;
                row.push(id);
            }
            for (key, &g) in input.keys.iter().zip(&key_of[n]) {
                if std::mem::replace(&mut key_done[g], true) {
                    continue;
                }
                let value: Vec<u32> = key.iter().map(|&k| row[k]).collect();
                match key_lines[g].1.entry(value) {
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(line);
                    }
                    std::collections::hash_map::Entry::Occupied(o) => {
                        culprit.set(Some(n));
                        spot.set(Some((
                            line,
                            Target::Field(key.iter().next().map_or(0, |&k| cols[k])),
                        )));
                        let names: Vec<String> = key
                            .iter()
                            .map(|&k| format!("`{}`", input.header[k]))
                            .collect();
                        let cells: Vec<String> = key
                            .iter()
                            .map(|&k| format!("`{}`", fields[cols[k]].trim()))
                            .collect();
                        return Err(input_error(format!(
                            "column {}: {} is also on line {}: the key allows one row per value",
                            names.join(", "),
                            cells.join(", "),
                            o.get()
                        )));
                    }
                }
            }
            if !partial {
                rows.push(&row);
            }
        }
        Ok(true)
    })?;
    if at.is_none() {
        spot.set(Some((1, Target::Line)));
        return Err(input_error(
            "empty: the first row must be the header (the column names)".into(),
        ));
    }
    let indexes: Vec<std::sync::Arc<KeyIndex>> = key_lines
        .into_iter()
        .map(|(_, lines)| std::sync::Arc::new(KeyIndex { lines }))
        .collect();
    let keys = key_of
        .iter()
        .map(|groups| groups.iter().map(|&g| indexes[g].clone()).collect())
        .collect();
    Ok((out, keys))
}

/// The line of headed file `path` whose cells under `header` are `values`.
pub fn find_headed_line(path: &Path, header: &[String], values: &[Const]) -> Option<u64> {
    let columns = Columns {
        names: header.to_vec(),
        types: values
            .iter()
            .map(crate::syntax::ColType::of)
            .map(Some)
            .collect(),
    };
    let mut at: Option<Vec<usize>> = None;
    let mut found = None;
    each_row(path, |line, fields| {
        let Some(at) = &at else {
            at = Some(positions(fields, header)?);
            return Ok(true);
        };
        let hit = at.len() == values.len()
            && at.iter().enumerate().all(|(i, &c)| {
                fields
                    .get(c)
                    .is_some_and(|f| columns.value(i, f.trim(), false).as_ref() == Ok(&values[i]))
            });
        if hit {
            found = Some(line);
        }
        Ok(!hit)
    })
    .ok()?;
    found
}

/// Whether line `line` of headed file `path` holds `values` under `header` (what a proof
/// checker asks of a proof that ends at that row).
pub fn holds_at_line(path: &Path, header: &[String], values: &[Const], line: u64) -> bool {
    find_headed_line(path, header, values) == Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ColType;

    fn cols(types: &[Option<ColType>]) -> Columns {
        Columns {
            names: (0..types.len()).map(|i| format!("c{i}")).collect(),
            types: types.to_vec(),
        }
    }

    #[test]
    fn columns_are_matched_by_header_and_empty_cells_give_no_tuple() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        std::fs::write(
            &path,
            "\u{feff}Name,id,edition\nalpha,1,0\nbeta,2,\n\"gamma, g\",3,5\n",
        )
        .unwrap();
        let c = cols(&[Some(ColType::Integer), Some(ColType::Integer)]);
        let names = cols(&[Some(ColType::Integer), Some(ColType::String)]);
        let h1 = vec!["id".to_string(), "edition".to_string()];
        let h2 = vec!["id".to_string(), "name".to_string()];
        let mut interner = Interner::default();
        let got = read_headed(
            &path,
            &[
                HeadedInput {
                    columns: &c,
                    header: &h1,
                    keys: &[],
                },
                HeadedInput {
                    columns: &names,
                    header: &h2,
                    keys: &[],
                },
            ],
            &mut interner,
        )
        .unwrap()
        .0;
        let decoded: Vec<Vec<Const>> = got[0].iter().map(|r| interner.decode(r)).collect();
        assert_eq!(
            decoded,
            vec![
                vec![Const::Int(1), Const::Int(0)],
                vec![Const::Int(3), Const::Int(5)]
            ]
        );
        assert_eq!(got[1].len(), 3);
        assert_eq!(
            find_headed_line(&path, &h2, &[Const::Int(3), Const::Str("gamma, g".into())]),
            Some(4)
        );
        assert!(holds_at_line(
            &path,
            &h1,
            &[Const::Int(1), Const::Int(0)],
            2
        ));
        assert!(!holds_at_line(
            &path,
            &h1,
            &[Const::Int(1), Const::Int(0)],
            3
        ));
    }

    #[test]
    fn a_missing_column_or_a_bad_cell_is_an_error_naming_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        std::fs::write(&path, "id,edition\n1,0\n2,mac\n").unwrap();
        let c = cols(&[Some(ColType::Integer), Some(ColType::Integer)]);
        let mut interner = Interner::default();
        let h = vec!["id".to_string(), "edition".to_string()];
        let err = read_headed(
            &path,
            &[HeadedInput {
                columns: &c,
                header: &h,
                keys: &[],
            }],
            &mut interner,
        )
        .unwrap_err();
        let place = err.place.unwrap();
        assert_eq!(
            (place.line, place.text.as_str(), place.start),
            (3, "2,mac", 2)
        );
        assert_eq!(
            err.diagnostic.message,
            "column `edition`: `mac` is not an integer (64-bit)"
        );
        let h = vec!["id".to_string(), "has_ipv6".to_string()];
        let err = read_headed(
            &path,
            &[HeadedInput {
                columns: &c,
                header: &h,
                keys: &[],
            }],
            &mut interner,
        )
        .unwrap_err();
        assert_eq!(err.place.unwrap().line, 1);
        assert_eq!(
            err.diagnostic.message,
            "no column `has_ipv6` in the header (it has `id`, `edition`)"
        );
    }
}
