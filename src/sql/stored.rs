//! A model already in the database: its stamp (what it was evaluated from), the indexes
//! top-down readings look tuples up by, and the tuples one reading needs, fetched by
//! indexed lookups instead of evaluating again.
//!
//! # The stamp
//! Every evaluation writes one row to [`META`] in the transaction that fills the tables: a
//! fingerprint of what the model was evaluated from (the caller's: the knowledge base's
//! texts and its inputs), the last round, the widths of the predicates only files gave
//! (so the same [`Script`] names the same tables), a description of the files read and
//! the number of rows each predicate's table was left with.
//! An evaluation without a fingerprint (a knowledge base reading `from table` inputs,
//! whose rows cannot be fingerprinted) leaves [`META`] empty: such a model is never
//! reused.
//!
//! # Fetching
//! A [`Fetched`] model starts empty. Each [`Demand`] (a predicate and the values of some of
//! its columns) is one `SELECT` of the rows holding them, the values bound as parameters,
//! read through the primary key (its leading columns) or the index [`run::evaluate`]
//! made for that lookup. Rows keep their heights, so proofs are rebuilt from them as from
//! the whole model.
//!
//! # Consistency
//! The first lookup of a predicate also counts its table's rows: a number other than the
//! one the stamp records (a row added or deleted by hand), or a table that cannot be read
//! (dropped by hand), is an [`Inconsistent`] model, never an answer.
//!
//! [`run::evaluate`]: super::run::evaluate

use super::script::Script;
use super::values::{decode, encode};
use super::{Database, Dialect};
use crate::engine::{Demand, Model, Relation};
use crate::ir::{Id, Interner, Pred};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The table of the model's stamp: one row, or none when the model may not be reused.
pub const META: &str = "skb_model";

/// What a model was evaluated from, as [`META`] records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The fingerprint of the knowledge base and its inputs (the caller's hash).
    pub fingerprint: String,
    /// A description of the files the facts were read from (the caller's, as text).
    pub files: String,
}

/// A stamp read back with what the evaluation knew.
#[derive(Debug, Clone)]
pub struct StoredStamp {
    /// The stamp written.
    pub stamp: Stamp,
    /// The last round of the evaluation.
    pub max_height: u32,
    /// Widths of the predicates only files gave facts of.
    pub arity: HashMap<Pred, usize>,
    /// The number of rows the evaluation left in each predicate's table, by table name.
    pub rows: HashMap<String, usize>,
}

/// The model in the database disagrees with what its evaluation left there (a table's
/// rows were changed, or a table dropped, by hand); what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistent(pub String);

/// Why fetching a stored model's tuples stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The model is not what its evaluation left.
    Inconsistent(Inconsistent),
    /// The database could not be used (the connection lost, a lock held past the wait).
    Unavailable(super::DbError),
}

impl From<Inconsistent> for FetchError {
    fn from(i: Inconsistent) -> Self {
        FetchError::Inconsistent(i)
    }
}

/// A table (or the versions) that could not be read: the database's state, or else an
/// inconsistent model (a table dropped by hand), `what` saying which.
fn unreadable(e: super::DbError, what: String) -> FetchError {
    if e.unavailable {
        FetchError::Unavailable(e)
    } else {
        FetchError::Inconsistent(Inconsistent(format!("{what} cannot be read: {e}")))
    }
}

impl std::fmt::Display for Inconsistent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The statements that (re)create [`META`], empty.
pub fn meta_schema() -> Vec<String> {
    vec![
        format!("DROP TABLE IF EXISTS {META}"),
        format!(
            "CREATE TABLE {META} (fingerprint TEXT NOT NULL, max_height TEXT NOT NULL, \
             arity TEXT NOT NULL, files TEXT NOT NULL, row_counts TEXT NOT NULL)"
        ),
    ]
}

/// The statement inserting the stamp's row (five text parameters).
pub fn meta_insert(d: Dialect) -> String {
    match d {
        Dialect::Sqlite => format!("INSERT INTO {META} VALUES (?1, ?2, ?3, ?4, ?5)"),
        Dialect::Postgres => format!("INSERT INTO {META} VALUES ($1, $2, $3, $4, $5)"),
    }
}

/// The row of [`META`] for `stamp`: the widths as `NAME<TAB>WIDTH` lines, the row counts
/// (`rows`, by table) as `TABLE<TAB>COUNT` lines.
pub fn meta_row(
    stamp: &Stamp,
    max_height: u32,
    arity: &HashMap<Pred, usize>,
    rows: &BTreeMap<String, usize>,
) -> Vec<String> {
    let mut widths: Vec<String> = arity
        .iter()
        .filter_map(|(p, w)| Some(format!("{}\t{w}", p.user_name()?)))
        .collect();
    widths.sort();
    vec![
        stamp.fingerprint.clone(),
        max_height.to_string(),
        widths.join("\n"),
        stamp.files.clone(),
        rows.iter()
            .map(|(t, n)| format!("{t}\t{n}"))
            .collect::<Vec<_>>()
            .join("\n"),
    ]
}

/// The stamp of the model in `db`; `None` when it has none (never evaluated, evaluated
/// without a fingerprint, or by a version of supportkb that wrote no stamp).
///
/// Errors: the database could not be used (its state, not a missing table).
pub fn read_stamp(db: &mut dyn Database) -> Result<Option<StoredStamp>, super::DbError> {
    let sql = format!("SELECT fingerprint, max_height, arity, files, row_counts FROM {META}");
    match db.select_cells(&sql, 5) {
        Ok(rows) => Ok(stamp_of(&rows)),
        Err(e) if e.unavailable => Err(e),
        Err(_) => Ok(None),
    }
}

/// The stamp the rows of [`META`] hold.
fn stamp_of(rows: &[Vec<Option<String>>]) -> Option<StoredStamp> {
    let [row] = rows else {
        return None;
    };
    let cell = |i: usize| row.get(i).cloned().flatten();
    let mut arity = HashMap::new();
    for line in cell(2)?.lines() {
        let (name, w) = line.split_once('\t')?;
        arity.insert(Pred::user(name), w.parse().ok()?);
    }
    let mut counts = HashMap::new();
    for line in cell(4)?.lines() {
        let (table, n) = line.split_once('\t')?;
        counts.insert(table.to_string(), n.parse().ok()?);
    }
    Some(StoredStamp {
        stamp: Stamp {
            fingerprint: cell(0)?,
            files: cell(3)?,
        },
        max_height: cell(1)?.parse().ok()?,
        arity,
        rows: counts,
    })
}

/// The indexes of the lookups `lookups` (a predicate and the columns a lookup binds) on
/// the tables of `script`: one per lookup the primary key does not serve (its bound
/// columns are not the key's leading ones).
pub fn indexes(script: &Script, lookups: &BTreeSet<(Pred, Vec<usize>)>) -> Vec<String> {
    let mut out = Vec::new();
    for (p, cols) in lookups {
        let Some(&t) = script.pred_tables.get(p) else {
            continue;
        };
        let t = &script.tables[t];
        let leading = cols.iter().enumerate().all(|(k, &c)| k == c);
        if cols.is_empty() || leading || cols.iter().any(|&c| c >= t.width) {
            continue;
        }
        let names: Vec<String> = cols.iter().map(|c| format!("c{c}")).collect();
        out.push(format!(
            "CREATE INDEX {}_ix{} ON {} ({})",
            t.name,
            out.len(),
            t.name,
            names.join(", ")
        ));
    }
    out
}

/// The tuples of a model in the database fetched so far, by the lookups they answer.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    rows: BTreeMap<Pred, BTreeMap<Vec<Id>, u32>>,
    done: BTreeSet<Demand>,
    /// Lookups run on the database so far.
    pub queries: usize,
    /// Whether the versions as first written (`skb_versions`) are interned already.
    versions_read: bool,
    /// The number of rows each table should hold (the stamp's), by table name.
    expected: HashMap<String, usize>,
    /// The tables counted so far.
    counted: BTreeSet<usize>,
}

impl Fetched {
    /// Nothing fetched yet, from tables that should hold `rows` rows (by table name, as
    /// the stamp records them).
    pub fn new(rows: HashMap<String, usize>) -> Self {
        Fetched {
            expected: rows,
            ..Fetched::default()
        }
    }

    /// Counts the rows of every table of `script` whose count the stamp records: a model
    /// evaluated again in full (a question other than `why`) is first checked so, and its
    /// note says what was found.
    ///
    /// Errors: as [`Self::check_count`], for the first table found changed.
    pub fn check_counts(
        &mut self,
        db: &mut dyn Database,
        script: &Script,
    ) -> Result<(), FetchError> {
        for ti in 0..script.tables.len() {
            if self.expected.contains_key(&script.tables[ti].name) {
                self.check_count(db, script, ti)?;
            }
        }
        Ok(())
    }

    /// Counts the rows of table `ti` of `script` the first time it is read.
    ///
    /// Errors: a count other than the stamp's, or a table that cannot be counted.
    fn check_count(
        &mut self,
        db: &mut dyn Database,
        script: &Script,
        ti: usize,
    ) -> Result<(), FetchError> {
        if !self.counted.insert(ti) {
            return Ok(());
        }
        let t = &script.tables[ti];
        let pred = t
            .pred
            .as_ref()
            .map_or_else(String::new, |p| format!(" ({p})"));
        let n = db
            .count(&format!("SELECT count(*) FROM {}", t.name))
            .map_err(|e| unreadable(e, format!("the table {}{pred}", t.name)))?;
        let want = self.expected.get(&t.name).copied().unwrap_or(0);
        if n != want {
            return Err(Inconsistent(format!(
                "the table {}{pred} holds {n} rows where the evaluation left {want}",
                t.name
            ))
            .into());
        }
        Ok(())
    }

    /// Fetches the rows of every demand of `demands` not fetched yet (a predicate without a
    /// table has none); the number of such demands.
    ///
    /// Errors: a table whose rows are not those the evaluation left (their number), a
    /// statement the database refused (a table dropped), or a value supportkb did not
    /// write: the model is inconsistent.
    pub fn fetch(
        &mut self,
        db: &mut dyn Database,
        script: &Script,
        demands: &BTreeSet<Demand>,
        interner: &mut Interner,
    ) -> Result<usize, FetchError> {
        if !self.versions_read {
            // A version is decoded as the text it was first written as (`5.00.9078.1000`,
            // not `5.0.9078.1000`): interned first, equal versions decode to it.
            let sql = format!(
                "SELECT written, CAST(0 AS BIGINT) FROM {}",
                super::values::VERSIONS
            );
            let versions = db
                .select_rows(&sql, 1)
                .map_err(|e| unreadable(e, "its versions".into()))?;
            for (texts, _) in versions {
                if let Ok(v) = crate::syntax::Version::parse(&texts[0]) {
                    interner.intern(&crate::ir::Const::Version(v));
                }
            }
            self.versions_read = true;
        }
        let mut fresh = 0;
        for d in demands {
            if self.done.contains(d) {
                continue;
            }
            fresh += 1;
            self.done.insert(d.clone());
            let (pred, bound) = d;
            let Some(&ti) = script.pred_tables.get(pred) else {
                continue;
            };
            self.check_count(db, script, ti)?;
            let t = &script.tables[ti];
            if bound.iter().any(|(i, _)| *i >= t.width) {
                continue;
            }
            let dialect = script.dialect;
            let cols: String = (0..t.width)
                .map(|i| format!("{}, ", t.read(dialect, "a", i)))
                .collect();
            let conds: Vec<String> = bound
                .iter()
                .enumerate()
                .map(|(k, (i, _))| {
                    let p = match dialect {
                        Dialect::Sqlite => format!("?{}", k + 1),
                        Dialect::Postgres => format!("${}", k + 1),
                    };
                    format!("a.c{i} = {}", t.kind(*i).param(dialect, &p))
                })
                .collect();
            let wh = if conds.is_empty() {
                String::new()
            } else {
                format!(" WHERE {}", conds.join(" AND "))
            };
            let sql = format!("SELECT {cols}a.height FROM {} a{wh}", t.name);
            let params: Vec<String> = bound.iter().map(|(_, c)| encode(c)).collect();
            self.queries += 1;
            let rows = db
                .select_rows_with(&sql, &params, t.width)
                .map_err(|e| unreadable(e, format!("the table {}", t.name)))?;
            let into = self.rows.entry(pred.clone()).or_default();
            for (texts, h) in rows {
                let row = texts
                    .iter()
                    .map(|x| decode(x, interner))
                    .collect::<Option<Vec<Id>>>()
                    .ok_or_else(|| {
                        Inconsistent(format!("{} holds a value supportkb did not write", t.name))
                    })
                    .map_err(FetchError::from)?;
                let h = u32::try_from(h)
                    .map_err(|_| Inconsistent(format!("{} holds a height out of range", t.name)))
                    .map_err(FetchError::from)?;
                into.insert(row, h);
            }
        }
        Ok(fresh)
    }

    /// The rows fetched so far as a model whose last round is `max_height`.
    pub fn model(&self, script: &Script, max_height: u32) -> Model {
        let mut m = Model {
            max_height,
            ..Model::default()
        };
        for (p, rows) in &self.rows {
            let width = script
                .pred_tables
                .get(p)
                .map_or(0, |&t| script.tables[t].width);
            let log = rows.iter().map(|(r, h)| (r.clone(), *h)).collect();
            m.relations
                .insert(p.clone(), Relation::from_log(width, log));
        }
        m
    }
}
