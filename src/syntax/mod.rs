//! Stage 1 — syntax: text to AST with spans.
//!
//! Enter through [`parse_kb`] (knowledge bases), [`parse_query`] (one query),
//! [`parse_statement`] (a REPL line: a query or clauses) and [`parse_script`] (query
//! files). The grammar is `grammar/kb.pest`; the AST is in [`ast`], [`query`] and [`value`].

pub mod aggregate;
pub mod ast;
mod parser;
pub mod query;
pub mod unencoded;
pub mod value;

pub use aggregate::{AggOp, Aggregate};
pub use ast::*;
pub use parser::{
    MAX_NESTING, Statement, is_incomplete, parse_kb, parse_query, parse_script, parse_statement,
};
pub use query::*;
pub use unencoded::{MarkPlace, UnencodedDecl};
pub use value::*;
