//! Stage 6 — engine: stratified semi-naive evaluation on datafrog of planned rules, each
//! tuple with its height (the round of its first derivation); facts read from and written
//! to files; the meaning of built-ins shared with the explainer and the proof checker.
//!
//! Enter through [`evaluate`]; read the result as a [`Model`].

pub mod eval;
pub mod facts;
pub mod functions;
pub mod headed;
mod int_rows;
pub mod model;
pub mod par;
mod placed;
pub mod rows;
pub mod tuple;

pub use eval::{EvalConfig, EvalError, FactRows, Limit, evaluate};
pub use model::{Demand, Demands, EvalWarning, Layered, Model, Relation};
pub use rows::FactTable;
