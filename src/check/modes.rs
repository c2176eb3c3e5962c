//! Binding analysis: which literals can run once which variables are bound, the order a body
//! runs in, safety (range restriction), and the adornments of goal-directed predicates.
//!
//! # What this produces
//! [`order_body`] orders a rule body so that every literal runs only once the variables it
//! needs are bound: positive atoms bind their variables (a goal-directed predicate only once
//! its bound arguments are), `X = expr` binds `X`, `length(S, N)` binds `N`, an aggregate
//! binds its result once its group is bound; negations, comparisons and string tests only
//! filter. Literals that can never become ready are
//! *stuck*: their unbound variables are unsafe. The planner runs bodies in this order, so
//! the safety check and the evaluator cannot disagree.
//!
//! [`infer_adornments`] finds, as a least fixpoint, the head arguments of each rule that only
//! a test reads: those become bound arguments (inputs) of the head's predicate, which a
//! query must supply. A rule's inputs are the *smallest* set of head variables that makes its
//! body safe, so whether a rule is accepted never depends on the order of its head's
//! arguments.

use crate::ir::{Adornments, Expr, Literal, Rule, Term, Var};
use crate::source::{Code, Diagnostic, Span};
use std::collections::BTreeSet;

/// The result of [`order_body`].
#[derive(Debug, Clone, Default)]
pub struct BodyOrder {
    /// Indices into the body, in evaluation order.
    pub order: Vec<usize>,
    /// Variables bound once the ordered literals ran (seed included).
    pub bound: BTreeSet<Var>,
    /// Indices of literals that never became ready.
    pub stuck: Vec<usize>,
}

fn term_ready(t: &Term, bound: &BTreeSet<Var>) -> bool {
    match t {
        Term::Var(v) => bound.contains(v),
        Term::Wildcard => false,
        Term::Const(_) => true,
    }
}

fn expr_ready(e: &Expr, bound: &BTreeSet<Var>) -> bool {
    let mut ok = true;
    e.each_var(&mut |v| ok &= bound.contains(v));
    ok && !e.has_wildcard()
}

fn unbound_vars(args: &[Term], bound: &BTreeSet<Var>) -> Vec<Var> {
    args.iter()
        .filter_map(|t| match t {
            Term::Var(v) if !bound.contains(v) => Some(v.clone()),
            _ => None,
        })
        .collect()
}

/// Whether `lit` can run with `bound` variables bound, and which variables it then binds.
pub fn readiness(lit: &Literal, adorn: &Adornments, bound: &BTreeSet<Var>) -> Option<Vec<Var>> {
    match lit {
        Literal::Pos(a) => {
            let ready = adorn.get(&a.pred).is_none_or(|ins| {
                ins.iter()
                    .all(|&i| a.args.get(i).is_none_or(|t| term_ready(t, bound)))
            });
            ready.then(|| unbound_vars(&a.args, bound))
        }
        Literal::Builtin {
            builtin,
            args,
            negated,
            ..
        } => {
            // A negated built-in only tests: every argument must have a value.
            let ready = args
                .iter()
                .enumerate()
                .all(|(i, t)| !(*negated || builtin.needs_bound(i)) || term_ready(t, bound));
            if !ready {
                return None;
            }
            Some(if *negated {
                Vec::new()
            } else {
                unbound_vars(args, bound)
            })
        }
        Literal::Neg(a) => {
            let ins = adorn.get(&a.pred);
            let ready = a.args.iter().enumerate().all(|(i, t)| match t {
                Term::Var(v) => bound.contains(v),
                Term::Wildcard => ins.is_none_or(|s| !s.contains(&i)),
                Term::Const(_) => true,
            });
            ready.then(Vec::new)
        }
        Literal::Cmp { lhs, op, rhs, .. } => {
            if expr_ready(lhs, bound) && expr_ready(rhs, bound) {
                return Some(Vec::new());
            }
            if *op == crate::ir::CmpOp::Eq {
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
        // Like a negation, an aggregate reads its group from the rest of the rule.
        Literal::Aggregate(g) => g.group_vars().all(|v| bound.contains(v)).then(|| {
            if bound.contains(&g.result) {
                Vec::new()
            } else {
                vec![g.result.clone()]
            }
        }),
    }
}

/// Orders `body` for evaluation, starting with the `seed` variables bound.
///
/// Filters run as soon as they are ready; among positive atoms, the one sharing the most
/// bound variables goes first (no cross product while a join is possible), then the
/// narrower one.
pub fn order_body(body: &[Literal], adorn: &Adornments, seed: &BTreeSet<Var>) -> BodyOrder {
    let mut bound = seed.clone();
    let mut order = Vec::with_capacity(body.len());
    let mut left: Vec<usize> = (0..body.len()).collect();
    loop {
        // Filters and assignments first: they never multiply bindings.
        let filter = left.iter().position(|&i| {
            !matches!(&body[i], Literal::Pos(_)) && readiness(&body[i], adorn, &bound).is_some()
        });
        let pick = filter.or_else(|| {
            let mut best: Option<(usize, (usize, usize))> = None;
            for (k, &i) in left.iter().enumerate() {
                if let (Literal::Pos(a), Some(_)) = (&body[i], readiness(&body[i], adorn, &bound)) {
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
        if let Some(new) = readiness(&body[i], adorn, &bound) {
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

/// Whether `o` runs the whole body and binds every head variable of `rule`.
fn complete(rule: &Rule, o: &BodyOrder) -> bool {
    o.stuck.is_empty()
        && rule
            .head
            .args
            .iter()
            .all(|t| !matches!(t, Term::Var(v) if !o.bound.contains(v)))
}

/// Head candidates for inputs: variables the body reads but does not bind by itself.
fn candidates(rule: &Rule, o: &BodyOrder) -> Vec<Var> {
    let mut body_vars = BTreeSet::new();
    for l in &rule.body {
        body_vars.extend(l.vars());
    }
    let mut out: Vec<Var> = Vec::new();
    for t in &rule.head.args {
        if let Term::Var(v) = t
            && !o.bound.contains(v)
            && body_vars.contains(v)
            && !out.contains(v)
        {
            out.push(v.clone());
        }
    }
    out
}

/// Most head variables tried in every combination; beyond it, all of them are seeded.
const MAX_EXACT_CANDIDATES: usize = 10;

/// The smallest set of head variables that, given, makes the body safe; `None` if none does.
/// Among sets of the same size the first in head order wins.
pub fn minimal_seed(rule: &Rule, adorn: &Adornments) -> Option<BTreeSet<Var>> {
    let none = BTreeSet::new();
    let o = order_body(&rule.body, adorn, &none);
    if complete(rule, &o) {
        return Some(none);
    }
    let cands = candidates(rule, &o);
    if cands.len() > MAX_EXACT_CANDIDATES {
        let all: BTreeSet<Var> = cands.into_iter().collect();
        return complete(rule, &order_body(&rule.body, adorn, &all)).then_some(all);
    }
    let n = cands.len();
    let mut masks: Vec<u32> = (1..(1u32 << n)).collect();
    // Fewer variables first; then the earliest in head order.
    masks.sort_by_key(|m| (m.count_ones(), m.reverse_bits()));
    masks.into_iter().find_map(|m| {
        let seed: BTreeSet<Var> = (0..n)
            .filter(|i| m & (1 << i) != 0)
            .map(|i| cands[i].clone())
            .collect();
        complete(rule, &order_body(&rule.body, adorn, &seed)).then_some(seed)
    })
}

/// Least fixpoint of the bound arguments of every goal-directed predicate; reports the
/// variables of rules that no choice of inputs makes safe.
pub fn infer_adornments(rules: &[Rule], errors: &mut Vec<Diagnostic>) -> Adornments {
    let mut adorn = Adornments::new();
    loop {
        let mut changed = false;
        for r in rules.iter().filter(|r| !r.is_fact()) {
            let Some(seed) = minimal_seed(r, &adorn) else {
                continue;
            };
            let positions: Vec<usize> = r
                .head
                .args
                .iter()
                .enumerate()
                .filter_map(|(i, t)| matches!(t, Term::Var(v) if seed.contains(v)).then_some(i))
                .collect();
            if !positions.is_empty() {
                let e = adorn.entry(r.head.pred.clone()).or_default();
                let before = e.len();
                e.extend(positions);
                changed |= e.len() != before;
            }
        }
        if !changed {
            break;
        }
    }
    for r in rules.iter().filter(|r| !r.is_fact()) {
        if minimal_seed(r, &adorn).is_none() {
            errors.extend(unsafe_vars(r, &adorn));
        }
    }
    adorn
}

/// The diagnostics of a rule no inputs make safe. Variables that only the head names come
/// first (nothing else helps them); otherwise the variables left unbound when the head's
/// own predicate is read as an ordinary relation — so in `foo(X) :- X < Y, foo(Y).` the
/// culprit is `X`, which nothing binds, not `Y`, which `foo(Y)` would bind if `X` did not
/// make `foo` goal-directed.
pub(super) fn unsafe_vars(r: &Rule, adorn: &Adornments) -> Vec<Diagnostic> {
    let mut body_vars = BTreeSet::new();
    for l in &r.body {
        body_vars.extend(l.vars());
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for t in &r.head.args {
        match t {
            Term::Var(v) if !body_vars.contains(v) && seen.insert(v.clone()) => {
                out.push(unbound(v, r.head.span, true));
            }
            Term::Wildcard if seen.insert(Var::named("_")) => {
                out.push(wildcard_needed(r.head.span));
            }
            _ => {}
        }
    }
    if !out.is_empty() {
        return out;
    }
    let mut own = adorn.clone();
    own.remove(&r.head.pred);
    let o = order_body(&r.body, &own, &BTreeSet::new());
    let o = if o.stuck.is_empty() {
        let seed = minimal_seed_or_all(r, adorn);
        order_body(&r.body, adorn, &seed)
    } else {
        o
    };
    for &i in &o.stuck {
        let l = &r.body[i];
        let vars: Vec<Var> = l
            .vars()
            .into_iter()
            .filter(|v| !o.bound.contains(v))
            .collect();
        if vars.is_empty() {
            // Stuck with every variable bound: a `_` where a value is needed.
            if seen.insert(Var::named("_")) {
                out.push(wildcard_needed(l.span()));
            }
        }
        for v in vars {
            if seen.insert(v.clone()) {
                out.push(unbound(&v, l.span(), false));
            }
        }
    }
    for t in &r.head.args {
        if let Term::Var(v) = t
            && !o.bound.contains(v)
            && seen.insert(v.clone())
        {
            out.push(unbound(v, r.head.span, false));
        }
    }
    out
}

fn minimal_seed_or_all(r: &Rule, adorn: &Adornments) -> BTreeSet<Var> {
    let o = order_body(&r.body, adorn, &BTreeSet::new());
    candidates(r, &o).into_iter().collect()
}

fn wildcard_needed(span: Span) -> Diagnostic {
    Diagnostic::error(Code::UnsafeVariable, "`_` stands where a value is needed", span)
        .with_label("needs a bound value")
        .with_help("negated goal-directed atoms, built-ins and rule heads need real values: use a variable bound elsewhere in the body")
}

fn unbound(v: &Var, span: Span, head_only: bool) -> Diagnostic {
    let help = if head_only {
        format!("`{v}` appears in the head but not in the body: bind it in the body")
    } else {
        format!(
            "bind `{v}` with a positive atom of the body (or `{v} = …`); negations, comparisons and built-ins only test values"
        )
    };
    Diagnostic::error(
        Code::UnsafeVariable,
        format!("variable `{v}` is not bound (range restriction)"),
        span,
    )
    .with_label(format!("`{v}` unbound here"))
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::lower;
    use crate::ir::Pred;
    use crate::syntax::parse_kb;

    fn rules(src: &str) -> Vec<Rule> {
        lower::program(&parse_kb(src, 0).unwrap().clauses).0
    }

    #[test]
    fn assignment_waits_for_its_inputs_whatever_the_written_order() {
        let r = rules("h(Z) :- Z = Y + 1, q(Y).");
        let o = order_body(&r[0].body, &Adornments::new(), &BTreeSet::new());
        assert_eq!(o.order, vec![1, 0]);
        assert!(o.stuck.is_empty());
    }

    #[test]
    fn negation_needs_its_variables() {
        let r = rules("h :- !q(X). h :- !q(_).");
        let none = BTreeSet::new();
        assert_eq!(
            order_body(&r[0].body, &Adornments::new(), &none).stuck,
            vec![0]
        );
        assert!(
            order_body(&r[1].body, &Adornments::new(), &none)
                .stuck
                .is_empty()
        );
    }

    #[test]
    fn goal_directed_predicates_wait_for_their_inputs() {
        let r = rules("h(X) :- need(N, X), n(N).");
        let mut adorn = Adornments::new();
        adorn.insert(Pred::user("need"), BTreeSet::from([0]));
        assert_eq!(
            order_body(&r[0].body, &adorn, &BTreeSet::new()).order,
            vec![1, 0]
        );
    }

    #[test]
    fn acceptance_does_not_depend_on_head_argument_order() {
        // Guards: `c(X, N)` was rejected ("`Y` is not bound") where `c(N, X)` was accepted.
        for src in [
            "num(0). num(1). c(X, N) :- num(X), X <= N. c(X, N) :- c(Y, N), X = Y + 1, X <= N.",
            "num(0). num(1). c(N, X) :- num(X), X <= N. c(N, X) :- c(N, Y), X = Y + 1, X <= N.",
        ] {
            let mut errors = Vec::new();
            let adorn = infer_adornments(&rules(src), &mut errors);
            assert!(errors.is_empty(), "{src}: {errors:?}");
            assert_eq!(
                adorn.get(&Pred::user("c")).map(|s| s.len()),
                Some(1),
                "{src}"
            );
        }
    }

    #[test]
    fn the_really_unbound_variable_is_named() {
        // Guards: the error blamed `Y`, which `foo(Y)` binds; `X` is the unbound one.
        let mut errors = Vec::new();
        infer_adornments(&rules("foo(1). foo(X) :- X < Y, foo(Y)."), &mut errors);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("`X`"), "{}", errors[0].message);
    }
}
