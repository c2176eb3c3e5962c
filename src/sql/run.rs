//! Running a [`Script`] on a database, round by round, and reading the model back.
//!
//! supportkb drives the loop: it creates the tables, loads the facts (height 0), and for
//! each stratum runs the round's statements until no `_next` table receives a row, moving
//! each round's rows into the full tables with the round's number as their height. The
//! model stays in the tables; [`evaluate`] also reads it back as a [`Model`], so answers,
//! `why`, `why not` and the proof checker work on it as on the in-memory model.

use super::case::{case_table, uses_case_table};
use super::dots::{dot_function, uses_dot_function};
use super::script::{Script, Table};
use super::stored::{Stamp, indexes, meta_insert, meta_row, meta_schema};
use super::values::{VERSIONS, decode, encode};
use super::{Database, DbError, Dialect};
use crate::engine::{EvalConfig, EvalError, FactRows, Limit, Model, Relation};
use crate::ir::{Interner, Pred, Rule};
use crate::source::{Code, Diagnostic};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Encoded fact rows by predicate.
pub type EncodedFacts = BTreeMap<Pred, Vec<Vec<String>>>;

/// What an evaluation leaves for later readings of its model (see [`super::stored`]): the
/// stamp recording what it was evaluated from (`None`: the model may not be reused), and
/// the lookups (a predicate and the columns bound) to index.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep<'a> {
    /// The stamp, if the model may be reused.
    pub stamp: Option<&'a Stamp>,
    /// The lookups to index.
    pub lookups: Option<&'a BTreeSet<(Pred, Vec<usize>)>>,
}

/// The facts of `rules` and the rows of `edb`, encoded, by predicate.
pub fn facts(rules: &[Rule], edb: &FactRows, interner: &Interner) -> EncodedFacts {
    let mut out = EncodedFacts::new();
    for r in rules.iter().filter(|r| r.is_fact()) {
        let row: Option<Vec<String>> = r
            .head
            .args
            .iter()
            .map(|t| t.as_const().map(encode))
            .collect();
        if let Some(row) = row {
            out.entry(r.head.pred.clone()).or_default().push(row);
        }
    }
    for (p, rows) in edb {
        let e = out.entry(p.clone()).or_default();
        e.extend(
            rows.iter()
                .map(|row| row.iter().map(|&id| encode(interner.value(id))).collect()),
        );
    }
    out
}

/// Every version `interner` holds, encoded, with the text it was first written as.
pub fn versions(interner: &Interner) -> Vec<Vec<String>> {
    interner
        .values()
        .iter()
        .filter_map(|c| match c {
            crate::ir::Const::Version(v) => Some(vec![encode(c), v.to_string()]),
            _ => None,
        })
        .collect()
}

/// The statement inserting one row of [`VERSIONS`].
pub fn version_insert(dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => {
            format!("INSERT OR IGNORE INTO {VERSIONS} (value, written) VALUES (?1, ?2)")
        }
        Dialect::Postgres => {
            format!(
                "INSERT INTO {VERSIONS} (value, written) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            )
        }
    }
}

/// Widths of the predicates only files give facts of. A file of no rows (a header only)
/// counts too: its table has the columns the input reads, so its predicate has a table
/// even when no rule reads it.
pub fn edb_arity(edb: &FactRows) -> HashMap<Pred, usize> {
    edb.iter()
        .map(|(p, rows)| (p.clone(), rows.arity()))
        .collect()
}

/// The statements that (re)create every table of `script`, dropping an older copy.
pub fn schema(script: &Script) -> Vec<String> {
    let d = script.dialect;
    let text = match d {
        Dialect::Sqlite => "TEXT",
        Dialect::Postgres => "TEXT COLLATE \"C\"",
    };
    let mut out = meta_schema();
    out.extend([
        format!("DROP TABLE IF EXISTS {VERSIONS}"),
        format!("CREATE TABLE {VERSIONS} (value {text} PRIMARY KEY, written TEXT NOT NULL)"),
    ]);
    let ops = script.strata.iter().flat_map(|s| &s.ops);
    if d == Dialect::Postgres && ops.clone().any(|o| uses_case_table(&o.sql)) {
        out.extend(case_table());
    }
    if d == Dialect::Postgres && ops.clone().any(|o| uses_dot_function(&o.sql)) {
        out.push(dot_function());
    }
    for t in &script.tables {
        for suffix in ["", "_delta", "_next"] {
            out.push(format!("DROP TABLE IF EXISTS {}{suffix}", t.name));
        }
    }
    for t in &script.tables {
        let cols: Vec<String> = if t.width == 0 {
            vec![format!("u {} NOT NULL DEFAULT 0", d.bigint())]
        } else {
            t.columns()
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} {} NOT NULL", t.kind(i).sql_type(d)))
                .collect()
        };
        let key = t.columns().join(", ");
        let big = d.bigint();
        out.push(format!(
            "CREATE TABLE {} ({}, height {big} NOT NULL, rule {big}, PRIMARY KEY ({key}))",
            t.name,
            cols.join(", ")
        ));
        out.push(format!(
            "CREATE TABLE {}_delta ({})",
            t.name,
            cols.join(", ")
        ));
        out.push(format!(
            "CREATE TABLE {}_next ({}, rule {big}, PRIMARY KEY ({key}))",
            t.name,
            cols.join(", ")
        ));
    }
    out
}

/// The statement inserting one fact into `t` (height 0), with its parameters numbered as
/// `dialect` writes them.
pub fn fact_insert(t: &Table, dialect: Dialect) -> String {
    let cols = t.columns();
    let params: Vec<String> = if t.width == 0 {
        vec!["0".into()]
    } else {
        (1..=t.width)
            .map(|i| {
                let p = match dialect {
                    Dialect::Sqlite => format!("?{i}"),
                    Dialect::Postgres => format!("${i}"),
                };
                t.kind(i - 1).param(dialect, &p)
            })
            .collect()
    };
    let (verb, tail) = match dialect {
        Dialect::Sqlite => ("INSERT OR IGNORE INTO", ""),
        Dialect::Postgres => ("INSERT INTO", " ON CONFLICT DO NOTHING"),
    };
    format!(
        "{verb} {} ({}, height) VALUES ({}, 0){tail}",
        t.name,
        cols.join(", "),
        params.join(", ")
    )
}

/// The staging table facts are copied into before they join their predicate's table.
const STAGE: &str = "skb_stage";

/// Inserts the facts `rows` into `t`. On PostgreSQL they are copied (`COPY`, one stream)
/// into a temporary table of text columns and inserted from there in one statement, which
/// converts each cell to its column's kind and skips rows the table holds; SQLite, in the
/// same process, inserts them row by row with one prepared statement.
///
/// Errors: the database's message.
pub fn load_facts(
    db: &mut dyn Database,
    t: &Table,
    dialect: Dialect,
    rows: &[Vec<String>],
) -> Result<(), DbError> {
    if dialect == Dialect::Sqlite || t.width == 0 {
        return db.insert_many(&fact_insert(t, dialect), rows);
    }
    let cols = t.columns();
    let text: Vec<String> = cols.iter().map(|c| format!("{c} TEXT")).collect();
    db.execute(&format!("DROP TABLE IF EXISTS {STAGE}"))?;
    db.execute(&format!("CREATE TEMP TABLE {STAGE} ({})", text.join(", ")))?;
    db.copy_in(STAGE, rows)?;
    let values: Vec<String> = (0..t.width)
        .map(|i| t.kind(i).param(dialect, &format!("s.c{i}")))
        .collect();
    db.execute(&format!(
        "INSERT INTO {} ({}, height) SELECT {}, 0 FROM {STAGE} s ON CONFLICT DO NOTHING",
        t.name,
        cols.join(", "),
        values.join(", ")
    ))?;
    db.execute(&format!("DROP TABLE {STAGE}"))
}

/// The statements that start a stratum: each of its predicates' facts are its new rows.
pub fn seed(t: &Table) -> Vec<String> {
    let cols = t.columns().join(", ");
    vec![
        format!("DELETE FROM {}_delta", t.name),
        format!(
            "INSERT INTO {n}_delta ({cols}) SELECT {cols} FROM {n}",
            n = t.name
        ),
    ]
}

/// The statements that end a round for `t`: its `_next` rows join the full table at
/// `height` (a row it holds already keeps its height) and become its `_delta`.
pub fn transfer(t: &Table, height: &str, dialect: Dialect) -> Vec<String> {
    let cols = t.columns().join(", ");
    let n = &t.name;
    let (verb, tail) = match dialect {
        Dialect::Sqlite => ("INSERT OR IGNORE INTO", ""),
        Dialect::Postgres => ("INSERT INTO", " ON CONFLICT DO NOTHING"),
    };
    vec![
        format!(
            "{verb} {n} ({cols}, height, rule) SELECT {cols}, {height}, rule FROM {n}_next{tail}"
        ),
        format!("DELETE FROM {n}_delta"),
        format!("INSERT INTO {n}_delta ({cols}) SELECT {cols} FROM {n}_next"),
        format!("DELETE FROM {n}_next"),
    ]
}

fn db_error(e: DbError) -> EvalError {
    EvalError::Program(vec![e.diagnostic()])
}

fn bad_rows(message: String) -> EvalError {
    EvalError::Program(vec![Diagnostic::unplaced(Code::Database, message)])
}

/// The limits of one evaluation: derived tuples, the clock, the cancel flag.
struct Guard<'a> {
    config: &'a EvalConfig,
    started: Instant,
    derived: usize,
}

impl Guard<'_> {
    fn account(&mut self, n: usize) -> Result<(), EvalError> {
        self.derived += n;
        if self.derived > self.config.max_tuples {
            return Err(EvalError::Limit(Limit::Tuples(self.config.max_tuples)));
        }
        self.clock()
    }

    /// The error a failed statement stops the evaluation with: the time limit or the
    /// cancel flag when either is reached (the database interrupted the statement for
    /// it), else what the database said.
    fn fail(&self, e: DbError) -> EvalError {
        match self.clock() {
            Err(limit) => limit,
            Ok(()) => db_error(e),
        }
    }

    fn clock(&self) -> Result<(), EvalError> {
        if let Some(t) = self.config.timeout
            && self.started.elapsed() > t
        {
            return Err(EvalError::Limit(Limit::Time(t)));
        }
        if self
            .config
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Err(EvalError::Cancelled);
        }
        Ok(())
    }
}

/// Runs `script` on `db` with the facts `facts` and reads the model back: every predicate
/// a stratum defines or a fact gives, each tuple with its height.
///
/// Errors: a statement the database refused ([`Code::Database`], as
/// [`EvalError::Program`]); a limit of `config` (tuples, time) or the cancel flag.
pub fn evaluate(
    db: &mut dyn Database,
    script: &Script,
    facts: &EncodedFacts,
    interner: &mut Interner,
    config: &EvalConfig,
    keep: Keep<'_>,
    arity: &HashMap<Pred, usize>,
) -> Result<Model, EvalError> {
    let mut guard = Guard {
        config,
        started: Instant::now(),
        derived: 0,
    };
    // A transaction that cannot start is the database's state (locked by another
    // process), not a statement of supportkb's.
    db.execute("BEGIN").map_err(|e| {
        guard.fail(DbError {
            unavailable: true,
            ..e
        })
    })?;
    for s in schema(script) {
        db.execute(&s).map_err(|e| guard.fail(e))?;
    }
    db.insert_many(&version_insert(script.dialect), &versions(interner))
        .map_err(|e| guard.fail(e))?;
    let loading = crate::source::timings::phase(|| "load the facts into the database".into());
    for (p, rows) in facts {
        let t = &script.tables[script.pred_tables[p]];
        load_facts(db, t, script.dialect, rows).map_err(|e| guard.fail(e))?;
    }
    drop(loading);
    let mut round = 0u32;
    for s in &script.strata {
        let mut new = 0;
        for p in &s.preds {
            let t = &script.tables[script.pred_tables[p]];
            for q in seed(t) {
                db.execute(&q).map_err(|e| guard.fail(e))?;
            }
            new += count(
                db,
                &guard,
                &format!("SELECT count(*) FROM {}_delta", t.name),
            )?;
        }
        let mut active = new > 0 || s.unit;
        for &t in &s.seeds {
            active = active
                || count(
                    db,
                    &guard,
                    &format!("SELECT count(*) FROM {}", script.tables[t].name),
                )? > 0;
        }
        if !active {
            continue;
        }
        round += 1;
        guard.account(new)?;
        let mut first = true;
        loop {
            for op in s.ops.iter().filter(|o| first || !o.first_round_only) {
                db.execute(&op.sql).map_err(|e| guard.fail(e))?;
                guard.clock()?;
            }
            first = false;
            let (mut changed, mut new) = (false, 0);
            for &v in &s.vars {
                let t = &script.tables[v];
                let n = count(db, &guard, &format!("SELECT count(*) FROM {}_next", t.name))?;
                changed |= n > 0;
                if t.pred.is_some() {
                    new += n;
                }
                for q in transfer(t, &(round + 1).to_string(), script.dialect) {
                    db.execute(&q).map_err(|e| guard.fail(e))?;
                }
            }
            if !changed {
                break;
            }
            round += 1;
            guard.account(new)?;
        }
    }
    let model = read_back(db, script, facts, interner, round)?;
    if let Some(lookups) = keep.lookups {
        for q in indexes(script, lookups) {
            db.execute(&q).map_err(db_error)?;
        }
    }
    if let Some(stamp) = keep.stamp {
        let rows = script
            .pred_tables
            .iter()
            .map(|(p, &t)| {
                let n = model.relations.get(p).map_or(0, Relation::len);
                (script.tables[t].name.clone(), n)
            })
            .collect();
        let row = meta_row(stamp, round, arity, &rows);
        db.insert_many(&meta_insert(script.dialect), &[row])
            .map_err(db_error)?;
    }
    db.execute("COMMIT").map_err(db_error)?;
    Ok(model)
}

fn count(db: &mut dyn Database, guard: &Guard<'_>, sql: &str) -> Result<usize, EvalError> {
    db.count(sql).map_err(|e| guard.fail(e))
}

/// The model in the tables: the predicates of the strata and those facts give.
fn read_back(
    db: &mut dyn Database,
    script: &Script,
    facts: &EncodedFacts,
    interner: &mut Interner,
    max_height: u32,
) -> Result<Model, EvalError> {
    let mut model = Model {
        max_height,
        ..Model::default()
    };
    let preds = script
        .strata
        .iter()
        .flat_map(|s| s.preds.iter())
        .chain(facts.keys());
    for p in preds {
        let t = &script.tables[script.pred_tables[p]];
        let cols: String = (0..t.width)
            .map(|i| format!("{}, ", t.read(script.dialect, "a", i)))
            .collect();
        let rows = db
            .select_rows(&format!("SELECT {cols}a.height FROM {} a", t.name), t.width)
            .map_err(db_error)?;
        let mut log = Vec::with_capacity(rows.len());
        for (texts, height) in rows {
            let row = texts
                .iter()
                .map(|x| decode(x, interner))
                .collect::<Option<Vec<u32>>>()
                .ok_or_else(|| {
                    bad_rows(format!("{} holds a value supportkb did not write", t.name))
                })?;
            let h = u32::try_from(height)
                .map_err(|_| bad_rows(format!("{} holds a height out of range", t.name)))?;
            log.push((row, h));
        }
        model
            .relations
            .insert(p.clone(), Relation::from_log(t.width, log));
    }
    Ok(model)
}
