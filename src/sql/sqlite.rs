//! The SQLite connection (rusqlite, with SQLite bundled: no system library needed).
//!
//! SQLite has no regular expressions of its own: `X REGEXP P` calls a function `regexp`
//! that each connection defines. supportkb defines it with the engine's meaning
//! (`matches`: the pattern, in Rust `regex` syntax, matches the whole text; an invalid
//! pattern matches nothing), so a script printed for SQLite needs this definition (or a
//! whole-match `regexp` of its own) to run elsewhere.
//!
//! The built-ins SQL cannot compute with the engine's meaning (`lower` and `upper`: SQLite's
//! fold ASCII only; `to_int`, `split`) are the function `skb_compute(NAME, ARG…)` each
//! connection defines: it decodes its arguments, computes the built-in as the in-memory
//! engine does, and encodes the value (`NULL` where the engine's literal fails). A printed
//! script reads the cells of a `from table` input through `skb_field(TYPE, TEXT)`, which
//! converts them as the engine converts a file's fields. [`define_functions`] defines all
//! three on a connection of one's own.

use super::values::{decode_const, encode};
use super::{Database, DbError};
use crate::engine::EvalConfig;
use crate::engine::facts::Columns;
use crate::engine::functions::compute;
use crate::ir::{Builtin, compile_regex};
use crate::syntax::ColType;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, ErrorCode, params_from_iter};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// A connection to one SQLite database file.
pub(super) struct Sqlite {
    conn: Connection,
    /// The database as messages name it (`the SQLite database FILE`).
    shown: String,
    /// The message of a lock held past the wait.
    locked: String,
    /// The file (or its folder) cannot be written: a model stored in it can be read, but
    /// nothing evaluated into it.
    read_only: bool,
}

/// Longest supportkb waits for another process's lock on a database file (or `--timeout`,
/// when shorter) before it gives up.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

impl Sqlite {
    /// Opens (creating if missing) the database at `path`, waiting at most [`LOCK_WAIT`]
    /// (or `config`'s time limit, when shorter) for another process's lock on it; a
    /// statement still running past `config`'s time limit, or when its cancel flag is set,
    /// is interrupted.
    ///
    /// A file supportkb cannot write (or whose folder it cannot write) is opened for
    /// reading: a statement that writes then fails, saying it is read-only.
    ///
    /// Errors: the file cannot be opened as a SQLite database (a directory, a text file, a
    /// missing file in a folder supportkb cannot write), or another process kept it locked
    /// past the wait.
    pub(super) fn open(path: &Path, config: &EvalConfig) -> Result<Self, String> {
        let shown = path.display();
        let conn = Connection::open(path)
            .map_err(|e| format!("cannot open the SQLite database {shown}: {e}"))?;
        let wait = config.timeout.map_or(LOCK_WAIT, |t| t.min(LOCK_WAIT));
        conn.busy_timeout(wait).map_err(|e| e.to_string())?;
        let locked = format!(
            "the SQLite database {shown} is locked by another process (waited {} s): try \
             again when it is done",
            wait.as_secs_f64()
        );
        let writable = probe(&conn).map_err(|e| match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => locked.clone(),
            Some(ErrorCode::NotADatabase) => {
                format!("{shown} is not a SQLite database (SQLite says: {e})")
            }
            _ => format!("cannot use {shown} as a SQLite database: {e}"),
        })?;
        define_functions(&conn).map_err(|e| e.to_string())?;
        let (timeout, cancel, started) = (config.timeout, config.cancel.clone(), Instant::now());
        conn.progress_handler(
            10_000,
            Some(move || {
                timeout.is_some_and(|t| started.elapsed() > t)
                    || cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
            }),
        );
        Ok(Sqlite {
            conn,
            shown: format!("the SQLite database {shown}"),
            locked,
            read_only: !writable,
        })
    }
}

/// Reads the schema and writes a table in a transaction rolled back: whether the file can
/// be written (`false`: it, or its folder, where the journal goes, is read-only). Fails on
/// a file that is not a database and one another process holds locked past the busy
/// timeout.
fn probe(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    let written = conn
        .execute_batch("BEGIN IMMEDIATE")
        .and_then(|()| conn.execute_batch("CREATE TABLE skb_probe (x INTEGER)"));
    let rolled_back = conn.execute_batch("ROLLBACK");
    match written {
        Ok(()) => rolled_back.map(|()| true),
        Err(e) if read_only(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether `e` says the file cannot be written (read-only, or no journal can be created).
fn read_only(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied)
    )
}

/// Defines on `conn` the functions a script printed for SQLite calls: `regexp(P, X)`
/// (`matches`), `skb_compute(NAME, ARG…)` (the built-ins SQL lacks) and
/// `skb_field(TYPE, TEXT)` (a cell of a table read as a file's field of a column of
/// `TYPE` is: `integer`, `string`, `symbol`, `version` or `any`; encoded, an error for a
/// cell not of its type).
///
/// Errors: SQLite's, if a function cannot be defined.
pub fn define_functions(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "regexp",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let (Some(pattern), Some(text)) =
                (ctx.get::<Option<String>>(0)?, ctx.get::<Option<String>>(1)?)
            else {
                return Ok(None);
            };
            Ok(Some(
                compile_regex(&pattern).is_ok_and(|r| r.is_match(&text)),
            ))
        },
    )?;
    conn.create_scalar_function(
        "skb_compute",
        -1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let name = ctx.get::<String>(0)?;
            let Some(b) = Builtin::from_name(&name) else {
                return Ok(None);
            };
            let mut inputs = Vec::with_capacity(ctx.len().saturating_sub(1));
            for i in 1..ctx.len() {
                match ctx
                    .get::<Option<String>>(i)?
                    .as_deref()
                    .and_then(decode_const)
                {
                    Some(c) => inputs.push(c),
                    None => return Ok(None),
                }
            }
            Ok(compute(b, &inputs).map(|c| encode(&c)))
        },
    )?;
    conn.create_scalar_function(
        "skb_field",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let (ty, Some(text)) = (ctx.get::<String>(0)?, ctx.get::<Option<String>>(1)?) else {
                return Ok(None);
            };
            let columns = Columns {
                names: vec![String::new()],
                types: vec![ColType::from_name(&ty)],
            };
            columns
                .value(0, &text, false)
                .map(|c| Some(encode(&c)))
                .map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
        },
    )?;
    Ok(())
}

impl Sqlite {
    /// What `e`, from running `sql`, says: the database's state (a lock held past the wait,
    /// an I/O error, a full disk, a read-only or damaged file), naming the file; else a
    /// statement refused.
    fn failed(&self, e: rusqlite::Error, sql: &str) -> DbError {
        if self.read_only && read_only(&e) {
            return DbError::unavailable(format!(
                "{} is read-only: supportkb reads a model stored in it but cannot evaluate \
                 into it (make the file and its folder writable, or use another file)",
                self.shown
            ));
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                DbError::unavailable(self.locked.clone())
            }
            Some(
                ErrorCode::ReadOnly
                | ErrorCode::DiskFull
                | ErrorCode::SystemIoFailure
                | ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::DatabaseCorrupt
                | ErrorCode::NotADatabase
                | ErrorCode::OutOfMemory
                | ErrorCode::FileLockingProtocolFailed
                | ErrorCode::OperationInterrupted,
            ) => DbError::unavailable(format!("{} cannot be used: {e}", self.shown)),
            _ => DbError::refused(format!("SQLite refused a statement: {e}\n{sql}")),
        }
    }
}

impl Database for Sqlite {
    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        // An evaluation's transaction takes the write lock at once (waiting for another
        // process's up to the busy timeout): two evaluations of one file run one after the
        // other, where deferred ones could fail midway.
        let sql = if sql == "BEGIN" {
            "BEGIN IMMEDIATE"
        } else {
            sql
        };
        self.conn
            .execute_batch(sql)
            .map_err(|e| self.failed(e, sql))
    }

    fn count(&mut self, sql: &str) -> Result<usize, DbError> {
        self.conn
            .query_row(sql, [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.failed(e, sql))
    }

    fn insert_many(&mut self, sql: &str, rows: &[Vec<String>]) -> Result<(), DbError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.failed(e, sql))?;
        for row in rows {
            stmt.execute(params_from_iter(row.iter()))
                .map_err(|e| self.failed(e, sql))?;
        }
        Ok(())
    }

    fn copy_in(&mut self, table: &str, rows: &[Vec<String>]) -> Result<(), DbError> {
        let Some(width) = rows.first().map(Vec::len) else {
            return Ok(());
        };
        let params: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {table} VALUES ({})", params.join(", "));
        self.insert_many(&sql, rows)
    }

    fn select_rows(&mut self, sql: &str, width: usize) -> Result<Vec<(Vec<String>, i64)>, DbError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.failed(e, sql))?;
        let rows = stmt
            .query_map([], |r| {
                let vals = (0..width)
                    .map(|i| r.get::<_, String>(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((vals, r.get::<_, i64>(width)?))
            })
            .map_err(|e| self.failed(e, sql))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.failed(e, sql))
    }

    fn select_rows_with(
        &mut self,
        sql: &str,
        params: &[String],
        width: usize,
    ) -> Result<Vec<(Vec<String>, i64)>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| self.failed(e, sql))?;
        let rows = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                let vals = (0..width)
                    .map(|i| r.get::<_, String>(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((vals, r.get::<_, i64>(width)?))
            })
            .map_err(|e| self.failed(e, sql))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.failed(e, sql))
    }

    fn column_names(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        let stmt = self.conn.prepare(sql).map_err(|e| self.failed(e, sql))?;
        Ok(stmt.column_names().iter().map(|c| c.to_string()).collect())
    }

    fn select_cells(
        &mut self,
        sql: &str,
        width: usize,
    ) -> Result<Vec<Vec<Option<String>>>, DbError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.failed(e, sql))?;
        let rows = stmt
            .query_map([], |r| {
                (0..width)
                    .map(|i| r.get::<_, Option<String>>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| self.failed(e, sql))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.failed(e, sql))
    }
}
