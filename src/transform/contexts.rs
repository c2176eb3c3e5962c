//! Demand contexts: before the magic-set rewrite, each negated literal (and each aggregate)
//! over a predicate whose rules reach a goal-directed predicate gets its own copy of those
//! rules, [`Pred::Context`], so that the demand the copy receives comes from that literal
//! alone.
//!
//! # Why
//! With one demand predicate per goal-directed predicate `g`, a stratified program can turn
//! unstratifiable: in `p(X) :- e(X), !g(X). q(X) :- p(X), g(X).` the rewrite makes `g` wait
//! for `demand#g`, which `q` feeds from `p`, which negates `g`: `p -> !g -> demand#g -> p`.
//! The negation must see `g` complete for the values it asks about, and only those values;
//! demands from other callers are irrelevant to it. A copy per negated call keeps them apart
//! (the copy's demand comes from the negating rule's own earlier literals), so the rewritten
//! program stays stratified whenever the original was, up to one case the rewrite still
//! cannot order: a negated goal-directed call whose input only the negating rule's own
//! stratum binds (`p(X) :- p(X), !g(X)`), which [`crate::transform::magic`] reports.
//!
//! The copies compute the same tuples as the predicate they copy for the inputs asked of
//! them, so answers, proofs (which show a copy as the predicate it copies) and the checker
//! (which reads a predicate's tuples across its copies) are unchanged.

use crate::ir::{Adornments, Literal, Pred, Rule};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// The predicate a literal reads, when it reads one (an atom's, an aggregate's relation).
fn read(l: &Literal) -> Option<&Pred> {
    match l {
        Literal::Pos(a) | Literal::Neg(a) => Some(&a.pred),
        Literal::Aggregate(g) => Some(&g.aux.pred),
        _ => None,
    }
}

/// Predicates whose rules reach a goal-directed predicate (those included).
fn reaching(rules: &[Rule], adorn: &Adornments) -> BTreeSet<Pred> {
    let mut set: BTreeSet<Pred> = adorn.keys().cloned().collect();
    loop {
        let before = set.len();
        for r in rules {
            if r.body.iter().filter_map(read).any(|p| set.contains(p)) {
                set.insert(r.head.pred.clone());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// `rules` with a demand context for each negated literal and aggregate over a predicate
/// that reaches a goal-directed one, and the adornments of the copies (their originals').
pub fn separate(rules: &[Rule], adorn: &Adornments) -> (Vec<Rule>, Adornments) {
    let reach = reaching(rules, adorn);
    let mut adorn = adorn.clone();
    if reach.is_empty() {
        return (rules.to_vec(), adorn);
    }
    let mut defs: HashMap<&Pred, Vec<&Rule>> = HashMap::new();
    for r in rules {
        defs.entry(&r.head.pred).or_default().push(r);
    }
    let mut next = 0u32;
    let mut out = Vec::with_capacity(rules.len());
    let mut queue: VecDeque<Rule> = rules.iter().cloned().collect();
    while let Some(mut rule) = queue.pop_front() {
        for lit in &mut rule.body {
            let target = match lit {
                Literal::Neg(a) => &mut a.pred,
                Literal::Aggregate(g) => &mut g.aux.pred,
                _ => continue,
            };
            if !reach.contains(target) {
                continue;
            }
            next += 1;
            let original = target.clone();
            *target = Pred::Context(Box::new(original.clone()), next);
            // The copy: every predicate positively reachable from the target within `reach`,
            // renamed into the context; its own negations get contexts of their own when the
            // copied rules come through the queue.
            let mut todo = vec![original];
            let mut seen = BTreeSet::new();
            while let Some(p) = todo.pop() {
                if !seen.insert(p.clone()) {
                    continue;
                }
                let ctx = Pred::Context(Box::new(p.clone()), next);
                if let Some(bound) = adorn.get(&p).cloned() {
                    adorn.insert(ctx.clone(), bound);
                }
                for r in defs.get(&p).into_iter().flatten() {
                    let mut copy = (*r).clone();
                    copy.head.pred = ctx.clone();
                    for l in &mut copy.body {
                        if let Literal::Pos(a) = l
                            && reach.contains(&a.pred)
                        {
                            todo.push(a.pred.clone());
                            a.pred = Pred::Context(Box::new(a.pred.clone()), next);
                        }
                    }
                    queue.push_back(copy);
                }
            }
        }
        out.push(rule);
    }
    (out, adorn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::syntax::parse_kb;

    #[test]
    fn a_negated_goal_directed_call_reads_its_own_copy() {
        let kb = check(
            parse_kb(
                "e(a). e(c). g(N) :- N != c. p(X) :- e(X), !g(X). q(X) :- p(X), g(X).",
                0,
            )
            .unwrap(),
        )
        .unwrap();
        let (rules, adorn) = separate(&kb.rules, &kb.adornments);
        let p = rules
            .iter()
            .find(|r| r.head.pred == Pred::user("p"))
            .unwrap();
        let Literal::Neg(a) = &p.body[1] else {
            panic!("{p}")
        };
        assert!(matches!(&a.pred, Pred::Context(g, _) if **g == Pred::user("g")));
        // The copy has g's rule and g's adornment; q still reads g itself.
        assert!(rules.iter().any(|r| r.head.pred == a.pred));
        assert_eq!(adorn.get(&a.pred), kb.adornments.get(&Pred::user("g")));
        let q = rules
            .iter()
            .find(|r| r.head.pred == Pred::user("q"))
            .unwrap();
        assert_eq!(q.body[1].atom().unwrap().pred, Pred::user("g"));
    }

    #[test]
    fn a_program_without_goal_directed_predicates_is_unchanged() {
        let kb = check(parse_kb("e(1). b(2). p(X) :- e(X), !b(X).", 0).unwrap()).unwrap();
        assert_eq!(separate(&kb.rules, &kb.adornments).0, kb.rules);
    }
}
