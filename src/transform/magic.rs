//! Goal-directed evaluation by a magic-set rewrite (Bancilhon, Maier, Sagiv and Ullman,
//! "Magic sets and other strange ways to implement logic programs", PODS 1986), restricted to
//! the arguments that must be bound: the *inputs* that [`check`](crate::check) inferred.
//!
//! # What this produces
//! For a predicate `p` with bound arguments, every rule `p(…) :- body` that needs them (its
//! body only tests some of them) gets the demand atom `demand#p(bound args)` prepended, so
//! it only fires for demanded input values; its other rules run bottom-up as any. Every
//! literal on a goal-directed predicate `q`, in any rule or query, adds a demand rule
//! `demand#q(its bound args) :- [demand of the rule's head], literals evaluated before it`
//! (sideways information passing along the body order the planner uses). A query's constants
//! thus seed the demand, which flows down to the rules that test it. Demand predicates are
//! [`Pred::Demand`], never a user's name.

use super::relax::{relaxed_rules, underlying};
use crate::check::{CheckedKb, modes::minimal_seed, order_body};
use crate::ir::{Adornments, Atom, Literal, Origin, Pred, Rule, Term, Var};
use std::collections::{BTreeSet, HashMap};

fn demand_atom(pred: &Pred, args: &[Term], bound: &BTreeSet<usize>, like: &Atom) -> Atom {
    Atom {
        pred: Pred::Demand(Box::new(pred.clone())),
        args: bound.iter().map(|&i| args[i].clone()).collect(),
        span: like.span,
    }
}

/// Rewrites `kb`'s rules for goal-directed evaluation, each negated call of a goal-directed
/// predicate in its own demand context ([`super::contexts`]).
pub fn rewrite(kb: &CheckedKb) -> Vec<Rule> {
    let (rules, adorn) = super::contexts::separate(&kb.rules, &kb.adornments);
    rewrite_all(kb, &adorn, &rules)
}

/// Rewrites only `extra` rules (a query's) under `adorn` (`kb`'s adornments, less any
/// predicate the query reads without its inputs).
pub fn rewrite_extra(kb: &CheckedKb, extra: &[Rule], adorn: &Adornments) -> Vec<Rule> {
    rewrite_all(kb, adorn, extra)
}

fn rewrite_all(kb: &CheckedKb, adorn: &Adornments, all: &[Rule]) -> Vec<Rule> {
    let stratum_of: HashMap<&Pred, usize> = kb
        .strata
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.preds.iter().map(move |p| (p, i)))
        .collect();
    let mut out = Vec::new();
    let mut relax = BTreeSet::new();
    for rule in all {
        if rule.is_fact() {
            out.push(rule.clone());
            continue;
        }
        out.extend(rewrite_rule(rule, adorn, &stratum_of, &mut relax));
    }
    // The relaxed copies some demand rules read, rewritten in turn (they negate nothing that
    // needs demand, so they ask for no further copies).
    if !relax.is_empty() {
        let strata: BTreeSet<usize> = relax
            .iter()
            .filter_map(|p: &Pred| stratum_of.get(underlying(p)).copied())
            .collect();
        let in_stratum = |p: &Pred| {
            stratum_of
                .get(underlying(p))
                .is_some_and(|s| strata.contains(s))
        };
        let mut adorn = adorn.clone();
        for (p, bound) in adorn.clone() {
            adorn.insert(Pred::Relaxed(Box::new(p)), bound);
        }
        let mut more = BTreeSet::new();
        for rule in relaxed_rules(all, &relax, &in_stratum) {
            out.extend(rewrite_rule(&rule, &adorn, &stratum_of, &mut more));
        }
    }
    out
}

fn rewrite_rule(
    rule: &Rule,
    adorn: &Adornments,
    stratum_of: &HashMap<&Pred, usize>,
    relax: &mut BTreeSet<Pred>,
) -> Vec<Rule> {
    let head = &rule.head;
    // Only a rule that needs its head's bound arguments waits for demand; one whose body
    // binds them runs bottom-up, so a query that gives no input still gets its tuples.
    let needs_input = minimal_seed(rule, adorn).is_none_or(|seed| !seed.is_empty());
    let head_demand = adorn
        .get(&head.pred)
        .filter(|_| needs_input)
        .map(|bound| demand_atom(&head.pred, &head.args, bound, head));
    let seed: BTreeSet<Var> = head_demand
        .iter()
        .flat_map(|d| d.args.iter())
        .filter_map(|t| t.as_var().cloned())
        .collect();
    let order = order_body(&rule.body, adorn, &seed);
    let mut out = Vec::new();
    for (k, &i) in order.order.iter().enumerate() {
        let (atom, negated) = match &rule.body[i] {
            Literal::Pos(a) => (a, false),
            Literal::Neg(a) => (a, true),
            _ => continue,
        };
        let Some(bound) = adorn.get(&atom.pred) else {
            continue;
        };
        let own_stratum = stratum_of.get(underlying(&head.pred));
        let mut body: Vec<Literal> = head_demand.iter().cloned().map(Literal::Pos).collect();
        for j in binders(&rule.body, &order.order[..k], atom, bound, &seed, adorn) {
            let mut lit = rule.body[j].clone();
            // Under a negation, reading the head's own stratum would make the demand depend on
            // the recursion the negation must come after: read its relaxed copy instead.
            if negated
                && let Literal::Pos(a) = &mut lit
                && own_stratum.is_some()
                && stratum_of.get(underlying(&a.pred)) == own_stratum
            {
                relax.insert(a.pred.clone());
                a.pred = Pred::Relaxed(Box::new(a.pred.clone()));
            }
            body.push(lit);
        }
        out.push(Rule {
            head: demand_atom(&atom.pred, &atom.args, bound, atom),
            body,
            origin: Origin::Demand,
            span: atom.span,
        });
    }
    let mut body = rule.body.clone();
    if let Some(d) = head_demand {
        body.insert(0, Literal::Pos(d));
    }
    out.push(Rule {
        body,
        ..rule.clone()
    });
    out
}

/// The literals of `prefix` (indices into `body`, in evaluation order) needed to bind the
/// input arguments of `atom` that `seed` does not: walking back from `atom`, a literal is kept
/// when it binds a variable still needed, and then what it needs is needed too. Keeping the
/// demand rule this small keeps it from reading the predicates it is meant to drive, which
/// would close a cycle through negation.
fn binders(
    body: &[Literal],
    prefix: &[usize],
    atom: &Atom,
    bound: &BTreeSet<usize>,
    seed: &BTreeSet<Var>,
    adorn: &Adornments,
) -> Vec<usize> {
    let mut need: BTreeSet<Var> = bound
        .iter()
        .filter_map(|&i| atom.args[i].as_var().cloned())
        .filter(|v| !seed.contains(v))
        .collect();
    let mut kept = Vec::new();
    for &j in prefix.iter().rev() {
        if need.is_empty() {
            break;
        }
        let lit = &body[j];
        let vars = lit.vars();
        let binds_needed = match lit {
            Literal::Neg(_) | Literal::Builtin { negated: true, .. } => false,
            _ => vars.iter().any(|v| need.contains(v)),
        };
        if binds_needed {
            kept.push(j);
            need.extend(vars.into_iter().filter(|v| !seed.contains(v)));
        }
    }
    kept.reverse();
    // If the kept literals cannot bind what the atom needs on their own, use the whole prefix.
    let sub: Vec<Literal> = kept.iter().map(|&j| body[j].clone()).collect();
    let o = order_body(&sub, adorn, seed);
    let bound_all = bound.iter().all(|&i| match &atom.args[i] {
        Term::Var(v) => o.bound.contains(v),
        _ => true,
    });
    if o.stuck.is_empty() && bound_all {
        kept
    } else {
        prefix.to_vec()
    }
}

/// The predicates that rules `added` to a program whose model is known must re-evaluate:
/// the heads of the added rules (a query's own, its demand seeds, its aggregates) and
/// everything that reads them, directly or through others. Every other relation of the model
/// stands as it is.
pub fn affected(rules: &[Rule], added: &[Pred]) -> BTreeSet<Pred> {
    let mut set: BTreeSet<Pred> = added.iter().cloned().collect();
    loop {
        let before = set.len();
        for r in rules {
            let reads = r
                .body
                .iter()
                .any(|l| l.atom().is_some_and(|a| set.contains(&a.pred)));
            if reads {
                set.insert(r.head.pred.clone());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}
