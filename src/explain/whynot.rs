//! Why-not: for a goal that does not hold, every rule whose head unifies with it is run
//! literal by literal over the model, carrying the set of partial bindings; the first literal
//! at which the set becomes empty blocks the rule. A blocking positive atom is explained in
//! turn (down to the missing base fact, within a depth limit); a blocking negation shows the
//! proof of the tuple that exists; a blocking built-in shows the values it compared.

use super::proof::{Proof, Substitution};
use super::prove::Explainer;
use super::search::{Subst, instantiate, term_value, undefined};
use crate::check::order_body;
use crate::ir::{Atom, Const, Literal, Pred, Term};
use crate::source::Location;
use serde::{Deserialize, Serialize};

/// Most partial bindings carried through one rule body.
const MAX_BINDINGS: usize = 10_000;

/// Why a goal does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhyNot {
    /// The goal, `_` for arguments left open.
    pub goal: String,
    /// The goal's predicate (to continue the report later).
    #[serde(skip)]
    pub pred: String,
    /// The goal's arguments, `None` where open.
    #[serde(skip)]
    pub args: Vec<Option<Const>>,
    /// Whether some rule could derive it (otherwise only a fact could state it).
    pub has_rules: bool,
    /// Tuples of the same predicate that do hold for the goal's subject: with
    /// `contradicted`, tuples for the goal's declared key (so the answer is "no"); without,
    /// what the knowledge base states about the subject, as information.
    pub instead: Vec<Proof>,
    /// Whether a declared key makes `instead` a "no": the tuples agree with the goal on a
    /// key and differ in a column it determines.
    #[serde(default)]
    pub contradicted: bool,
    /// For a fact read from a headed file (`input p(a, b) from "f.csv"`) that nothing
    /// states: what the file says of its key, e.g. `no row of clients.csv has resource_id
    /// `99``, or the row that holds the key and leaves a cell empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_because: Option<String>,
    /// One entry per rule whose head unifies with the goal.
    pub rules: Vec<RuleTrial>,
    /// True when the depth limit stopped the explanation here.
    pub depth_limited: bool,
    /// The handle (`why #K`) that continues a report the depth limit stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<usize>,
    /// A rule (not goal-directed) whose body holds for the goal although no tuple of the
    /// goal does: a model that is not the rules' (one edited by hand), never the
    /// evaluator's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_by: Option<String>,
}

/// What trying one rule against a goal found.
enum Trial {
    /// The head does not unify, or a limit stopped the search.
    Skipped,
    /// The first literal where every binding dies.
    Blocked(Box<RuleTrial>),
    /// The whole body holds for some binding.
    Holds,
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
    pub example: Substitution,
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
    /// A comparison with no value for the example binding (division by zero, overflow):
    /// neither true nor false, so the literal fails.
    Undefined {
        /// What is undefined, with its values.
        reason: String,
    },
    /// The goal is already being explained further up this report (recursion).
    Circular,
    /// An aggregate's value, or a comparison on it, that falls short: what the aggregate
    /// reached and what was needed (`count = 2, needed N >= 3`).
    Reached {
        /// The value reached, over which group, and what was needed.
        reason: String,
    },
}

impl Explainer<'_> {
    /// Why `pred(args)` does not hold (`None` arguments are open), explaining blocking atoms
    /// down to `depth` levels.
    pub fn why_not(&self, pred: &Pred, args: &[Option<Const>], depth: usize) -> WhyNot {
        self.explaining
            .borrow_mut()
            .push((pred.clone(), args.to_vec()));
        let out = self.why_not_inner(pred, args, depth);
        self.explaining.borrow_mut().pop();
        out
    }

    fn is_explaining(&self, pred: &Pred, args: &[Option<Const>]) -> bool {
        self.explaining
            .borrow()
            .iter()
            .any(|(p, a)| p == pred && a == args)
    }

    fn why_not_inner(&self, pred: &Pred, args: &[Option<Const>], depth: usize) -> WhyNot {
        let shown: Vec<String> = args
            .iter()
            .map(|a| a.as_ref().map_or("_".to_string(), Const::to_string))
            .collect();
        let goal = if shown.is_empty() {
            pred.to_string()
        } else {
            format!("{pred}({})", shown.join(", "))
        };
        let rule_ids = self.rules_for(pred);
        let mut out = WhyNot {
            goal,
            pred: pred.to_string(),
            args: args.to_vec(),
            has_rules: !rule_ids.is_empty(),
            instead: Vec::new(),
            contradicted: false,
            unknown_because: None,
            rules: Vec::new(),
            depth_limited: false,
            handle: None,
            derived_by: None,
        };
        (out.instead, out.contradicted) = self.instead(pred, args);
        if !out.has_rules && out.instead.is_empty() {
            out.unknown_because = self.unknown_row(pred, args);
        }
        if depth == 0 {
            out.depth_limited = !rule_ids.is_empty();
            return out;
        }
        // A rule whose body holds for some binding derives a tuple the goal's open
        // arguments allow, so it is not a reason for "not"; it is left out.
        for ri in rule_ids {
            match self.trial(ri, args, depth) {
                Trial::Blocked(t) => out.rules.push(*t),
                Trial::Holds if self.without_demand(ri).body.len() == self.rules[ri].body.len() => {
                    out.derived_by
                        .get_or_insert_with(|| self.view(ri).text.clone());
                }
                Trial::Holds | Trial::Skipped => {}
            }
        }
        out
    }

    /// Rule `ri` tried against the goal's given arguments: the first literal (in the order
    /// the body runs) where every binding dies, with how many reached it and an example.
    /// Skipped when the head does not unify.
    fn trial(&self, ri: usize, args: &[Option<Const>], depth: usize) -> Trial {
        let user = self.without_demand(ri);
        let view = self.view(ri);
        // Unify the head with the given arguments only.
        let mut seed = Subst::new();
        for (t, a) in user.head.args.iter().zip(args) {
            match (t, a) {
                (Term::Const(c), Some(v)) if c != v => return Trial::Skipped,
                (Term::Var(x), Some(v)) => {
                    if seed.get(x).is_some_and(|b| b != v) {
                        return Trial::Skipped;
                    }
                    seed.insert(x.clone(), v.clone());
                }
                _ => {}
            }
        }
        let order = order_body(
            &user.body,
            &self.kb.adornments,
            &seed.keys().cloned().collect(),
        );
        let mut bindings = vec![seed];
        for &i in &order.order {
            let lit = &user.body[i];
            let mut next = Vec::new();
            for s in &bindings {
                // A stopped search reports nothing: the caller reports the limit.
                if !self.matcher.bounds.step() {
                    return Trial::Skipped;
                }
                for (e, _) in self.matcher.extend(lit, s, None) {
                    if next.len() < MAX_BINDINGS {
                        next.push(e);
                    }
                }
            }
            if !next.is_empty() {
                bindings = next;
                continue;
            }
            let example = bindings[0].clone();
            let cause = reached(&user.body, lit, &example).map_or_else(
                || self.cause(lit, &example, depth),
                |reason| BlockCause::Reached { reason },
            );
            let mut ex: Vec<(String, Const)> = example
                .into_iter()
                .map(|(v, c)| (v.to_string(), c))
                .collect();
            ex.sort();
            return Trial::Blocked(Box::new(RuleTrial {
                rule: view.text.clone(),
                location: self.sources.location(view.span),
                blocked: Blocked {
                    literal: lit.to_string(),
                    location: self.sources.location(lit.span()),
                    instance: instantiate(lit, &bindings[0]),
                    reached: bindings.len(),
                    example: Substitution(ex),
                    cause,
                },
            }));
        }
        Trial::Holds
    }

    fn cause(&self, lit: &Literal, s: &Subst, depth: usize) -> BlockCause {
        match lit {
            Literal::Pos(a) => {
                let args: Vec<Option<Const>> = a.args.iter().map(|t| term_value(t, s)).collect();
                if self.is_explaining(&a.pred, &args) {
                    return BlockCause::Circular;
                }
                BlockCause::Missing {
                    why_not: Box::new(self.why_not(&a.pred, &args, depth - 1)),
                }
            }
            Literal::Neg(a) => {
                let blocking = self.matcher.matches(a, s, None);
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
            Literal::Cmp { lhs, rhs, .. } => {
                match undefined(lhs, s).or_else(|| undefined(rhs, s)) {
                    Some(reason) => BlockCause::Undefined { reason },
                    None => BlockCause::Fails,
                }
            }
            Literal::Aggregate(g) => self.aggregate_cause(g, s),
            _ => BlockCause::Fails,
        }
    }

    /// Why an aggregate literal fails for a binding: no value, or not the one needed.
    fn aggregate_cause(&self, g: &crate::ir::Aggregate, s: &Subst) -> BlockCause {
        let shown: Vec<String> = g.body.iter().map(|l| instantiate(l, s)).collect();
        let shown = shown.join(", ");
        match self.matcher.aggregate_value(g, s) {
            Ok(None) => BlockCause::Reached {
                reason: format!(
                    "{} of an empty group has no value: nothing matches {}",
                    g.op.as_str(),
                    shown
                ),
            },
            Ok(Some(v)) => BlockCause::Reached {
                reason: match s.get(&g.result) {
                    Some(r) => format!("{} = {v}, needed {r}", g.op.as_str()),
                    None => format!("{} = {v}", g.op.as_str()),
                },
            },
            Err(e) => BlockCause::Undefined {
                reason: format!("{} has no value: {e}", g.op.as_str()),
            },
        }
    }

    fn first_tuple(&self, a: &Atom, s: &Subst) -> Option<Proof> {
        self.matcher.model.demand(
            &a.pred,
            a.args
                .iter()
                .enumerate()
                .filter_map(|(i, t)| Some((i, term_value(t, s)?)))
                .collect(),
        );
        let rel = self.matcher.model.relation(&a.pred)?;
        for row in rel.rows() {
            let vals = self.matcher.interner.decode(row);
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

    /// What the knowledge base states instead of the goal, and whether it contradicts it:
    /// tuples agreeing with the goal on a declared key (all of whose columns the goal
    /// gives), which then differ where the key decides — a "no"; else, tuples that differ
    /// from the goal in exactly one given argument and share its subject (its first
    /// argument), as information.
    fn instead(&self, pred: &Pred, args: &[Option<Const>]) -> (Vec<Proof>, bool) {
        self.demand_instead(pred, args);
        let Some(rel) = self.matcher.model.relation(pred) else {
            return (Vec::new(), false);
        };
        let keys: Vec<&std::collections::BTreeSet<usize>> = pred
            .user_name()
            .and_then(|n| self.kb.preds.get(n))
            .map(|info| {
                info.keys
                    .iter()
                    .filter(|k| k.iter().all(|&i| args.get(i).is_some_and(Option::is_some)))
                    .collect()
            })
            .unwrap_or_default();
        let agrees = |vals: &[Const], i: usize| args[i].as_ref().is_none_or(|a| *a == vals[i]);
        // In value order: the same near misses in the same order however the model's
        // values were numbered (a model fetched from a database numbers them as it reads).
        let mut rows: Vec<Vec<Const>> = rel
            .rows()
            .map(|r| self.matcher.interner.decode(r))
            .collect();
        rows.sort();
        let keyed: Vec<&Vec<Const>> = rows
            .iter()
            .filter(|v| keys.iter().any(|k| k.iter().all(|&i| agrees(v, i))))
            .collect();
        if !keyed.is_empty() {
            let proofs = keyed
                .iter()
                .take(5)
                .filter_map(|v| self.prove(pred, v))
                .collect();
            return (proofs, true);
        }
        let given = args.iter().filter(|a| a.is_some()).count();
        let mut out = Vec::new();
        for vals in &rows {
            let differ = (0..args.len()).filter(|&i| !agrees(vals, i)).count();
            if differ == 1 && given >= 2 && agrees(vals, 0) {
                out.extend(self.prove(pred, vals));
                if out.len() == 5 {
                    break;
                }
            }
        }
        (out, false)
    }
}

impl Explainer<'_> {
    /// Why a goal read from a headed file is unknown, when the goal gives all the columns of
    /// a declared key: no row of the file holds the key's cells (`no row of clients.csv has
    /// resource_id `99``), or the row holding them left a named cell empty (the reader gave
    /// no tuple). `None` for other inputs, or when neither is so.
    fn unknown_row(&self, pred: &Pred, args: &[Option<Const>]) -> Option<String> {
        let info = self.kb.preds.get(pred.user_name()?)?;
        let files = self.files?.get(pred)?;
        let key = info
            .keys
            .iter()
            .find(|k| k.iter().all(|&i| args.get(i).is_some_and(Option::is_some)))?;
        for file in files.iter().filter(|f| f.table.is_none()) {
            let Some(header) = &file.header else {
                continue;
            };
            let names: Vec<String> = key.iter().map(|&i| header[i].clone()).collect();
            let values: Vec<Const> = key.iter().filter_map(|&i| args[i].clone()).collect();
            let said: Vec<String> = names
                .iter()
                .zip(&values)
                .map(|(n, v)| format!("{n} `{}`", v.plain_text()))
                .collect();
            let path = file.path.display();
            // The rows as read at load (the file may have changed since). A stored model's
            // rows were not read here: its stamp matched the file's contents at start, so
            // the file is searched as it is.
            let found = match file.keys.iter().find(|(k, _)| k == key) {
                Some((_, index)) => values
                    .iter()
                    .map(|v| self.matcher.interner.get(v))
                    .collect::<Option<Vec<u32>>>()
                    // A value never interned is in no row.
                    .and_then(|ids| index.line(&ids)),
                None => crate::engine::headed::find_headed_line(&file.path, &names, &values),
            };
            match found {
                None => return Some(format!("no row of {path} has {}", said.join(" and "))),
                Some(line) => {
                    let rest: Vec<String> = (0..header.len())
                        .filter(|i| !key.contains(i))
                        .map(|i| format!("`{}`", header[i]))
                        .collect();
                    return Some(format!(
                        "{path}:{line} has {} and no value under {}",
                        said.join(" and "),
                        rest.join(" or ")
                    ));
                }
            }
        }
        None
    }

    /// Records the lookups [`Explainer::instead`] makes: the tuples agreeing with the goal
    /// on each declared key it gives, and those sharing its subject (every tuple when it
    /// gives none).
    fn demand_instead(&self, pred: &Pred, args: &[Option<Const>]) {
        let model = &self.matcher.model;
        let given = |cols: &mut dyn Iterator<Item = usize>| -> Option<Vec<(usize, Const)>> {
            cols.map(|i| Some((i, args.get(i)?.clone()?))).collect()
        };
        if let Some(info) = pred.user_name().and_then(|n| self.kb.preds.get(n)) {
            for k in &info.keys {
                if let Some(bound) = given(&mut k.iter().copied()) {
                    model.demand(pred, bound);
                }
            }
        }
        if args.iter().filter(|a| a.is_some()).count() >= 2 {
            model.demand(pred, given(&mut std::iter::once(0)).unwrap_or_default());
        }
    }
}

/// For a comparison on the result of an aggregate of the same body: the value the
/// aggregate reached and the comparison it needed to pass (`count = 2, needed N >= 3`).
fn reached(body: &[Literal], lit: &Literal, s: &Subst) -> Option<String> {
    let Literal::Cmp { .. } = lit else {
        return None;
    };
    let vars = lit.vars();
    let parts: Vec<String> = body
        .iter()
        .filter_map(|l| match l {
            Literal::Aggregate(g) if vars.contains(&g.result) => {
                let v = s.get(&g.result)?;
                Some(format!("{} = {v}", g.op.as_str()))
            }
            _ => None,
        })
        .collect();
    (!parts.is_empty()).then(|| format!("{}, needed {lit}", parts.join(", ")))
}
