//! Stage 6 — explain: proof trees (*why*) rebuilt top-down from a model's heights, and
//! *why not* reports for goals that do not hold.
//!
//! Enter through [`Explainer::prove`] and [`Explainer::why_not`]. The explainer reads only
//! the model and the rules; it never re-runs the evaluator. [`checker`] checks proofs
//! independently.

pub mod checker;
mod proof;
pub mod trace;
mod whynot;

pub use proof::{Explainer, Justification, Proof, Quote};
pub use whynot::{BlockCause, Blocked, RuleTrial, WhyNot};

use crate::syntax::Const;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A ground atom for display and JSON: `pred(c1, …, cn)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroundAtom {
    /// Predicate name.
    pub pred: String,
    /// Arguments.
    pub args: Vec<Const>,
}

impl fmt::Display for GroundAtom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.pred)?;
        if !self.args.is_empty() {
            let a: Vec<String> = self.args.iter().map(Const::to_string).collect();
            write!(f, "({})", a.join(", "))?;
        }
        Ok(())
    }
}
