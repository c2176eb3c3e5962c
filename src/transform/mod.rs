//! Stage 4 — transform: program rewrites between check and planning: demand contexts
//! ([`contexts`]) that give each negated call of a goal-directed predicate its own copy, then
//! the magic-set rewrite ([`magic`]) that evaluates goal-directed predicates only for the
//! input values a query or a rule demands.
//!
//! Enter through [`magic::rewrite`] (a knowledge base's rules) and [`magic::rewrite_extra`]
//! (a query's rule against them).

pub mod contexts;
pub mod magic;
pub mod relax;

pub use magic::{affected, rewrite, rewrite_extra};
