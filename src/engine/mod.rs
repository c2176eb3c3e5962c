//! Stages 3 and 4 — plan and evaluate: interning, rule planning, the magic-set rewrite for
//! goal-directed predicates, and stratified semi-naive evaluation on datafrog that records
//! each tuple's height.
//!
//! Enter through [`demand::rewrite`] then [`evaluate`]; read the result as a [`Model`].

pub mod demand;
pub mod eval;
pub mod functions;
pub mod intern;
pub mod model;
pub mod plan;
pub mod tuple;

pub use eval::{EvalConfig, EvalError, EvalRule, Origin, evaluate};
pub use intern::{Id, Interner, Row};
pub use model::{Layered, Model, Relation};
