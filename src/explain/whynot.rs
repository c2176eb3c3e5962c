//! Why-not: for a goal that does not hold, every rule whose head unifies with it is run
//! literal by literal over the model, carrying the set of partial bindings; the first literal
//! at which the set becomes empty blocks the rule. A blocking positive atom is explained in
//! turn (down to the missing base fact, within a depth limit); a blocking negation shows the
//! proof of the tuple that exists; a blocking built-in shows the values it compared.

use super::GroundAtom;
use super::proof::{Explainer, Proof, Subst, instantiate, term_value};
use crate::check::{Builtin, order_body};
use crate::diag::Location;
use crate::syntax::{Const, Literal, Term};
use serde::{Deserialize, Serialize};

/// Most partial bindings carried through one rule body.
const MAX_BINDINGS: usize = 10_000;

/// Why a goal does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhyNot {
    /// The goal, `_` for arguments left open.
    pub goal: String,
    /// Whether some rule could derive it (otherwise only a fact could state it).
    pub has_rules: bool,
    /// Tuples of the same predicate that do hold and differ from the goal in one given
    /// argument: what the knowledge base says instead.
    pub instead: Vec<Proof>,
    /// One entry per rule whose head unifies with the goal.
    pub rules: Vec<RuleTrial>,
    /// True when the depth limit stopped the explanation here.
    pub depth_limited: bool,
    /// The handle (`why #K`) that continues a report the depth limit stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<usize>,
}

/// How one rule fails to derive a goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTrial {
    /// The rule as written.
    pub rule: String,
    /// Where it is written.
    pub location: Location,
    /// Where its body blocks.
    pub blocked: Blocked,
}

/// The first body literal at which every partial binding dies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    /// The literal as written.
    pub literal: String,
    /// Where it is written.
    pub location: Location,
    /// The literal under the example binding.
    pub instance: String,
    /// How many partial bindings reached it.
    pub reached: usize,
    /// One of them.
    #[serde(
        serialize_with = "crate::render::json::substitution",
        deserialize_with = "crate::render::json::substitution_de"
    )]
    pub example: Vec<(String, Const)>,
    /// Why it fails.
    pub cause: BlockCause,
}

/// Why a blocking literal fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockCause {
    /// A positive atom with no matching tuple; its own why-not.
    Missing {
        /// Why the atom does not hold.
        why_not: Box<WhyNot>,
    },
    /// A negated atom whose tuple exists: its proof.
    BlockedBy {
        /// Proof of the blocking tuple.
        proof: Box<Proof>,
    },
    /// A built-in or comparison that is false for the example binding.
    Fails,
}

impl Explainer<'_> {
    /// Why `pred(args)` does not hold (`None` arguments are open), explaining blocking atoms
    /// down to `depth` levels.
    pub fn why_not(&self, pred: &str, args: &[Option<Const>], depth: usize) -> WhyNot {
        let goal = GroundAtom {
            pred: pred.to_string(),
            args: Vec::new(),
        };
        let shown: Vec<String> = args
            .iter()
            .map(|a| a.as_ref().map_or("_".to_string(), Const::to_string))
            .collect();
        let goal = if shown.is_empty() {
            goal.pred
        } else {
            format!("{}({})", goal.pred, shown.join(", "))
        };
        let rule_ids = self.rules_for(pred);
        let mut out = WhyNot {
            goal,
            has_rules: !rule_ids.is_empty(),
            instead: self.instead(pred, args),
            rules: Vec::new(),
            depth_limited: false,
            handle: None,
        };
        if depth == 0 {
            out.depth_limited = !rule_ids.is_empty();
            return out;
        }
        for ri in rule_ids {
            let user = self.user_clause(ri);
            // Unify the head with the given arguments only.
            let mut seed = Subst::new();
            let mut unifies = true;
            for (t, a) in user.head.args.iter().zip(args) {
                match (t, a) {
                    (Term::Const(c), Some(v)) if c != v => unifies = false,
                    (Term::Var(x), Some(v)) => {
                        if seed.get(x).is_some_and(|b| b != v) {
                            unifies = false;
                        }
                        seed.insert(x.clone(), v.clone());
                    }
                    _ => {}
                }
            }
            if !unifies {
                continue;
            }
            let order = order_body(&user.body, &self.kb.inputs, &seed.keys().cloned().collect());
            let mut bindings = vec![seed];
            for &i in &order.order {
                let lit = &user.body[i];
                let mut next = Vec::new();
                for s in &bindings {
                    for (e, _) in self.extend(lit, s, None) {
                        if next.len() < MAX_BINDINGS {
                            next.push(e);
                        }
                    }
                }
                if next.is_empty() {
                    let example = bindings[0].clone();
                    let cause = self.cause(lit, &example, depth);
                    let mut ex: Vec<(String, Const)> = example.into_iter().collect();
                    ex.sort();
                    out.rules.push(RuleTrial {
                        rule: user.to_string(),
                        location: self.sources.location(user.span),
                        blocked: Blocked {
                            literal: lit.to_string(),
                            location: self.sources.location(lit.span()),
                            instance: instantiate(lit, &bindings[0]),
                            reached: bindings.len(),
                            example: ex,
                            cause,
                        },
                    });
                    break;
                }
                bindings = next;
            }
            // A rule whose body holds for some binding derives a tuple the goal's open
            // arguments allow, so it is not a reason for "not"; it is left out.
        }
        out
    }

    fn cause(&self, lit: &Literal, s: &Subst, depth: usize) -> BlockCause {
        match lit {
            Literal::Pos(a) if Builtin::from_name(&a.pred).is_none() => {
                let args: Vec<Option<Const>> = a.args.iter().map(|t| term_value(t, s)).collect();
                BlockCause::Missing {
                    why_not: Box::new(self.why_not(&a.pred, &args, depth - 1)),
                }
            }
            Literal::Neg(a) if Builtin::from_name(&a.pred).is_none() => {
                let blocking = self.matches(a, s, None);
                let proof = blocking.first().and_then(|(full, _)| {
                    let args: Option<Vec<Const>> = a
                        .args
                        .iter()
                        .map(|t| match t {
                            Term::Wildcard => None,
                            _ => term_value(t, full),
                        })
                        .collect();
                    match args {
                        Some(args) => self.prove(&a.pred, &args),
                        // `_` positions: prove the first matching tuple of the relation.
                        None => self.first_tuple(a, s),
                    }
                });
                match proof {
                    Some(p) => BlockCause::BlockedBy { proof: Box::new(p) },
                    None => BlockCause::Fails,
                }
            }
            _ => BlockCause::Fails,
        }
    }

    fn first_tuple(&self, a: &crate::syntax::Atom, s: &Subst) -> Option<Proof> {
        let rel = self.model.relation(&a.pred)?;
        for row in rel.rows() {
            let vals = self.interner.decode(row);
            let ok = a
                .args
                .iter()
                .zip(&vals)
                .all(|(t, v)| term_value(t, s).is_none_or(|b| &b == v));
            if ok {
                return self.prove(&a.pred, &vals);
            }
        }
        None
    }

    /// Tuples that hold and differ from the goal in exactly one given argument, agreeing on
    /// at least one: what the knowledge base states instead.
    fn instead(&self, pred: &str, args: &[Option<Const>]) -> Vec<Proof> {
        let Some(rel) = self.model.relation(pred) else {
            return Vec::new();
        };
        let given = args.iter().filter(|a| a.is_some()).count();
        let mut out = Vec::new();
        for row in rel.rows() {
            let vals = self.interner.decode(row);
            let differ = args
                .iter()
                .zip(&vals)
                .filter(|(a, v)| a.as_ref().is_some_and(|a| a != *v))
                .count();
            // Keep to the goal's subject (its first argument) when it is given.
            let same_subject = args
                .first()
                .is_none_or(|a| a.as_ref().is_none_or(|a| a == &vals[0]));
            if differ == 1 && given >= 2 && same_subject {
                if let Some(p) = self.prove(pred, &vals) {
                    out.push(p);
                }
                if out.len() == 5 {
                    break;
                }
            }
        }
        out
    }
}
