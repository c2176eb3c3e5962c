//! Stage 7 — sql: the planned program compiled to SQL and evaluated on a database
//! (SQLite or PostgreSQL), each derived row stored once with its height and the rule that
//! first derived it, and the model read back for the explainer.
//!
//! # What this produces
//! A [`Script`] ([`compile`]): a table per predicate (one column per argument: typed as
//! [`kinds`] says, else text in the encoding of [`values`]; then `height` and `rule`), a table per shared keyed index and per
//! rule segment, and for every stratum the `INSERT … SELECT … WHERE NOT EXISTS` statements
//! of one round of its semi-naive loop over `_delta` tables. [`render`] prints it for a
//! reader; [`evaluate`] runs it.
//!
//! # The strategy
//! supportkb drives the rounds itself (no recursive CTE: those allow only linear
//! recursion and restrict negation and aggregates). Each statement is one operator of the
//! in-memory evaluator, so every tuple gets the same height as in memory and proofs are
//! rebuilt from the tables' rows exactly as from the in-memory model. Negation is `NOT
//! EXISTS` on a complete lower stratum; comparisons, arithmetic and string built-ins are
//! SQL expressions that are `NULL` where the engine's literal fails (DESIGN §4: overflow
//! and division by zero give no row, never an error); a built-in a dialect cannot compute
//! with the same meaning rejects the rule, naming it.

mod case;
mod dots;
pub mod input;
pub mod kinds;
mod postgres;
mod render;
mod run;
pub mod script;
mod segment;
mod sqlite;
pub mod stored;
pub mod values;

use crate::engine::{EvalConfig, EvalError, FactRows, Model};
use crate::ir::{Interner, Rule};
use crate::source::{Code, Diagnostic};
pub use render::render;
pub use run::{EncodedFacts, Keep, facts, versions};
pub use script::{Script, compile};
pub use sqlite::define_functions as define_sqlite_functions;

/// A SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35 or later (the bundled one).
    Sqlite,
    /// PostgreSQL 12 or later.
    Postgres,
}

impl Dialect {
    /// Its name, as the command line writes it.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }
}

/// Where a knowledge base is evaluated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Engine {
    /// In memory, on datafrog (the default).
    #[default]
    Memory,
    /// In the SQLite database file at this path (created if missing).
    Sqlite(std::path::PathBuf),
    /// On the PostgreSQL server of this connection URL (`postgres://…`).
    Postgres(String),
}

impl Engine {
    /// The engine a `--engine` argument names: `memory`, `sqlite:FILE` or
    /// `postgres://…` / `postgresql://…`.
    ///
    /// Errors: any other text, with the forms accepted.
    pub fn parse(text: &str) -> Result<Engine, String> {
        if text == "memory" {
            Ok(Engine::Memory)
        } else if let Some(path) = text.strip_prefix("sqlite:").filter(|p| !p.is_empty()) {
            Ok(Engine::Sqlite(path.into()))
        } else if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Ok(Engine::Postgres(text.to_string()))
        } else {
            Err(format!(
                "unknown engine `{text}`: expected memory, sqlite:FILE or postgres://…"
            ))
        }
    }

    /// The engine's database as messages name it: `the SQLite database FILE`, `the
    /// PostgreSQL database URL` (a password in the URL shown as `***`), or `memory`.
    pub fn described(&self) -> String {
        match self {
            Engine::Memory => "memory".to_string(),
            Engine::Sqlite(path) => format!("the SQLite database {}", path.display()),
            Engine::Postgres(url) => format!("the PostgreSQL database {}", hide_password(url)),
        }
    }
}

/// `url` with the password of its user part (`user:password@`) replaced by `***`.
fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}{tail}")
        }
        _ => url.to_string(),
    }
}

/// A statement the database did not run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    /// What the database said (naming it, when it is the database's state).
    pub message: String,
    /// The database's state stopped the statement, not the statement itself: the
    /// connection lost or refused, a lock held past the wait, an I/O error, a full disk, a
    /// read-only file, a missing privilege. That is the user's to fix (exit 2); otherwise
    /// the database refused a statement supportkb wrote (a bug).
    pub unavailable: bool,
}

impl DbError {
    /// A statement refused for what it says.
    pub fn refused(message: impl Into<String>) -> Self {
        DbError {
            message: message.into(),
            unavailable: false,
        }
    }

    /// A statement stopped by the database's state.
    pub fn unavailable(message: impl Into<String>) -> Self {
        DbError {
            message: message.into(),
            unavailable: true,
        }
    }

    /// Its diagnostic: [`Code::DatabaseUnavailable`] or [`Code::Database`].
    pub fn diagnostic(&self) -> Diagnostic {
        let code = if self.unavailable {
            Code::DatabaseUnavailable
        } else {
            Code::Database
        };
        Diagnostic::unplaced(code, self.message.clone())
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<DbError> for String {
    fn from(e: DbError) -> String {
        e.message
    }
}

/// A database connection the evaluator runs statements on. Values and parameters are text
/// in the encoding of [`values`].
pub trait Database: Send {
    /// Runs a statement that returns no rows.
    ///
    /// Errors: the database's message.
    fn execute(&mut self, sql: &str) -> Result<(), DbError>;
    /// The number a `SELECT count(*) …` returns.
    ///
    /// Errors: the database's message.
    fn count(&mut self, sql: &str) -> Result<usize, DbError>;
    /// Runs a statement with text parameters once per row.
    ///
    /// Errors: the database's message.
    fn insert_many(&mut self, sql: &str, rows: &[Vec<String>]) -> Result<(), DbError>;
    /// Appends `rows` (text cells, as many as the table has columns) to the table `table`:
    /// on PostgreSQL by `COPY`, one stream for all rows.
    ///
    /// Errors: the database's message.
    fn copy_in(&mut self, table: &str, rows: &[Vec<String>]) -> Result<(), DbError>;
    /// The rows of a `SELECT` of `width` text columns and then one integer.
    ///
    /// Errors: the database's message.
    fn select_rows(&mut self, sql: &str, width: usize) -> Result<Vec<(Vec<String>, i64)>, DbError>;
    /// As [`Database::select_rows`], with text parameters (`$1…` / `?1…`).
    ///
    /// Errors: the database's message.
    fn select_rows_with(
        &mut self,
        sql: &str,
        params: &[String],
        width: usize,
    ) -> Result<Vec<(Vec<String>, i64)>, DbError>;
    /// The column names of the rows a `SELECT` returns (it is prepared, not run).
    ///
    /// Errors: the database's message (an unknown table, say).
    fn column_names(&mut self, sql: &str) -> Result<Vec<String>, DbError>;
    /// The rows of a `SELECT` of `width` text columns, each cell `None` where it is `NULL`.
    ///
    /// Errors: the database's message.
    fn select_cells(
        &mut self,
        sql: &str,
        width: usize,
    ) -> Result<Vec<Vec<Option<String>>>, DbError>;
}

/// An open database and its dialect.
pub type Connection = (Box<dyn Database>, Dialect);

/// Opens the database of a SQL engine (`None` for [`Engine::Memory`]), with `config`'s time
/// limit and cancel flag stopping long statements.
///
/// Errors: a database that cannot be opened or reached ([`Code::Database`]).
pub fn connect(engine: &Engine, config: &EvalConfig) -> Result<Option<Connection>, Diagnostic> {
    let fail = |e: String| Diagnostic::unplaced(Code::Database, e);
    Ok(match engine {
        Engine::Memory => None,
        Engine::Sqlite(path) => Some((
            Box::new(sqlite::Sqlite::open(path, config).map_err(fail)?),
            Dialect::Sqlite,
        )),
        Engine::Postgres(url) => Some((
            Box::new(postgres::Postgres::connect(url, config).map_err(fail)?),
            Dialect::Postgres,
        )),
    })
}

/// Evaluates `rules` with the facts `edb` on `db` (`types`: the declared column types): the
/// same model as
/// [`crate::engine::evaluate`] (every tuple, every height), left in the database's tables
/// and read back.
///
/// With a `stamp`, the model is recorded as evaluated from what it describes (see
/// [`stored`]), so a later reading may fetch its tuples instead of evaluating again; the
/// `lookups` (a predicate and the columns a reading binds) get an index each.
///
/// Errors: as [`crate::engine::evaluate`], and a rule the dialect cannot evaluate or a
/// statement the database refused ([`EvalError::Program`]).
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    db: &mut dyn Database,
    dialect: Dialect,
    rules: &[Rule],
    edb: &FactRows,
    types: &kinds::ColumnTypes,
    interner: &mut Interner,
    config: &EvalConfig,
    stored: run::Keep<'_>,
) -> Result<Model, EvalError> {
    let arity = run::edb_arity(edb);
    let script = compile(rules, &arity, types, interner, dialect).map_err(EvalError::Program)?;
    // Constants are interned in the order the in-memory evaluator interns them, so a
    // version written two ways reads back in the form it reads first there.
    for r in rules.iter().filter(|r| r.is_fact()) {
        for c in r.head.args.iter().filter_map(crate::ir::Term::as_const) {
            interner.intern(c);
        }
    }
    let facts = facts(rules, edb, interner);
    run::evaluate(db, &script, &facts, interner, config, stored, &arity)
}
