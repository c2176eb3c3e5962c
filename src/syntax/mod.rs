//! Stage 1 — syntax: text to AST with spans.
//!
//! Enter through [`parse_kb`] (knowledge bases), [`parse_query`] (one query) and
//! [`parse_script`] (query files). The grammar is `grammar/kb.pest`; the AST is in [`ast`].

pub mod ast;
mod parser;

pub use ast::*;
pub use parser::{MAX_NESTING, is_incomplete, parse_kb, parse_query, parse_script};
