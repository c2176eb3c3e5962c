//! Query bodies: checked against a checked knowledge base and lowered, so a query can be
//! evaluated as one more rule.
//!
//! A query that leaves a goal-directed argument free is rejected when nothing could answer
//! it; when the predicate has clauses that need no input (facts, rules whose body binds
//! every argument), the query reads those, and says which rules it could not use.

use super::preds::body_atoms_known;
use super::{CheckedKb, lints, lower, modes, order_body};
use crate::ir::{self, Adornments, ClauseId, Literal, Term};
use crate::source::{Code, Diagnostic, Span};
use crate::syntax as ast;
use std::collections::BTreeSet;

/// A goal-directed predicate a query read without its bound arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialRead {
    /// The predicate.
    pub pred: String,
    /// Its bound arguments the query left free (0-based).
    pub missing: Vec<usize>,
    /// The rules that need them, so were not used.
    pub unused: Vec<ClauseId>,
    /// Where the query reads it.
    pub span: Span,
}

/// A query body that passed the checks.
#[derive(Debug, Clone)]
pub struct CheckedQuery {
    /// The body, lowered.
    pub body: Vec<ir::Literal>,
    /// The adornments to evaluate it under (those of the knowledge base, less the
    /// predicates read without their inputs).
    pub adornments: Adornments,
    /// Goal-directed predicates read without their inputs.
    pub partial: Vec<PartialRead>,
    /// The auxiliary rules of the query's aggregates (evaluated with it).
    pub aux: Vec<ir::Rule>,
}

/// Checks a query body against `kb`: predicates known, arities right, and every variable
/// bound, including the bound arguments of goal-directed predicates (see the module's
/// note). Returns the body lowered.
///
/// Errors: every problem found; a goal-directed argument left free, when nothing could
/// answer without it, names the predicate and the argument.
pub fn check_query_body(
    kb: &CheckedKb,
    body: &[ast::Literal],
) -> Result<CheckedQuery, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    lints::wildcards_in_expressions(body, &mut errors);
    body_atoms_known(body, &kb.preds, true, &mut errors);
    super::aggregates::check_aggregates(None, body, &mut errors, &mut Vec::new());
    if errors.is_empty() {
        super::types::check_types(&kb.preds, None, body, &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut lowerer = lower::Lowerer::starting_at(kb.aggregates);
    let lowered = lowerer.body(None, body, None);
    super::aggregates::needs_no_inputs(&lowerer.aux, &kb.adornments, true, &mut errors);
    lints::constant_patterns_in(&lowered, &mut errors);
    for r in &lowerer.aux {
        lints::constant_patterns(r, &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut adornments = kb.adornments.clone();
    let mut partial = Vec::new();
    let order = loop {
        let order = order_body(&lowered, &adornments, &BTreeSet::new());
        // A stuck atom of a predicate that answers without its inputs reads those answers.
        let relaxed = order.stuck.iter().find_map(|&i| match &lowered[i] {
            Literal::Pos(a) => {
                let name = a.pred.user_name()?;
                let info = kb.preds.get(name)?;
                (adornments.contains_key(&a.pred) && info.answers_without_inputs)
                    .then(|| (a.clone(), free_inputs(a, &adornments, &order.bound)))
            }
            _ => None,
        });
        let Some((a, missing)) = relaxed else {
            break order;
        };
        let unused = kb
            .rules
            .iter()
            .filter(|r| {
                r.head.pred == a.pred
                    && !r.is_fact()
                    && modes::minimal_seed(r, &kb.adornments).is_none_or(|s| !s.is_empty())
            })
            .filter_map(|r| match r.origin {
                ir::Origin::User(id) => Some(id),
                _ => None,
            })
            .collect();
        adornments.remove(&a.pred);
        partial.push(PartialRead {
            pred: a.pred.to_string(),
            missing,
            unused,
            span: a.span,
        });
    };
    for &i in &order.stuck {
        errors.push(stuck(kb, &lowered[i], &adornments, &order.bound));
    }
    if errors.is_empty() {
        Ok(CheckedQuery {
            body: lowered,
            adornments,
            partial,
            aux: lowerer.aux,
        })
    } else {
        Err(errors)
    }
}

/// The bound arguments of `a` that are neither constants nor bound variables.
fn free_inputs(a: &ir::Atom, adorn: &Adornments, bound: &BTreeSet<ir::Var>) -> Vec<usize> {
    adorn
        .get(&a.pred)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&p| {
            !matches!(&a.args[p], Term::Const(_))
                && !matches!(&a.args[p], Term::Var(v) if bound.contains(v))
        })
        .collect()
}

/// Why a literal of a query never became ready: a goal-directed predicate's input left free,
/// or a variable nothing binds.
fn stuck(
    kb: &CheckedKb,
    l: &Literal,
    adornments: &Adornments,
    bound: &BTreeSet<ir::Var>,
) -> Diagnostic {
    match l {
        Literal::Pos(a) | Literal::Neg(a) if adornments.contains_key(&a.pred) => {
            let name = a.pred.to_string();
            let info = &kb.preds[&name];
            let free = free_inputs(a, adornments, bound);
            let list: Vec<String> = free
                .iter()
                .map(|&p| format!("argument {} (`{}`)", p + 1, info.column(p)))
                .collect();
            // The atom as asked, with a placeholder naming each input to give.
            let example: Vec<String> = a
                .args
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if free.contains(&i) {
                        format!("<{}>", info.column(i))
                    } else {
                        t.to_string()
                    }
                })
                .collect();
            Diagnostic::error(
                Code::InputNeeded,
                format!(
                    "`{name}` is goal-directed: the query must give its {}",
                    list.join(" and ")
                ),
                a.span,
            )
            .with_help(format!(
                "give a value for each: `{name}({})`",
                example.join(", ")
            ))
        }
        l => {
            let vars: Vec<String> = l
                .vars()
                .into_iter()
                .filter(|v| !bound.contains(v))
                .map(|v| format!("`{v}`"))
                .collect();
            let msg = match vars.as_slice() {
                [] => "`_` stands where a value is needed".to_string(),
                [one] => format!("variable {one} is not bound (range restriction)"),
                [init @ .., last] => format!(
                    "variables {} and {last} are not bound (range restriction)",
                    init.join(", ")
                ),
            };
            Diagnostic::error(Code::UnsafeVariable, msg, l.span())
                .with_help("bind it with a positive atom of the query; negations, comparisons and built-ins only test values")
        }
    }
}
