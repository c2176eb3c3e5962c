//! `supportkb sql --dialect postgres|sqlite`: the knowledge base compiled to SQL, printed.

use super::Context;
use super::args::SqlDialect;
use super::output::{self, Exit};
use std::collections::HashMap;
use supportkb::engine::{FactRows, FactTable};
use supportkb::ir::Pred;
use supportkb::sql::input::TableInput;
use supportkb::sql::{Dialect, Engine, compile, facts, render, versions};

/// Prints the schema, the facts (the model's rows of height 0: the knowledge base's facts
/// and those its files give), the statements reading its `from table` inputs, and each
/// stratum's statements.
pub fn sql(cx: &Context, dialect: SqlDialect) -> Exit {
    let mut load = cx.load.clone();
    load.engine = Engine::Memory;
    load.tables_unread = true;
    let cx = Context {
        load,
        kb: cx.kb.clone(),
        format: cx.format,
        format_given: cx.format_given,
        opts: cx.opts,
    };
    let session = match cx.session() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let kb = &session.kb;
    let dialect = match dialect {
        SqlDialect::Postgres => Dialect::Postgres,
        SqlDialect::Sqlite => Dialect::Sqlite,
    };
    let mut edb = FactRows::new();
    let mut arity = HashMap::new();
    for (p, rel) in &kb.model.relations {
        arity.insert(p.clone(), rel.arity());
        let rows = FactTable::from_rows(
            rel.arity(),
            rel.iter().filter(|(_, h)| *h == 0).map(|(r, _)| r),
        );
        if !rows.is_empty() {
            edb.insert(p.clone(), rows);
        }
    }
    let mut interner = kb.interner.clone();
    let types = supportkb::query::kb::column_types(&kb.checked);
    let tables: Vec<TableInput> = kb
        .checked
        .program
        .inputs
        .iter()
        .filter(|d| d.table)
        .map(|d| {
            let decl = kb.checked.preds.get(d.pred.as_str());
            let arity = decl.map_or(0, |p| p.arity);
            TableInput {
                pred: Pred::user(&d.pred),
                table: d.path.clone(),
                columns: d.header.clone().unwrap_or_else(|| {
                    (0..arity)
                        .map(|i| decl.map(|p| p.column(i)).unwrap_or_default())
                        .collect()
                }),
                types: decl.map(|p| p.types.clone()).unwrap_or_default(),
            }
        })
        .collect();
    for t in &tables {
        arity.entry(t.pred.clone()).or_insert(t.columns.len());
    }
    match compile(&kb.rules, &arity, &types, &mut interner, dialect) {
        Ok(script) => {
            output::print(&render(
                &script,
                &facts(&[], &edb, &interner),
                &versions(&interner),
                &tables,
            ));
            Exit::Ok
        }
        Err(d) => {
            output::diagnostics(cx.format, &kb.sources, &d);
            Exit::Rejected
        }
    }
}
