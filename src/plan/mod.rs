//! Stage 5 — plan: every rule of a (rewritten) program as a chain of keyed joins, antijoins
//! and filters over binding rows ([`rule`]), in the body order the checker proved safe; and
//! the plans as text, so a reader (and a snapshot test) can see how a rule runs
//! ([`display`], `supportkb check --plan`).
//!
//! Enter through [`plan_rules`].

pub mod display;
mod filters;
pub mod rule;

use crate::check::order_body;
use crate::ir::{Adornments, Interner, Rule, Term};
use crate::source::{Code, Diagnostic};
pub use rule::{AtomShape, Boundary, CExpr, HeadArg, Pat, RulePlan, Segment, Start, Transform};
use std::collections::BTreeSet;

/// Plans every rule of `rules` (facts are skipped). Bodies are ordered with no adornments:
/// after the magic-set rewrite every rule is range-restricted.
///
/// Errors: a rule that is not range-restricted ([`Code::NotEvaluable`], a disagreement with
/// the checker), a constant pattern that does not compile.
pub fn plan_rules(
    rules: &[Rule],
    interner: &mut Interner,
) -> Result<Vec<RulePlan>, Vec<Diagnostic>> {
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if r.is_fact() {
            continue;
        }
        let order = order_body(&r.body, &Adornments::new(), &BTreeSet::new());
        if let Some(&stuck) = order.stuck.first() {
            let lit = &r.body[stuck];
            errors.push(
                Diagnostic::error(
                    Code::NotEvaluable,
                    format!("`{lit}` cannot be evaluated: a variable it needs is never bound"),
                    lit.span(),
                )
                .with_label("unbound"),
            );
            continue;
        }
        let unbound_head = r.head.args.iter().find_map(|t| match t {
            Term::Var(v) if !order.bound.contains(v) => Some(v.to_string()),
            Term::Wildcard => Some("_".into()),
            _ => None,
        });
        if let Some(v) = unbound_head {
            errors.push(
                Diagnostic::error(
                    Code::NotEvaluable,
                    format!(
                        "`{}` cannot be evaluated: head variable `{v}` is never bound",
                        r.head
                    ),
                    r.span,
                )
                .with_label("unbound"),
            );
            continue;
        }
        match rule::compile(i, r, &order.order, interner) {
            Ok(p) => plans.push(p),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(plans)
    } else {
        Err(errors)
    }
}
