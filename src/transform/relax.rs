//! Relaxed copies: the demand of a negated goal-directed call whose input only the negating
//! rule's own (recursive) stratum binds.
//!
//! # Why
//! In `p(X) :- p(X), X != b, !g(X).` the input of `g` comes from `p` itself. Reading `p` in
//! the demand rule would put `p -> !g -> demand#g -> p` in one stratum, a cycle through
//! negation. Instead the demand reads [`Pred::Relaxed`] copies of the stratum's predicates:
//! the same rules with every negation that needs demand (a [`Pred::Context`] literal)
//! dropped. Dropping a negated literal only weakens a rule, and the rules are otherwise
//! monotone, so each relaxed relation holds every tuple of its original and more: the demand
//! covers every input the negation will ask about, the copy of `g` is complete for them, and
//! it sits in a stratum below `p`.

use crate::ir::{Literal, Pred, Rule};
use std::collections::BTreeSet;

/// `p` with its demand-context and relaxed wrappers removed.
pub(super) fn underlying(p: &Pred) -> &Pred {
    match p {
        Pred::Context(q, _) | Pred::Relaxed(q) => underlying(q),
        q => q,
    }
}

/// The relaxed rules of `roots` and of every predicate of their stratum they read
/// (`in_stratum` says which), from `rules` (the program after demand contexts).
pub(super) fn relaxed_rules(
    rules: &[Rule],
    roots: &BTreeSet<Pred>,
    in_stratum: &dyn Fn(&Pred) -> bool,
) -> Vec<Rule> {
    let mut out = Vec::new();
    let mut todo: Vec<Pred> = roots.iter().cloned().collect();
    let mut seen = BTreeSet::new();
    while let Some(p) = todo.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        for r in rules.iter().filter(|r| r.head.pred == p) {
            let mut copy = r.clone();
            copy.head.pred = Pred::Relaxed(Box::new(p.clone()));
            copy.body
                .retain(|l| !matches!(l, Literal::Neg(a) if matches!(a.pred, Pred::Context(..))));
            for l in &mut copy.body {
                if let Literal::Pos(a) = l
                    && in_stratum(&a.pred)
                {
                    todo.push(a.pred.clone());
                    a.pred = Pred::Relaxed(Box::new(a.pred.clone()));
                }
            }
            out.push(copy);
        }
    }
    out
}

/// The diagnostics for a rewritten program that cannot be stratified although the written one
/// is: a negated goal-directed call whose input depends, through the demand of goal-directed
/// calls, on the negating rule's own result. Each points at the negated literal, naming the
/// user's predicates of the cycle (the rewrite's own are left out).
pub fn unorderable(errors: Vec<crate::source::Diagnostic>) -> Vec<crate::source::Diagnostic> {
    use crate::source::{Code, Diagnostic};
    errors
        .into_iter()
        .map(|d| {
            let cycle = d.message.split_once(": ").map_or("", |(_, c)| c);
            let mut names: Vec<String> = Vec::new();
            for step in cycle.split(" -> ") {
                let n = step.trim_start_matches('!');
                if !n.contains('#') && !names.iter().any(|x| x == n) {
                    names.push(n.to_string());
                }
            }
            let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            let mut out = Diagnostic::error(
                Code::NotEvaluable,
                format!(
                    "this negation of a goal-directed predicate cannot be ordered: the values it asks about depend, through goal-directed calls, on the rule's own result (the cycle runs through {})",
                    listed.join(", ")
                ),
                d.span.unwrap_or_default(),
            )
            .with_label("negated here")
            .with_help("give the negated predicate its input from predicates that do not depend on this rule, or bind its input with a positive atom so it is not goal-directed");
            if d.span.is_none() {
                out.span = None;
            }
            out
        })
        .collect()
}
