//! The PostgreSQL connection (the `postgres` crate's synchronous client).
//!
//! `matches` is PostgreSQL's `~` on the pattern anchored at both ends (a `.` rewritten not
//! to match a line break unless the pattern starts with `(?s)`, see `dots`): its regular
//! expressions (POSIX advanced) agree with Rust's `regex` on the common syntax (classes,
//! repetition, alternation, groups) but not everywhere (`\d` inside brackets, look-around).

use super::{Database, DbError};
use crate::engine::EvalConfig;
use postgres::{Client, NoTls};

/// A connection to one PostgreSQL database.
pub(super) struct Postgres {
    client: Client,
    /// The message of a lock held past the wait.
    locked: String,
    /// The database as messages name it (`the PostgreSQL database URL`, no password).
    shown: String,
    /// The statements of parameterised lookups, prepared once each.
    prepared: std::collections::HashMap<String, postgres::Statement>,
}

impl Postgres {
    /// Connects to `url`; statements stop at `config`'s time limit (`statement_timeout`),
    /// and a lock another session holds is waited for at most [`LOCK_WAIT`] (or that
    /// limit, when shorter: `lock_timeout`), as on SQLite.
    ///
    /// Errors: the server cannot be reached or refuses the connection.
    pub(super) fn connect(url: &str, config: &EvalConfig) -> Result<Self, String> {
        let shown = super::Engine::Postgres(url.to_string()).described();
        let mut client =
            Client::connect(url, NoTls).map_err(|e| format!("cannot connect to {shown}: {e}"))?;
        let wait = config.timeout.map_or(LOCK_WAIT, |t| t.min(LOCK_WAIT));
        let mut settings = format!(
            "SET client_min_messages = warning; SET lock_timeout = {}",
            wait.as_millis().max(1)
        );
        if let Some(t) = config.timeout {
            settings.push_str(&format!(
                "; SET statement_timeout = {}",
                t.as_millis().max(1)
            ));
        }
        client
            .batch_execute(&settings)
            .map_err(|e| format!("cannot use {shown}: {e}"))?;
        Ok(Postgres {
            client,
            locked: format!(
                "{shown} is locked by another session (waited {} s): try again when it is done",
                wait.as_secs_f64()
            ),
            shown,
            prepared: Default::default(),
        })
    }

    /// What `e`, from running `sql`, says: the database's state (the connection lost, a
    /// lock held past the wait, the server out of resources or shutting down, a missing
    /// privilege, a read-only transaction, a cancelled statement), naming the database;
    /// else a statement refused.
    fn failed(&self, e: postgres::Error, sql: &str) -> DbError {
        failure(&self.shown, &self.locked, e, sql)
    }
}

/// [`Postgres::failed`] of the database `shown`, whose lock message is `locked`.
fn failure(shown: &str, locked: &str, e: postgres::Error, sql: &str) -> DbError {
    {
        let Some(d) = e.as_db_error() else {
            // No answer from the server: the connection is gone (or never worked).
            return DbError::unavailable(format!("{shown}: the connection failed: {e}"));
        };
        let code = d.code().code();
        if code == "55P03" {
            return DbError::unavailable(locked.to_string());
        }
        let state = ["08", "53", "57", "58", "40"]
            .iter()
            .any(|class| code.starts_with(class))
            || ["42501", "25006", "3D000"].contains(&code)
            || e.is_closed();
        if state {
            DbError::unavailable(format!("{shown} cannot be used: {}", d.message()))
        } else {
            DbError::refused(format!(
                "PostgreSQL refused a statement: {}\n{sql}",
                d.message()
            ))
        }
    }
}

/// Longest supportkb waits for another session's lock (or `--timeout`, when shorter).
const LOCK_WAIT: std::time::Duration = super::sqlite::LOCK_WAIT;

/// `cell` as a field of `COPY`'s text format: backslash, tab, line feed and carriage
/// return escaped (so no cell reads as `\N`, the null).
fn copy_text(cell: &str, out: &mut String) {
    for ch in cell.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

impl Database for Postgres {
    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        self.client
            .batch_execute(sql)
            .map_err(|e| self.failed(e, sql))
    }

    fn count(&mut self, sql: &str) -> Result<usize, DbError> {
        let row = self
            .client
            .query_one(sql, &[])
            .map_err(|e| self.failed(e, sql))?;
        Ok(row.get::<_, i64>(0) as usize)
    }

    fn insert_many(&mut self, sql: &str, rows: &[Vec<String>]) -> Result<(), DbError> {
        let stmt = self.client.prepare(sql).map_err(|e| self.failed(e, sql))?;
        for row in rows {
            let params: Vec<&(dyn postgres::types::ToSql + Sync)> = row
                .iter()
                .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                .collect();
            self.client
                .execute(&stmt, &params)
                .map_err(|e| self.failed(e, sql))?;
        }
        Ok(())
    }

    fn copy_in(&mut self, table: &str, rows: &[Vec<String>]) -> Result<(), DbError> {
        use std::io::Write;
        let sql = format!("COPY {table} FROM STDIN");
        let (shown, locked) = (self.shown.clone(), self.locked.clone());
        let fail = |e| failure(&shown, &locked, e, &sql);
        let mut w = self.client.copy_in(&sql).map_err(fail)?;
        let mut buf = String::new();
        for row in rows {
            buf.clear();
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    buf.push('\t');
                }
                copy_text(cell, &mut buf);
            }
            buf.push('\n');
            w.write_all(buf.as_bytes())
                .map_err(|e| DbError::unavailable(format!("{shown}: a row of COPY failed: {e}")))?;
        }
        w.finish().map_err(fail)?;
        Ok(())
    }

    fn select_rows(&mut self, sql: &str, width: usize) -> Result<Vec<(Vec<String>, i64)>, DbError> {
        let rows = self
            .client
            .query(sql, &[])
            .map_err(|e| self.failed(e, sql))?;
        Ok(rows
            .iter()
            .map(|r| {
                let vals = (0..width).map(|i| r.get::<_, String>(i)).collect();
                (vals, r.get::<_, i64>(width))
            })
            .collect())
    }

    fn select_rows_with(
        &mut self,
        sql: &str,
        params: &[String],
        width: usize,
    ) -> Result<Vec<(Vec<String>, i64)>, DbError> {
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let stmt = match self.prepared.get(sql) {
            Some(s) => s.clone(),
            None => {
                let s = self.client.prepare(sql).map_err(|e| self.failed(e, sql))?;
                self.prepared.insert(sql.to_string(), s.clone());
                s
            }
        };
        let rows = self
            .client
            .query(&stmt, &params)
            .map_err(|e| self.failed(e, sql))?;
        Ok(rows
            .iter()
            .map(|r| {
                let vals = (0..width).map(|i| r.get::<_, String>(i)).collect();
                (vals, r.get::<_, i64>(width))
            })
            .collect())
    }

    fn column_names(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        let stmt = self.client.prepare(sql).map_err(|e| self.failed(e, sql))?;
        Ok(stmt
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect())
    }

    fn select_cells(
        &mut self,
        sql: &str,
        width: usize,
    ) -> Result<Vec<Vec<Option<String>>>, DbError> {
        let rows = self
            .client
            .query(sql, &[])
            .map_err(|e| self.failed(e, sql))?;
        Ok(rows
            .iter()
            .map(|r| (0..width).map(|i| r.get::<_, Option<String>>(i)).collect())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_fields_escape_what_the_text_format_reads_specially() {
        let mut out = String::new();
        super::copy_text("a\tb\\c\nd\re \\N", &mut out);
        assert_eq!(out, "a\\tb\\\\c\\nd\\re \\\\N");
    }
}
