//! Typed columns: a predicate column its `decl` types `integer`, `string` or `symbol` is
//! stored as the database's own type (`BIGINT`/`INTEGER`, or `TEXT` without the kind's
//! tag) when every value it can hold is of that type; every other column holds the tagged
//! text of [`super::values`].
//!
//! The type checker lets a rule put an untyped variable in a typed column (the value is not
//! checked at run time in memory either), so a column is stored typed only when each rule
//! deriving the predicate puts there a constant of the type or a variable that some
//! positive atom of its body reads from a column of the same type. Facts, files and tables
//! are checked against the declaration when they are read. Versions stay tagged text
//! (their order is by parts, which the encoding gives).
//!
//! Statements read and write such a column through [`Kind::read`], [`Kind::write`] and
//! [`Kind::eq`], so every other part of the script sees tagged text only.

use super::Dialect;
use super::values::{encode, int_literal, quote};
use crate::ir::{Const, Literal, Pred, Rule, Term};
use crate::syntax::ColType;
use std::collections::{BTreeMap, HashMap};

/// The declared column types of the predicates (`None`: untyped).
pub type ColumnTypes = HashMap<Pred, Vec<Option<ColType>>>;

/// How a column stores its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Tagged text (any constant).
    Encoded,
    /// A 64-bit integer.
    Integer,
    /// A symbol's name.
    Symbol,
    /// A string's characters.
    Text,
}

impl Kind {
    /// The column's SQL type.
    pub fn sql_type(self, d: Dialect) -> &'static str {
        match (self, d) {
            (Kind::Integer, _) => d.bigint(),
            (_, Dialect::Sqlite) => "TEXT",
            (_, Dialect::Postgres) => "TEXT COLLATE \"C\"",
        }
    }

    /// The tagged text of the column `col` (an expression naming it).
    pub fn read(self, d: Dialect, col: &str) -> String {
        match self {
            Kind::Encoded => col.to_string(),
            Kind::Integer => d.from_int(col),
            Kind::Symbol => format!("('s:' || {col})"),
            Kind::Text => format!("('t:' || {col})"),
        }
    }

    /// The column's value for the tagged text `e` (`NULL` for a value of another kind).
    pub fn write(self, d: Dialect, e: &str) -> String {
        match self {
            Kind::Encoded => e.to_string(),
            Kind::Integer => d.to_int(e),
            Kind::Symbol => format!("(CASE WHEN substr({e}, 1, 2) = 's:' THEN substr({e}, 3) END)"),
            Kind::Text => format!("(CASE WHEN substr({e}, 1, 2) = 't:' THEN substr({e}, 3) END)"),
        }
    }

    /// The condition that column `col` holds the tagged text `e`.
    pub fn eq(self, d: Dialect, col: &str, e: &str) -> String {
        format!("{col} = {}", self.write(d, e))
    }

    /// The column's SQL literal for the constant `c` (`NULL` when it is of another kind).
    pub fn literal(self, c: &Const) -> String {
        match (self, c) {
            (Kind::Encoded, _) => quote(&encode(c)),
            (Kind::Integer, Const::Int(n)) => int_literal(*n),
            (Kind::Symbol, Const::Sym(s)) | (Kind::Text, Const::Str(s)) => quote(s),
            _ => "NULL".into(),
        }
    }

    /// The value a fact's tagged text is stored as (a parameter of the fact's `INSERT`).
    pub fn param(self, d: Dialect, p: &str) -> String {
        match self {
            Kind::Encoded => p.to_string(),
            _ => self.write(d, &format!("CAST({p} AS TEXT)")),
        }
    }
}

fn of_type(t: Option<ColType>) -> Kind {
    match t {
        Some(ColType::Integer) => Kind::Integer,
        Some(ColType::Symbol | ColType::Boolean) => Kind::Symbol,
        Some(ColType::String) => Kind::Text,
        _ => Kind::Encoded,
    }
}

/// The kind of every column of the predicates `widths` names, for the rules `rules`.
pub fn kinds(
    rules: &[Rule],
    widths: &BTreeMap<Pred, usize>,
    types: &ColumnTypes,
) -> BTreeMap<Pred, Vec<Kind>> {
    let declared =
        |p: &Pred, i: usize| of_type(types.get(p).and_then(|t| t.get(i).copied().flatten()));
    let mut out: BTreeMap<Pred, Vec<Kind>> = widths
        .iter()
        .map(|(p, w)| (p.clone(), (0..*w).map(|i| declared(p, i)).collect()))
        .collect();
    // A column read from one that turns out untyped is untyped too: until nothing changes.
    loop {
        let mut untyped = Vec::new();
        for r in rules.iter().filter(|r| !r.is_fact()) {
            let Some(cols) = out.get(&r.head.pred) else {
                continue;
            };
            for (i, t) in r.head.args.iter().enumerate() {
                let Some(k) = cols.get(i).copied().filter(|k| *k != Kind::Encoded) else {
                    continue;
                };
                let typed = match t {
                    Term::Const(c) => k.literal(c) != "NULL",
                    Term::Var(v) => r.body.iter().any(|l| match l {
                        Literal::Pos(a) => a.args.iter().enumerate().any(|(j, x)| {
                            matches!(x, Term::Var(w) if w == v)
                                && out.get(&a.pred).and_then(|c| c.get(j)) == Some(&k)
                        }),
                        _ => false,
                    }),
                    Term::Wildcard => false,
                };
                if !typed {
                    untyped.push((r.head.pred.clone(), i));
                }
            }
        }
        if untyped.is_empty() {
            break;
        }
        for (p, i) in untyped {
            if let Some(c) = out.get_mut(&p) {
                c[i] = Kind::Encoded;
            }
        }
    }
    out
}
