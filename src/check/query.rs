//! Query bodies: checked against a checked knowledge base and lowered, so a query can be
//! evaluated as one more rule.

use super::preds::body_atoms_known;
use super::{CheckedKb, lints, lower, order_body};
use crate::ir::{self, Literal, Term};
use crate::source::{Code, Diagnostic};
use crate::syntax as ast;
use std::collections::BTreeSet;

/// Checks a query body against `kb`: predicates known, arities right, and every variable
/// bound, including the bound arguments of goal-directed predicates. Returns the body
/// lowered.
///
/// Errors: every problem found; a goal-directed argument left free names the predicate and
/// the argument.
pub fn check_query_body(
    kb: &CheckedKb,
    body: &[ast::Literal],
) -> Result<Vec<ir::Literal>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    lints::wildcards_in_expressions(body, &mut errors);
    body_atoms_known(body, &kb.preds, true, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let lowered: Vec<ir::Literal> = body.iter().map(lower::literal).collect();
    let order = order_body(&lowered, &kb.adornments, &BTreeSet::new());
    for &i in &order.stuck {
        let l = &lowered[i];
        match l {
            Literal::Pos(a) | Literal::Neg(a) if kb.adornments.contains_key(&a.pred) => {
                let name = a.pred.to_string();
                let info = &kb.preds[&name];
                let list: Vec<String> = info
                    .bound_args
                    .iter()
                    .copied()
                    .filter(|&p| {
                        !matches!(&a.args[p], Term::Const(_))
                            && !matches!(&a.args[p], Term::Var(v) if order.bound.contains(v))
                    })
                    .map(|p| format!("argument {} (`{}`)", p + 1, info.column(p)))
                    .collect();
                errors.push(
                    Diagnostic::error(
                        Code::InputNeeded,
                        format!(
                            "`{name}` is goal-directed: the query must give its {}",
                            list.join(" and ")
                        ),
                        a.span,
                    )
                    .with_help(format!("give a value, e.g. `{name}? \"…\"`")),
                );
            }
            l => {
                let vars: Vec<String> = l
                    .vars()
                    .into_iter()
                    .filter(|v| !order.bound.contains(v))
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
                errors.push(
                    Diagnostic::error(Code::UnsafeVariable, msg, l.span())
                        .with_help("bind it with a positive atom of the query; negations, comparisons and built-ins only test values"),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(lowered)
    } else {
        Err(errors)
    }
}
