//! The abstract syntax of queries and query files (`.kbq`).

use super::{Atom, Const, Literal, Term};
use crate::source::Span;
use std::fmt;

/// A query, as typed in the REPL, given on the command line, or read from a query file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Query {
    /// `?- l1, …, ln`: all bindings of the body's variables.
    Conjunctive {
        /// The body.
        body: Vec<Literal>,
        /// Where it was written.
        span: Span,
    },
    /// `p? a1 … ak`: asks `p(a1, …, ak, V…)`; the free trailing columns are the answer.
    Question {
        /// The predicate asked.
        pred: String,
        /// The given arguments (constants or `_`).
        args: Vec<Term>,
        /// Where it was written.
        span: Span,
    },
    /// `why ATOM`: the proof tree of a tuple.
    Why(Atom),
    /// `why not ATOM`: why a tuple is not derived.
    WhyNot(Atom),
    /// `why #K`: expands handle `K` of an explanation cut by a depth limit.
    Handle {
        /// The handle's number.
        number: usize,
        /// Where it was written.
        span: Span,
    },
}

impl Query {
    /// Where the query was written.
    pub fn span(&self) -> Span {
        match self {
            Query::Conjunctive { span, .. }
            | Query::Question { span, .. }
            | Query::Handle { span, .. } => *span,
            Query::Why(a) | Query::WhyNot(a) => a.span,
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Conjunctive { body, .. } => {
                write!(f, "?- ")?;
                for (i, l) in body.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{l}")?;
                }
                Ok(())
            }
            Query::Question { pred, args, .. } => {
                write!(f, "{pred}?")?;
                for a in args {
                    write!(f, " {a}")?;
                }
                Ok(())
            }
            Query::Why(a) => write!(f, "why {a}"),
            Query::WhyNot(a) => write!(f, "why not {a}"),
            Query::Handle { number, .. } => write!(f, "why #{number}"),
        }
    }
}

/// An expectation of a query file, checked against the answer of the query before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// `expect VALUE.`: the verdict (a question's answer value, `unknown`, or for other
    /// queries `yes` / `no`).
    Verdict(Const),
    /// `expect rows N.`: the number of answer rows.
    Rows(i64),
    /// `expect rows (…), (…).`: exactly these rows, in any order.
    ExactRows(Vec<Vec<Const>>),
    /// `expect row (c1, …).`: the answer contains this row.
    Row(Vec<Const>),
    /// `expect uses P.` / `expect uses "file:line".`: some proof uses a clause of predicate
    /// `P`, or the clause written at that place (the file's path may be given by its end).
    Uses(String),
    /// `expect cites S [LINE].`: some proof cites source `S` (at that line).
    Cites {
        /// The source's name.
        source: String,
        /// The line of its text, when given.
        line: Option<i64>,
    },
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::Verdict(c) => write!(f, "expect {c}"),
            Expectation::Rows(n) => write!(f, "expect rows {n}"),
            Expectation::ExactRows(rows) => {
                let rows: Vec<String> = rows.iter().map(|r| row_text(r)).collect();
                write!(f, "expect rows {}", rows.join(", "))
            }
            Expectation::Row(r) => write!(f, "expect row {}", row_text(r)),
            Expectation::Uses(u) if u.contains(':') => write!(f, "expect uses {u:?}"),
            Expectation::Uses(u) => write!(f, "expect uses {u}"),
            Expectation::Cites { source, line: None } => write!(f, "expect cites {source}"),
            Expectation::Cites {
                source,
                line: Some(l),
            } => write!(f, "expect cites {source} {l}"),
        }
    }
}

/// `(c1, …, cn)`, as rows are written in expectations and reports.
pub fn row_text(r: &[Const]) -> String {
    let v: Vec<String> = r.iter().map(Const::to_string).collect();
    format!("({})", v.join(", "))
}

/// `assume FACT.` or `retract FACT.` of a query file: a change of the scenario the queries
/// after it are asked in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioStep {
    /// True for `assume`, false for `retract`.
    pub assume: bool,
    /// The fact (a ground atom).
    pub fact: Atom,
    /// Where the step is written.
    pub span: Span,
}

/// A query of a query file with the expectations that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptItem {
    /// The scenario steps written before it (since the previous query), in order.
    pub setup: Vec<ScenarioStep>,
    /// The query.
    pub query: Query,
    /// Its expectations, in order.
    pub expectations: Vec<ExpectationAt>,
}

/// An expectation with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectationAt {
    /// The expectation.
    pub expectation: Expectation,
    /// Where.
    pub span: Span,
}

/// `kb "PATH".` of a query file: the knowledge base it asks, relative to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbUse {
    /// The path as written.
    pub path: String,
    /// Where.
    pub span: Span,
}

/// A parsed query file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// `kb "PATH".`: the knowledge base the file asks.
    pub kb: Option<KbUse>,
    /// `inventory "DIR".`: the inventory folder the estate rules read, relative to the file.
    pub inventory: Option<KbUse>,
    /// The queries, in order.
    pub items: Vec<ScriptItem>,
}
