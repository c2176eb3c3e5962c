//! Aggregate premises: the members listed are the group, all of it, and give the value.

use super::{ProofChecker, ProofError, Subst, TupleSet};
use crate::engine::functions;
use crate::explain::proof::{Justification, Proof};
use crate::ir::{Const, Literal, Pred, Term};

impl ProofChecker<'_> {
    /// An aggregate premise: its value is the one the substitution gives; its members are
    /// distinct bindings of the group the substitution gives, each with the body's literals
    /// checked under it; the value recomputed from them is the value shown; and the model
    /// holds exactly that many tuples for the group, so none was left out.
    pub(super) fn aggregate(
        &self,
        g: &crate::ir::Aggregate,
        p: &Proof,
        s: &Subst,
        tuples: &dyn TupleSet,
        path: &mut Vec<String>,
    ) -> Result<(), ProofError> {
        path.push(p.conclusion.clone());
        let fail = |path: &Vec<String>, m: String| {
            Err(ProofError {
                path: path.clone(),
                message: m,
            })
        };
        let Justification::Aggregate { op, value } = &p.by else {
            return fail(path, format!("premise of `{g}` must be an aggregate"));
        };
        if *op != g.op {
            return fail(
                path,
                format!(
                    "the premise takes {}, `{g}` takes {}",
                    op.as_str(),
                    g.op.as_str()
                ),
            );
        }
        match s.get(&g.result.to_string()) {
            Some(r) if r == value => {}
            Some(r) => {
                return fail(
                    path,
                    format!(
                        "the aggregate's value is {value}, the substitution gives {} = {r}",
                        g.result
                    ),
                );
            }
            None => {
                return fail(
                    path,
                    format!("the substitution has no value for {}", g.result),
                );
            }
        }
        let Some(group): Option<Vec<Const>> = g
            .group_vars()
            .map(|v| s.get(&v.to_string()).cloned())
            .collect()
        else {
            return fail(
                path,
                "the substitution does not give the aggregate's group".into(),
            );
        };
        let names: Vec<String> = g
            .aux
            .args
            .iter()
            .filter_map(Term::as_var)
            .map(ToString::to_string)
            .collect();
        let mut members: Vec<Subst> = Vec::new();
        for m in &p.premises {
            path.push(m.conclusion.clone());
            let Justification::Member { substitution } = &m.by else {
                return fail(
                    path,
                    "each premise of an aggregate is a member of its group".into(),
                );
            };
            let ms: Subst = substitution.0.iter().cloned().collect();
            if ms.len() != names.len() || !names.iter().all(|n| ms.contains_key(n)) {
                return fail(path, format!("a member binds exactly {}", names.join(", ")));
            }
            for v in g.group_vars() {
                let v = v.to_string();
                if ms.get(&v) != s.get(&v) {
                    return fail(
                        path,
                        format!("the member is of another group ({v} = {})", ms[&v]),
                    );
                }
            }
            if members.contains(&ms) {
                return fail(path, "the member is listed twice".into());
            }
            if m.premises.len() != g.body.len() {
                return fail(
                    path,
                    format!(
                        "the aggregate's body has {} literals, the member {} premises",
                        g.body.len(),
                        m.premises.len()
                    ),
                );
            }
            let mut body_s = ms.clone();
            for (lit, premise) in g.body.iter().zip(&m.premises) {
                if let Err(msg) = self.literal(lit, premise, &mut body_s, tuples) {
                    path.push(premise.conclusion.clone());
                    return fail(path, msg);
                }
                if let (Literal::Pos(_), Some(_)) = (lit, &premise.atom) {
                    self.node(premise, tuples, path)?;
                }
            }
            members.push(ms);
            path.pop();
        }
        let var = g.value.and_then(|c| names.get(c));
        let any = Const::Int(0);
        let recomputed = functions::aggregate(
            g.op,
            members
                .iter()
                .map(|m| var.and_then(|v| m.get(v)).unwrap_or(&any)),
        );
        if recomputed.as_ref().ok().and_then(Option::as_ref) != Some(value) {
            let got = match recomputed {
                Ok(Some(v)) => v.to_string(),
                Ok(None) => "no value".into(),
                Err(e) => e.to_string(),
            };
            return fail(
                path,
                format!(
                    "the members give {} = {got}, the proof says {value}",
                    g.op.as_str()
                ),
            );
        }
        let Pred::Aggregate(n) = g.aux.pred else {
            return fail(path, "an aggregate reads its own relation".into());
        };
        let in_model = tuples.group_size(n, &group);
        if in_model != members.len() {
            return fail(
                path,
                format!(
                    "the group has {in_model} members in the model, the proof lists {}",
                    members.len()
                ),
            );
        }
        path.pop();
        Ok(())
    }
}
