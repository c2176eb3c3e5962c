//! Stage 9 — query: a knowledge base loaded through every stage below ([`kb`]), and a
//! [`Session`] that answers questions (`supported? peer_cache`), conjunctive queries
//! (`?- …`), `why` and `why not` over it, with every proof checked; query files with
//! expectations ([`script`]) and suites of them ([`suite`]); the report of an inventory
//! ([`estate`]).
//!
//! Verdicts (DESIGN §5): a question's verdict is the value of its first free column; no
//! matching tuple is **unknown** — a document's silence is not a denial.

mod absent;
mod answer;
pub mod catalog;
pub mod coverage;
pub mod embedded;
pub mod estate;
mod expectations;
mod handles;
mod include;
mod inputs;
pub mod kb;
mod keys;
mod outputs;
pub mod pointers;
mod question;
pub mod scenario;
pub mod script;
pub mod search;
pub mod selection;
mod session;
pub mod snapshot;
pub mod stored;
pub mod suite;

pub use answer::{
    Answer, AskOptions, BindingsAnswer, DEFAULT_DEPTH, MAX_PROOFS, QueryError, QuestionAnswer,
    RuleRef, UnusedRules, VerdictKind, WhyAnswer,
};
pub use kb::{KnowledgeBase, LoadConfig, LoadError, LoadFailure, LoadTimings, WrittenOutput};
pub use outputs::OutputPolicy;
pub use session::Session;

use crate::explain::{BlockCause, Explainer, Proof, WhyNot};
use crate::ir::{Atom, Const, Term, Var};

/// Collects every proof inside a why-not report: what holds instead, and what blocks
/// negations.
pub fn collect_why_not_proofs<'a>(w: &'a WhyNot, out: &mut Vec<&'a Proof>) {
    out.extend(&w.instead);
    for t in &w.rules {
        match &t.blocked.cause {
            BlockCause::BlockedBy { proof } => out.push(proof),
            BlockCause::Missing { why_not } => collect_why_not_proofs(why_not, out),
            BlockCause::Fails
            | BlockCause::Undefined { .. }
            | BlockCause::Reached { .. }
            | BlockCause::Circular => {}
        }
    }
}

/// The ground arguments of `open` under one answer row of its variables.
fn fill(open: &Atom, vars: &[Var], row: &[Const]) -> Option<Vec<Const>> {
    open.args
        .iter()
        .map(|t| match t {
            Term::Var(v) => vars.iter().position(|x| x == v).map(|i| row[i].clone()),
            Term::Const(c) => Some(c.clone()),
            Term::Wildcard => None,
        })
        .collect()
}

/// Proofs of each answer row (at most `opts.rows_proved` rows): the minimal-height proof, or
/// with `opts.proofs > 1` that many distinct derivations.
fn proofs_for(
    ex: &Explainer<'_>,
    open: &Atom,
    vars: &[Var],
    rows: &[Vec<Const>],
    opts: AskOptions,
) -> Vec<Proof> {
    let mut out = Vec::new();
    for r in rows.iter().take(opts.rows_proved) {
        let Some(args) = fill(open, vars, r) else {
            continue;
        };
        if opts.proofs > 1 {
            out.extend(ex.prove_alternatives(&open.pred, &args, opts.proofs));
        } else {
            out.extend(ex.prove(&open.pred, &args));
        }
    }
    out
}
