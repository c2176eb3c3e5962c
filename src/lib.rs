//! supportkb: a Datalog knowledge-base engine for documented support matrices, with answers
//! you can audit.
//!
//! The pipeline, one module per stage: [`syntax`] (pest parser, AST with spans) →
//! [`check`] (arity, safety, inputs, stratification) → [`engine`] (planning, magic-set
//! rewrite, semi-naive evaluation on datafrog, heights) → [`query`] (questions, answers,
//! query files) → [`explain`] (proof trees, why-not) → [`render`] (text, tables, JSON).
//! [`kb::KnowledgeBase`] ties them together for the CLI, the REPL and tests.

// Diagnostics are returned by value on cold error paths; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod diag;
pub mod engine;
pub mod explain;
pub mod facts;
pub mod fuzzing;
pub mod kb;
pub mod query;
pub mod render;
pub mod repl;
pub mod syntax;
