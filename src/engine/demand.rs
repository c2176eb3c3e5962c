//! Goal-directed evaluation by a magic-set rewrite (Bancilhon, Maier, Sagiv and Ullman,
//! "Magic sets and other strange ways to implement logic programs", PODS 1986), restricted to
//! the arguments that must be bound: the *inputs* that [`check`](crate::check) inferred.
//!
//! # What this produces
//! For a predicate `p` with inputs, every rule `p(…) :- body` gets the demand atom
//! `demand#p(inputs)` prepended, so it only fires for demanded input values. Every literal on
//! an input predicate `q`, in any rule or query, adds a demand rule
//! `demand#q(its inputs) :- [demand of the rule's head], literals evaluated before it`
//! (sideways information passing along the body order the planner uses). A query's constants
//! thus seed the demand, which flows down to the rules that test it.

use super::eval::{EvalRule, Origin};
use crate::check::{CheckedKb, Inputs, order_body};
use crate::syntax::{Atom, Clause, Literal, Term};
use std::collections::{BTreeSet, HashMap};

/// Prefix of demand predicates; `#` cannot occur in a user's predicate name.
pub const DEMAND_PREFIX: &str = "demand#";

/// Whether `pred` is a demand predicate of the rewrite.
pub fn is_demand(pred: &str) -> bool {
    pred.starts_with(DEMAND_PREFIX)
}

fn demand_atom(pred: &str, args: &[Term], inputs: &BTreeSet<usize>, like: &Atom) -> Atom {
    Atom {
        pred: format!("{DEMAND_PREFIX}{pred}"),
        args: inputs.iter().map(|&i| args[i].clone()).collect(),
        span: like.span,
    }
}

/// Rewrites `kb`'s clauses for goal-directed evaluation.
pub fn rewrite(kb: &CheckedKb) -> Vec<EvalRule> {
    let user = kb
        .program
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| (c, Origin::User(i)));
    rewrite_all(kb, user)
}

/// Rewrites only `extra` rules (a query's) against `kb`'s inputs.
pub fn rewrite_extra(kb: &CheckedKb, extra: &[EvalRule]) -> Vec<EvalRule> {
    rewrite_all(kb, extra.iter().map(|r| (&r.clause, r.origin)))
}

fn rewrite_all<'a>(
    kb: &CheckedKb,
    all: impl Iterator<Item = (&'a Clause, Origin)>,
) -> Vec<EvalRule> {
    let stratum_of: HashMap<&str, usize> = kb
        .strata
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.preds.iter().map(move |p| (p.as_str(), i)))
        .collect();
    let mut out = Vec::new();
    for (clause, origin) in all {
        if clause.is_fact() {
            out.push(EvalRule {
                clause: clause.clone(),
                origin,
            });
            continue;
        }
        out.extend(rewrite_rule(clause, origin, &kb.inputs, &stratum_of));
    }
    out
}

fn rewrite_rule(
    clause: &Clause,
    origin: Origin,
    inputs: &Inputs,
    stratum_of: &HashMap<&str, usize>,
) -> Vec<EvalRule> {
    let head = &clause.head;
    let head_demand = inputs
        .get(&head.pred)
        .map(|ins| demand_atom(&head.pred, &head.args, ins, head));
    let seed: BTreeSet<String> = head_demand
        .iter()
        .flat_map(|d| d.args.iter())
        .filter_map(|t| {
            if let Term::Var(v) = t {
                Some(v.clone())
            } else {
                None
            }
        })
        .collect();
    let order = order_body(&clause.body, inputs, &seed);
    let mut out = Vec::new();
    for (k, &i) in order.order.iter().enumerate() {
        let (atom, negated) = match &clause.body[i] {
            Literal::Pos(a) => (a, false),
            Literal::Neg(a) => (a, true),
            Literal::Cmp { .. } => continue,
        };
        let Some(ins) = inputs.get(&atom.pred) else {
            continue;
        };
        let own_stratum = stratum_of.get(head.pred.as_str());
        let mut body: Vec<Literal> = head_demand.iter().cloned().map(Literal::Pos).collect();
        for j in binders(&clause.body, &order.order[..k], atom, ins, &seed, inputs) {
            let lit = &clause.body[j];
            // Under a negation, reading the head's own stratum would make the demand depend on
            // the recursion the negation must come after; dropping it only widens the demand.
            if negated
                && let Literal::Pos(a) = lit
                && own_stratum.is_some()
                && stratum_of.get(a.pred.as_str()) == own_stratum
            {
                continue;
            }
            body.push(lit.clone());
        }
        let demand = demand_atom(&atom.pred, &atom.args, ins, atom);
        let clause = Clause {
            head: demand,
            body,
            cites: Vec::new(),
            notes: Vec::new(),
            span: atom.span,
        };
        out.push(EvalRule {
            clause,
            origin: Origin::Demand,
        });
    }
    let mut body = clause.body.clone();
    if let Some(d) = head_demand {
        body.insert(0, Literal::Pos(d));
    }
    out.push(EvalRule {
        clause: Clause {
            body,
            ..clause.clone()
        },
        origin,
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
    ins: &BTreeSet<usize>,
    seed: &BTreeSet<String>,
    inputs: &Inputs,
) -> Vec<usize> {
    let mut need: BTreeSet<String> = ins
        .iter()
        .filter_map(|&i| {
            if let Term::Var(v) = &atom.args[i] {
                Some(v.clone())
            } else {
                None
            }
        })
        .filter(|v| !seed.contains(v))
        .collect();
    let mut kept = Vec::new();
    for &j in prefix.iter().rev() {
        if need.is_empty() {
            break;
        }
        let lit = &body[j];
        let mut vars = BTreeSet::new();
        lit.each_var(&mut |v| {
            vars.insert(v.to_string());
        });
        let binds_needed = match lit {
            Literal::Neg(_) => false,
            Literal::Pos(_) | Literal::Cmp { .. } => vars.iter().any(|v| need.contains(v)),
        };
        if binds_needed {
            kept.push(j);
            need.extend(vars.into_iter().filter(|v| !seed.contains(v)));
        }
    }
    kept.reverse();
    // If the kept literals cannot bind what the atom needs on their own, use the whole prefix.
    let sub: Vec<Literal> = kept.iter().map(|&j| body[j].clone()).collect();
    let o = order_body(&sub, inputs, seed);
    let bound_all = ins.iter().all(|&i| match &atom.args[i] {
        Term::Var(v) => o.bound.contains(v),
        _ => true,
    });
    if o.stuck.is_empty() && bound_all {
        kept
    } else {
        prefix.to_vec()
    }
}

/// The predicates a query over input predicates must re-evaluate: the demand predicates,
/// the input predicates, the query's own, and everything that reads them.
pub fn affected(rules: &[EvalRule], inputs: &Inputs, query_preds: &[&str]) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = inputs.keys().cloned().collect();
    set.extend(query_preds.iter().map(|s| s.to_string()));
    for r in rules {
        if is_demand(&r.clause.head.pred) {
            set.insert(r.clause.head.pred.clone());
        }
    }
    if set.len() == query_preds.len() {
        return set;
    }
    loop {
        let before = set.len();
        for r in rules {
            let reads = r.clause.body.iter().any(|l| match l {
                Literal::Pos(a) | Literal::Neg(a) => set.contains(&a.pred),
                Literal::Cmp { .. } => false,
            });
            if reads {
                set.insert(r.clause.head.pred.clone());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}
