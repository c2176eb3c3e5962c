//! Facts from files and tables: the `input` declarations of a knowledge base and
//! `--facts DIR`, read into one table of ids per predicate with where each came from.

use super::LoadConfig;
use super::kb::relative_to_declaring;
use crate::check::CheckedKb;
use crate::engine::facts::{Columns, read_rows};
use crate::engine::{FactRows, FactTable};
use crate::explain::{FactFile, FactFiles};
use crate::ir::{Interner, Pred};
use crate::source::{Code, Diagnostic, SourceMap, Span};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Facts read from files: `input` declarations (paths relative to the declaring file, or
/// to the inventory folder) and, with `--facts DIR`, `DIR/PRED.tsv` or `DIR/PRED.csv` for
/// every predicate; with warnings for the `.tsv` and `.csv` files of `DIR` that name no
/// predicate (they are not read). A file with a header row is read once for all the
/// inputs naming it. `from table` inputs read the table or view of `db`.
///
/// Errors: an unreadable file or a bad row, at the declaration; a `from table` input with
/// no database, or a table or column the database lacks.
pub(super) fn read_inputs(
    checked: &CheckedKb,
    sources: &SourceMap,
    config: &LoadConfig,
    mut db: Option<&mut Box<dyn crate::sql::Database>>,
    interner: &mut Interner,
) -> Result<(FactRows, FactFiles, Vec<Diagnostic>), InputError> {
    let mut edb = FactRows::new();
    let mut files = FactFiles::new();
    let mut seen = HashSet::new();
    let columns_of = |pred: &str| {
        // (The same columns as KnowledgeBase::columns_of, before there is a knowledge base.)
        checked
            .preds
            .get(pred)
            .map_or_else(Columns::default, |p| Columns {
                names: (0..p.arity).map(|i| p.column(i)).collect(),
                types: p.types.clone(),
            })
    };
    let at_declaration = |span: Option<Span>| {
        move |mut d: Diagnostic| {
            d.span = span;
            d.label = Some("read here".into());
            d
        }
    };
    for d in checked.program.inputs.iter().filter(|d| d.table) {
        if db.is_none() && config.tables_unread {
            continue;
        }
        let columns = columns_of(&d.pred);
        let rows = read_table(d, db.as_deref_mut(), &columns, interner)
            .map_err(at_declaration(Some(d.span)))?;
        let rows = FactTable::from_rows(columns.names.len(), &rows);
        edb.entry(Pred::user(&d.pred)).or_default().append(rows);
        files
            .entry(Pred::user(&d.pred))
            .or_default()
            .push(FactFile {
                path: PathBuf::from(&d.path),
                header: d.header.clone(),
                table: Some(d.span),
                keys: Vec::new(),
            });
    }
    let mut read = |pred: &str, path: PathBuf, span: Option<Span>| -> Result<(), InputError> {
        if !seen.insert((pred.to_string(), path.clone())) {
            return Ok(());
        }
        let rows = read_rows(&path, &columns_of(pred), interner).map_err(|e| match e.place {
            // The data's place leads; the declaration reading it, if any, is the help.
            Some(place) => InputError {
                diagnostic: e
                    .diagnostic
                    .with_label("here")
                    .with_help_opt(span.map(|s| read_by(sources, s))),
                place: Some(place),
            },
            None => at_declaration(span)(e.diagnostic).into(),
        })?;
        edb.entry(Pred::user(pred)).or_default().append(rows);
        let file = FactFile {
            path,
            header: None,
            table: None,
            keys: Vec::new(),
        };
        files.entry(Pred::user(pred)).or_default().push(file);
        Ok(())
    };
    // Headed inputs, grouped by file (in declaration order).
    let mut headed: Vec<(PathBuf, Vec<&crate::syntax::IoDecl>)> = Vec::new();
    for d in checked.program.inputs.iter().filter(|d| !d.table) {
        let path = if d.inventory {
            match &config.inventory {
                Some(dir) => dir.join(&d.path),
                None => continue,
            }
        } else {
            relative_to_declaring(sources, d.span, &d.path)
        };
        if d.header.is_none() {
            read(&d.pred, path, Some(d.span))?;
        } else if let Some(group) = headed.iter_mut().find(|(p, _)| *p == path) {
            group.1.push(d);
        } else {
            headed.push((path, vec![d]));
        }
    }
    let mut warnings = Vec::new();
    if let Some(dir) = &config.facts_dir {
        if !dir.is_dir() {
            return Err(Diagnostic::unplaced(
                Code::Io,
                format!("--facts {}: not a folder", dir.display()),
            )
            .into());
        }
        for name in checked.preds.keys() {
            for ext in ["tsv", "csv"] {
                let path = dir.join(format!("{name}.{ext}"));
                if path.is_file() {
                    read(name, path, None)?;
                }
            }
        }
        warnings = unread_fact_files(dir, checked);
    }
    for (path, decls) in headed {
        let keys_of = |pred: &str| {
            checked
                .preds
                .get(pred)
                .map_or_else(Vec::new, |p| p.keys.clone())
        };
        read_headed_group(
            &path,
            &decls,
            &columns_of,
            &keys_of,
            interner,
            &mut edb,
            &mut files,
        )
        .map_err(|e| {
            let span = decls[e.input.unwrap_or(0)].span;
            match e.place {
                // The admin's file leads; the declaration reading it is the help.
                Some(place) => InputError {
                    diagnostic: e
                        .diagnostic
                        .with_label("here")
                        .with_help(read_by(sources, span)),
                    place: Some(place),
                },
                None => at_declaration(Some(span))(e.diagnostic).into(),
            }
        })?;
    }
    Ok((edb, files, warnings))
}

/// The inventory folder (`--inventory`, a query file's `inventory "DIR".`), checked before
/// anything is read: it must be a folder, and the knowledge base must read from it.
///
/// Errors ([`Code::Input`]): the path is not there or not a folder; no `input … from
/// inventory` declaration of the knowledge base reads it (the folder would be ignored and
/// the report say 0 clients).
pub(super) fn check_inventory(checked: &CheckedKb, config: &LoadConfig) -> Result<(), Diagnostic> {
    let Some(dir) = &config.inventory else {
        return Ok(());
    };
    let fail = |why: &str| {
        Diagnostic::unplaced(Code::Input, format!("--inventory {}: {why}", dir.display()))
    };
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(fail("no such folder"));
        }
        Err(e) => return Err(fail(&crate::source::io_reason(&e))),
        Ok(m) if !m.is_dir() => return Err(fail("not a folder")),
        Ok(_) => {}
    }
    if !checked.program.inputs.iter().any(|d| d.inventory) {
        return Err(fail(
            "the knowledge base reads nothing from an inventory (no `input … from inventory \"FILE\"` declaration)",
        )
        .with_help(
            "the estate rules come with the embedded CMG knowledge base: leave out --kb, or leave out --inventory",
        ));
    }
    Ok(())
}

/// A failure to read the inputs: the diagnostic and, for a row of a headed file, the
/// excerpt of the file it is about, which the caller adds to its sources so that the
/// diagnostic leads with `clients.csv:7:23` and shows the line with a caret.
#[derive(Debug)]
pub(super) struct InputError {
    /// What went wrong (its span set once the excerpt is added).
    pub diagnostic: Diagnostic,
    /// Where in the file.
    pub place: Option<crate::source::excerpt::Excerpt>,
}

impl From<Diagnostic> for InputError {
    fn from(diagnostic: Diagnostic) -> Self {
        InputError {
            diagnostic,
            place: None,
        }
    }
}

impl InputError {
    /// The diagnostic, placed in the excerpt (added to `sources`) when there is one.
    pub(super) fn into_diagnostic(self, sources: &mut SourceMap) -> Diagnostic {
        let mut d = self.diagnostic;
        if let Some(place) = self.place {
            d.span = Some(place.add_to(sources));
        }
        d
    }
}

/// `` `input p(a) from inventory "f.csv".` (estate.kb:56:1) reads this file ``: the
/// declaration at `span`, for the help of an error in a file it reads.
fn read_by(sources: &SourceMap, span: Span) -> String {
    let text = sources
        .get(span.file)
        .and_then(|f| f.text.get(span.start..span.end))
        .and_then(|t| t.lines().next())
        .unwrap_or_default();
    format!("`{text}` ({}) reads this file", sources.location(span))
}

/// A warning for each `NAME.tsv` / `NAME.csv` in `dir` whose NAME is no predicate of the
/// knowledge base, with the closest predicate name: a misnamed file must not vanish silently.
fn unread_fact_files(dir: &Path, checked: &CheckedKb) -> Vec<Diagnostic> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<(String, String)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            let ext = path.extension()?.to_str()?.to_ascii_lowercase();
            let stem = path.file_stem()?.to_str()?.to_string();
            let file = path.file_name()?.to_str()?.to_string();
            (path.is_file()
                && (ext == "tsv" || ext == "csv")
                && !checked.preds.contains_key(stem.as_str()))
            .then_some((stem, file))
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|(stem, file)| {
            let known = checked.preds.keys().map(|p| p.as_str());
            let help = crate::check::did_you_mean(&stem, known).map_or_else(
                || format!("name the file after a predicate (`PRED.tsv`), or declare `{stem}` with `decl`"),
                |p| {
                    let ext = file.rsplit('.').next().unwrap_or("tsv");
                    crate::check::did_you_mean_text(&[format!("{p}.{ext}")])
                },
            );
            Diagnostic {
                severity: crate::source::Severity::Warning,
                ..Diagnostic::unplaced(
                    Code::Input,
                    format!(
                        "--facts {}: {file} is not read: the knowledge base has no predicate `{stem}`",
                        dir.display()
                    ),
                )
            }
            .with_help(help)
        })
        .collect()
}

/// The tuples of a `from table` input: the columns its header (else its `decl`) names, read
/// from the table or view of `db`, each cell converted as a file's cell of that column is.
///
/// Errors: no database (the in-memory engine), a table or column the database lacks, a
/// cell not of its column's type.
fn read_table(
    d: &crate::syntax::IoDecl,
    db: Option<&mut Box<dyn crate::sql::Database>>,
    columns: &Columns,
    interner: &mut Interner,
) -> Result<Vec<Vec<u32>>, Diagnostic> {
    let fail = |m: String| Diagnostic::unplaced(Code::Input, m);
    let Some(db) = db else {
        return Err(fail(format!(
            "`{}` is read from the table `{}`, which needs a database: --engine sqlite:FILE or postgres://…",
            d.pred, d.path
        ))
        .with_help("the in-memory engine reads files only"));
    };
    let wanted = d.header.clone().unwrap_or_else(|| columns.names.clone());
    let rows = crate::sql::input::read_table(db.as_mut(), &d.path, &wanted).map_err(fail)?;
    let mut out = Vec::with_capacity(rows.len());
    for (n, row) in rows.iter().enumerate() {
        let mut ids = Vec::with_capacity(row.len());
        for (i, cell) in row.iter().enumerate() {
            let c = columns.value(i, cell, false).map_err(|e| {
                fail(format!(
                    "the table `{}`, row {}, column `{}`: {e}",
                    d.path,
                    n + 1,
                    wanted[i]
                ))
            })?;
            ids.push(interner.intern(&c));
        }
        out.push(ids);
    }
    Ok(out)
}

/// The tuples of the headed inputs `decls`, all reading `path`, into `edb` and `files`.
fn read_headed_group(
    path: &Path,
    decls: &[&crate::syntax::IoDecl],
    columns_of: &dyn Fn(&str) -> Columns,
    keys_of: &dyn Fn(&str) -> Vec<std::collections::BTreeSet<usize>>,
    interner: &mut Interner,
    edb: &mut FactRows,
    files: &mut FactFiles,
) -> Result<(), crate::engine::headed::HeadedError> {
    use crate::engine::headed::{HeadedInput, read_headed};
    let columns: Vec<Columns> = decls.iter().map(|d| columns_of(&d.pred)).collect();
    let keys: Vec<_> = decls.iter().map(|d| keys_of(&d.pred)).collect();
    let inputs: Vec<HeadedInput> = decls
        .iter()
        .zip(columns.iter().zip(&keys))
        .map(|(d, (columns, keys))| HeadedInput {
            columns,
            header: d.header.as_deref().unwrap_or_default(),
            keys,
        })
        .collect();
    let (tuples, indexes) = read_headed(path, &inputs, interner)?;
    for ((d, rows), (keys, indexes)) in decls.iter().zip(tuples).zip(keys.iter().zip(indexes)) {
        edb.entry(Pred::user(&d.pred)).or_default().append(rows);
        files
            .entry(Pred::user(&d.pred))
            .or_default()
            .push(FactFile {
                path: path.to_path_buf(),
                header: d.header.clone(),
                table: None,
                keys: keys.iter().cloned().zip(indexes).collect(),
            });
    }
    Ok(())
}
