//! Aggregates as written: `N = count : { condition_of(F, C) }`.
//!
//! The syntax follows Soufflé's (`N = count : { … }`, `S = sum V : { … }`); the meaning is
//! DESIGN §4's: the value is taken over the *distinct bindings* of the body's own variables
//! (those the rest of the rule does not use); the body's other variables form the group and
//! must be bound by the rest of the rule. `count` and `sum` of an empty group are 0; `min`
//! and `max` of an empty group give no binding (the literal fails).

use super::ast::{Literal, Span};
use std::fmt;

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggOp {
    /// Number of distinct bindings.
    Count,
    /// Sum of the value over the distinct bindings (64-bit integers; overflow fails).
    Sum,
    /// Least value (integers, versions, strings or symbols, each compared in its own kind).
    Min,
    /// Greatest value.
    Max,
}

impl AggOp {
    /// The function as written.
    pub fn as_str(self) -> &'static str {
        match self {
            AggOp::Count => "count",
            AggOp::Sum => "sum",
            AggOp::Min => "min",
            AggOp::Max => "max",
        }
    }

    /// The function named `s`.
    pub fn parse(s: &str) -> Option<AggOp> {
        Some(match s {
            "count" => AggOp::Count,
            "sum" => AggOp::Sum,
            "min" => AggOp::Min,
            "max" => AggOp::Max,
            _ => return None,
        })
    }

    /// Whether the function reads a value variable (`sum V`); `count` does not.
    pub fn takes_value(self) -> bool {
        self != AggOp::Count
    }
}

/// `result = op value : { body }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Aggregate {
    /// The variable that receives the value (bound by the aggregate, or tested when the rest
    /// of the rule binds it).
    pub result: String,
    /// The function.
    pub op: AggOp,
    /// The variable whose values `sum`, `min` and `max` take (`None` for `count`).
    pub value: Option<String>,
    /// The body whose distinct bindings are aggregated (atoms, negations, comparisons).
    pub body: Vec<Literal>,
    /// Where it was written.
    pub span: Span,
}

impl Aggregate {
    /// Calls `f` on every named variable of the body, then on the value variable.
    pub fn each_inner_var<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        for l in &self.body {
            l.each_var(f);
        }
        if let Some(v) = &self.value {
            f(v);
        }
    }
}

impl fmt::Display for Aggregate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.result, self.op.as_str())?;
        if let Some(v) = &self.value {
            write!(f, " {v}")?;
        }
        let body: Vec<String> = self.body.iter().map(Literal::to_string).collect();
        write!(f, " : {{ {} }}", body.join(", "))
    }
}
