//! supportkb: a Datalog knowledge-base engine for documented support matrices, with answers
//! you can audit.
//!
//! # The pipeline
//! One module per stage; each uses only the stages above it in this list:
//!
//! 0. [`source`] — spans, source maps, diagnostics as data, reading and writing files;
//! 1. [`syntax`] — text to AST (pest, `grammar/kb.pest`);
//! 2. [`ir`] — the typed, name-resolved program the later stages share;
//! 3. [`check`] — names, arities, safety with goal-directed inputs, stratification, lints;
//!    lowers the AST into the IR and orders bodies;
//! 4. [`transform`] — the magic-set rewrite of goal-directed predicates;
//! 5. [`plan`] — each rule as a chain of keyed joins, antijoins and filters;
//! 6. [`engine`] — stratified semi-naive evaluation on datafrog, each tuple with its height;
//! 7. [`sql`] — the same evaluation compiled to SQL and run on SQLite or PostgreSQL, the
//!    model left in tables and read back;
//! 8. [`explain`] — proof trees rebuilt from heights, why-not, the independent proof checker;
//! 9. [`query`] — a loaded knowledge base and a session that answers queries, query files;
//! 10. [`audit`] — traces of answers and their verification;
//! 11. [`diff`] — what changed between two knowledge bases, as the answers to the same questions;
//! 12. [`render`] — text, tables, Markdown and JSON;
//! 13. [`repl`] — the interactive session (the command line is the binary's `cli`).

// Diagnostics are returned by value on cold error paths; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod audit;
pub mod check;
pub mod diff;
pub mod engine;
pub mod explain;
pub mod fuzzing;
pub mod ir;
pub mod plan;
pub mod query;
pub mod render;
pub mod repl;
pub mod source;
pub mod sql;
pub mod syntax;
pub mod transform;
