//! A [`Script`] as text a database administrator can read and run: the schema, the facts,
//! and for each stratum the statements that start it, those of one round and those that
//! end a round, in the order supportkb runs them.

use super::Dialect;
use super::input::{TableInput, table_inserts};
use super::run::{EncodedFacts, fact_insert, schema, seed, transfer, version_insert};
use super::script::Script;
use super::values::quote;
use std::fmt::Write;

/// The script as SQL text with comments. `:next_height` stands for the number of the round
/// after the current one (the first round of the program is 1; facts have height 0).
/// `versions` are the rows of the version table (value, text as first written); `tables`
/// the `from table` inputs, read by statements after the schema (before the facts, as the
/// engine reads them).
pub fn render(
    script: &Script,
    facts: &EncodedFacts,
    versions: &[Vec<String>],
    tables: &[TableInput],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- supportkb: the knowledge base as SQL for {} ({}, {}).\n\
         -- A typed column holds its type (BIGINT/INTEGER, TEXT); every other column holds a\n\
         -- constant as tagged text: s:symbol, t:string, i:p/i:n and 19 digits for integers,\n\
         -- v: for versions (see the README). Run the statements in order;\n\
         -- repeat a stratum's round while any _next table received a row.",
        script.dialect.name(),
        crate::source::plural_as(script.strata.len(), "stratum", "strata"),
        crate::source::plural(script.tables.len(), "table")
    );
    if script.dialect == Dialect::Sqlite {
        out.push_str(
            "-- `X REGEXP P` needs a function regexp(P, X) that matches the whole of X, and\n\
             -- lower, upper, to_int and split a function skb_compute(NAME, ARG...) computing them,\n\
             -- and cells of tables a function skb_field(TYPE, TEXT) converting them.\n",
        );
    }
    out.push_str("\n-- Schema\n");
    for s in schema(script) {
        let _ = writeln!(out, "{s};");
    }
    for input in tables {
        let Some(&t) = script.pred_tables.get(&input.pred) else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n-- Facts of {} from the table `{}` (height 0; a row with a NULL gives no tuple;\n-- read first, so a version these rows write is written as they write it)",
            input.pred, input.table
        );
        for q in table_inserts(&script.tables[t], input, script.dialect) {
            let _ = writeln!(out, "{q};");
        }
    }
    out.push_str("\n-- Versions, as first written\n");
    for row in versions {
        let _ = writeln!(
            out,
            "{};",
            bind(&version_insert(script.dialect), row, script.dialect)
        );
    }
    out.push_str("\n-- Facts (height 0)\n");
    for (p, rows) in facts {
        let t = &script.tables[script.pred_tables[p]];
        let sql = fact_insert(t, script.dialect);
        for row in rows {
            let _ = writeln!(out, "{};", bind(&sql, row, script.dialect));
        }
    }
    for (i, s) in script.strata.iter().enumerate() {
        let names: Vec<String> = s.preds.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "\n-- Stratum {}: {}", i + 1, names.join(", "));
        out.push_str("-- Start: the facts of its predicates are their new rows.\n");
        for p in &s.preds {
            for q in seed(&script.tables[script.pred_tables[p]]) {
                let _ = writeln!(out, "{q};");
            }
        }
        out.push_str("-- Each round:\n");
        for op in &s.ops {
            let when = if op.first_round_only {
                " [first round only]"
            } else {
                ""
            };
            let _ = writeln!(out, "-- {}{when}\n{};", op.comment, op.sql);
        }
        out.push_str("-- End of a round: new rows get the next height and become the delta.\n");
        for &v in &s.vars {
            for q in transfer(&script.tables[v], ":next_height", script.dialect) {
                let _ = writeln!(out, "{q};");
            }
        }
    }
    out
}

/// `sql` with its numbered parameters replaced by the quoted values of `row`.
fn bind(sql: &str, row: &[String], dialect: Dialect) -> String {
    let mut stmt = sql.to_string();
    // Highest-numbered first, so `?1` is not replaced inside `?10`.
    for (i, v) in row.iter().enumerate().rev() {
        let mark = match dialect {
            Dialect::Sqlite => format!("?{}", i + 1),
            Dialect::Postgres => format!("${}", i + 1),
        };
        stmt = stmt.replace(&mark, &quote(v));
    }
    stmt
}
