//! The PostgreSQL connection (the `postgres` crate's synchronous client).
//!
//! `matches` is PostgreSQL's `~` on the pattern anchored at both ends (a `.` rewritten not
//! to match a line break unless the pattern starts with `(?s)`, see `dots`): its regular
//! expressions (POSIX advanced) agree with Rust's `regex` on the common syntax (classes,
//! repetition, alternation, groups) but not everywhere (`\d` inside brackets, look-around).

use super::Database;
use crate::engine::EvalConfig;
use postgres::{Client, NoTls};

/// A connection to one PostgreSQL database.
pub(super) struct Postgres {
    client: Client,
    /// The statements of parameterised lookups, prepared once each.
    prepared: std::collections::HashMap<String, postgres::Statement>,
}

impl Postgres {
    /// Connects to `url`; statements stop at `config`'s time limit (`statement_timeout`).
    ///
    /// Errors: the server cannot be reached or refuses the connection.
    pub(super) fn connect(url: &str, config: &EvalConfig) -> Result<Self, String> {
        let mut client = Client::connect(url, NoTls)
            .map_err(|e| format!("cannot connect to PostgreSQL at {url}: {e}"))?;
        client
            .batch_execute("SET client_min_messages = warning")
            .map_err(|e| e.to_string())?;
        if let Some(t) = config.timeout {
            client
                .batch_execute(&format!("SET statement_timeout = {}", t.as_millis().max(1)))
                .map_err(|e| e.to_string())?;
        }
        Ok(Postgres {
            client,
            prepared: Default::default(),
        })
    }
}

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

fn refused(e: postgres::Error, sql: &str) -> String {
    let detail = e
        .as_db_error()
        .map_or(e.to_string(), |d| d.message().to_string());
    format!("PostgreSQL refused a statement: {detail}\n{sql}")
}

impl Database for Postgres {
    fn execute(&mut self, sql: &str) -> Result<(), String> {
        self.client.batch_execute(sql).map_err(|e| refused(e, sql))
    }

    fn count(&mut self, sql: &str) -> Result<usize, String> {
        let row = self
            .client
            .query_one(sql, &[])
            .map_err(|e| refused(e, sql))?;
        Ok(row.get::<_, i64>(0) as usize)
    }

    fn insert_many(&mut self, sql: &str, rows: &[Vec<String>]) -> Result<(), String> {
        let stmt = self.client.prepare(sql).map_err(|e| refused(e, sql))?;
        for row in rows {
            let params: Vec<&(dyn postgres::types::ToSql + Sync)> = row
                .iter()
                .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                .collect();
            self.client
                .execute(&stmt, &params)
                .map_err(|e| refused(e, sql))?;
        }
        Ok(())
    }

    fn copy_in(&mut self, table: &str, rows: &[Vec<String>]) -> Result<(), String> {
        use std::io::Write;
        let sql = format!("COPY {table} FROM STDIN");
        let mut w = self.client.copy_in(&sql).map_err(|e| refused(e, &sql))?;
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
                .map_err(|e| format!("PostgreSQL refused a row of COPY: {e}\n{sql}"))?;
        }
        w.finish().map_err(|e| refused(e, &sql))?;
        Ok(())
    }

    fn select_rows(&mut self, sql: &str, width: usize) -> Result<Vec<(Vec<String>, i64)>, String> {
        let rows = self.client.query(sql, &[]).map_err(|e| refused(e, sql))?;
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
    ) -> Result<Vec<(Vec<String>, i64)>, String> {
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let stmt = match self.prepared.get(sql) {
            Some(s) => s.clone(),
            None => {
                let s = self.client.prepare(sql).map_err(|e| refused(e, sql))?;
                self.prepared.insert(sql.to_string(), s.clone());
                s
            }
        };
        let rows = self
            .client
            .query(&stmt, &params)
            .map_err(|e| refused(e, sql))?;
        Ok(rows
            .iter()
            .map(|r| {
                let vals = (0..width).map(|i| r.get::<_, String>(i)).collect();
                (vals, r.get::<_, i64>(width))
            })
            .collect())
    }

    fn column_names(&mut self, sql: &str) -> Result<Vec<String>, String> {
        let stmt = self.client.prepare(sql).map_err(|e| refused(e, sql))?;
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
    ) -> Result<Vec<Vec<Option<String>>>, String> {
        let rows = self.client.query(sql, &[]).map_err(|e| refused(e, sql))?;
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
