//! Stage 8 — explain: proof trees (*why*) rebuilt top-down from a model's heights, *why
//! not* reports for goals that do not hold, and an independent proof checker.
//!
//! Enter through [`Explainer::prove`] and [`Explainer::why_not`]; check proofs with
//! [`checker::ProofChecker`]. The explainer reads only the model and the rules
//! ([`search`]); it never re-runs the evaluator. The data it produces ([`proof`]) is what
//! answers and traces carry.

pub mod bounds;
pub mod checker;
pub mod proof;
mod prove;
pub mod search;
mod whynot;

pub use bounds::Bounds;
pub use proof::{GroundAtom, Justification, Proof, Quote, Substitution};
pub use prove::{Explainer, FactFile, FactFiles};
pub use whynot::{BlockCause, Blocked, RuleTrial, WhyNot};
