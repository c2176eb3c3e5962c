//! Safety (range restriction) and body ordering, judged on the whole body.
//!
//! [`order_body`] orders a rule body so that every literal runs only once the variables it
//! needs are bound: positive atoms bind their variables (a goal-directed predicate only once
//! its input arguments are bound), `X = expr` binds `X`, `length(S, N)` binds `N`; negations,
//! comparisons and string tests only filter. Literals that can never become ready are
//! *stuck*: their unbound variables are unsafe. The same order is the evaluation plan, so
//! the planner and the safety check cannot disagree.

use super::builtins::Builtin;
use crate::syntax::{CmpOp, Expr, Literal, Term};
use std::collections::{BTreeSet, HashMap};

/// Input positions (0-based) of each goal-directed predicate; absent means none.
pub type Inputs = HashMap<String, BTreeSet<usize>>;

/// The result of [`order_body`].
#[derive(Debug, Clone, Default)]
pub struct BodyOrder {
    /// Indices into the body, in evaluation order.
    pub order: Vec<usize>,
    /// Variables bound once the ordered literals ran (seed included).
    pub bound: BTreeSet<String>,
    /// Indices of literals that never became ready.
    pub stuck: Vec<usize>,
}

fn term_ready(t: &Term, bound: &BTreeSet<String>) -> bool {
    match t {
        Term::Var(v) => bound.contains(v),
        Term::Wildcard => false,
        Term::Const(_) => true,
    }
}

fn expr_ready(e: &Expr, bound: &BTreeSet<String>) -> bool {
    let mut ok = true;
    e.each_var(&mut |v| ok &= bound.contains(v));
    ok && !has_wildcard(e)
}

/// Whether `_` stands anywhere in the expression: it has no value to compute with.
pub(crate) fn has_wildcard(e: &Expr) -> bool {
    match e {
        Expr::Term(t) => matches!(t, Term::Wildcard),
        Expr::Binary(l, _, r) => has_wildcard(l) || has_wildcard(r),
    }
}

/// Whether `lit` can run with `bound` variables bound, and which variables it then binds.
pub fn readiness(lit: &Literal, inputs: &Inputs, bound: &BTreeSet<String>) -> Option<Vec<String>> {
    let vars_of = |args: &[Term]| -> Vec<String> {
        args.iter()
            .filter_map(|t| match t {
                Term::Var(v) if !bound.contains(v) => Some(v.clone()),
                _ => None,
            })
            .collect()
    };
    match lit {
        Literal::Pos(a) => {
            if let Some(b) = Builtin::from_name(&a.pred) {
                let ready = a
                    .args
                    .iter()
                    .enumerate()
                    .all(|(i, t)| !b.needs_bound(i) || term_ready(t, bound));
                return ready.then(|| vars_of(&a.args));
            }
            let ready = inputs.get(&a.pred).is_none_or(|ins| {
                ins.iter()
                    .all(|&i| a.args.get(i).is_none_or(|t| term_ready(t, bound)))
            });
            ready.then(|| vars_of(&a.args))
        }
        Literal::Neg(a) => {
            let builtin = Builtin::from_name(&a.pred).is_some();
            let ins = inputs.get(&a.pred);
            let ready = a.args.iter().enumerate().all(|(i, t)| match t {
                Term::Var(v) => bound.contains(v),
                Term::Wildcard => !builtin && ins.is_none_or(|s| !s.contains(&i)),
                Term::Const(_) => true,
            });
            ready.then(Vec::new)
        }
        Literal::Cmp { lhs, op, rhs, .. } => {
            if expr_ready(lhs, bound) && expr_ready(rhs, bound) {
                return Some(Vec::new());
            }
            if *op == CmpOp::Eq {
                match (lhs, rhs) {
                    (Expr::Term(Term::Var(v)), e) | (e, Expr::Term(Term::Var(v)))
                        if !bound.contains(v) && expr_ready(e, bound) =>
                    {
                        return Some(vec![v.clone()]);
                    }
                    _ => {}
                }
            }
            None
        }
    }
}

/// Orders `body` for evaluation, starting with the `seed` variables bound.
///
/// Filters run as soon as they are ready; among positive atoms, the one sharing the most
/// bound variables goes first (no cross product while a join is possible).
pub fn order_body(body: &[Literal], inputs: &Inputs, seed: &BTreeSet<String>) -> BodyOrder {
    let mut bound = seed.clone();
    let mut order = Vec::with_capacity(body.len());
    let mut left: Vec<usize> = (0..body.len()).collect();
    loop {
        // Filters and assignments first: they never multiply bindings.
        let filter = left.iter().position(|&i| {
            !matches!(&body[i], Literal::Pos(a) if Builtin::from_name(&a.pred).is_none())
                && readiness(&body[i], inputs, &bound).is_some()
        });
        let pick = filter.or_else(|| {
            let mut best: Option<(usize, (usize, usize))> = None;
            for (k, &i) in left.iter().enumerate() {
                if let (Literal::Pos(a), Some(_)) = (&body[i], readiness(&body[i], inputs, &bound))
                {
                    let shared = a.args.iter().filter(|t| term_ready(t, &bound)).count();
                    let score = (shared, usize::MAX - a.args.len());
                    if best.is_none_or(|(_, s)| score > s) {
                        best = Some((k, score));
                    }
                }
            }
            best.map(|(k, _)| k)
        });
        let Some(k) = pick else { break };
        let i = left.remove(k);
        if let Some(new) = readiness(&body[i], inputs, &bound) {
            bound.extend(new);
        }
        order.push(i);
    }
    BodyOrder {
        order,
        bound,
        stuck: left,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_kb;

    fn body(src: &str) -> Vec<Literal> {
        parse_kb(src, 0).unwrap().clauses.remove(0).body
    }

    #[test]
    fn assignment_waits_for_its_inputs_whatever_the_written_order() {
        let b = body("h(Z) :- Z = Y + 1, q(Y).");
        let o = order_body(&b, &Inputs::new(), &BTreeSet::new());
        assert_eq!(o.order, vec![1, 0]);
        assert!(o.stuck.is_empty());
    }

    #[test]
    fn negation_needs_its_variables() {
        let b = body("h :- !q(X).");
        let o = order_body(&b, &Inputs::new(), &BTreeSet::new());
        assert_eq!(o.stuck, vec![0]);
        let b = body("h :- !q(_).");
        assert!(
            order_body(&b, &Inputs::new(), &BTreeSet::new())
                .stuck
                .is_empty()
        );
    }

    #[test]
    fn input_predicates_wait_for_their_inputs() {
        let b = body("h(X) :- need(N, X), n(N).");
        let mut inputs = Inputs::new();
        inputs.insert("need".into(), BTreeSet::from([0]));
        let o = order_body(&b, &inputs, &BTreeSet::new());
        assert_eq!(o.order, vec![1, 0]);
    }
}
