//! Aggregate premises: the members listed are the group, all of it, and give the value.

use super::{ProofChecker, ProofError, Subst, TupleSet};
use crate::engine::functions;
use crate::explain::proof::{Justification, Proof};
use crate::ir::{Aggregate, Const, Literal, Pred, Term};

/// A failed check at `path`.
fn fail<T>(path: &[String], message: String) -> Result<T, ProofError> {
    Err(ProofError {
        path: path.to_vec(),
        message,
    })
}

impl ProofChecker<'_> {
    /// An aggregate premise: its value is the one the substitution gives; its members are
    /// distinct bindings of the group the substitution gives, each with the body's literals
    /// checked under it; the value recomputed from them is the value shown; and the model
    /// holds exactly that many tuples for the group, so none was left out.
    pub(super) fn aggregate(
        &self,
        g: &Aggregate,
        p: &Proof,
        s: &Subst,
        tuples: &dyn TupleSet,
        path: &mut Vec<String>,
    ) -> Result<(), ProofError> {
        path.push(p.conclusion.clone());
        let value = claimed_value(g, p, s, path)?;
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
        let mut members: Vec<Subst> = Vec::new();
        for m in &p.premises {
            path.push(m.conclusion.clone());
            let ms = self.member(g, m, s, tuples, path)?;
            if members.contains(&ms) {
                return fail(path, "the member is listed twice".into());
            }
            members.push(ms);
            path.pop();
        }
        recomputed(g, &members, value, path)?;
        let Pred::Aggregate(n) = g.aux.pred.original() else {
            return fail(path, "an aggregate reads its own relation".into());
        };
        let in_model = tuples.group_size(*n, &group);
        if in_model != members.len() {
            return fail(
                path,
                format!(
                    "the group has {} in the model, the proof lists {}",
                    crate::source::plural(in_model, "member"),
                    members.len()
                ),
            );
        }
        path.pop();
        Ok(())
    }

    /// One member: a binding of exactly the aggregate's variables, of the substitution's
    /// group, under which each body literal holds (its premises checked in turn).
    fn member(
        &self,
        g: &Aggregate,
        m: &Proof,
        s: &Subst,
        tuples: &dyn TupleSet,
        path: &mut Vec<String>,
    ) -> Result<Subst, ProofError> {
        let Justification::Member { substitution } = &m.by else {
            return fail(
                path,
                "each premise of an aggregate is a member of its group".into(),
            );
        };
        let ms: Subst = substitution.0.iter().cloned().collect();
        let names = var_names(g);
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
        if m.premises.len() != g.body.len() {
            return fail(
                path,
                format!(
                    "the aggregate's body has {}, the member {}",
                    crate::source::plural(g.body.len(), "literal"),
                    crate::source::plural(m.premises.len(), "premise")
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
        Ok(ms)
    }
}

/// The aggregate's auxiliary variables (group, then its own), by name.
fn var_names(g: &Aggregate) -> Vec<String> {
    g.aux
        .args
        .iter()
        .filter_map(Term::as_var)
        .map(ToString::to_string)
        .collect()
}

/// The value the premise claims: of the aggregate's function, and the one the rule's
/// substitution gives its result.
fn claimed_value<'p>(
    g: &Aggregate,
    p: &'p Proof,
    s: &Subst,
    path: &[String],
) -> Result<&'p Const, ProofError> {
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
        Some(r) if r == value => Ok(value),
        Some(r) => fail(
            path,
            format!(
                "the aggregate's value is {value}, the substitution gives {} = {r}",
                g.result
            ),
        ),
        None => fail(
            path,
            format!("the substitution has no value for {}", g.result),
        ),
    }
}

/// Whether the members give the claimed value.
fn recomputed(
    g: &Aggregate,
    members: &[Subst],
    value: &Const,
    path: &[String],
) -> Result<(), ProofError> {
    let names = var_names(g);
    let var = g.value.and_then(|c| names.get(c));
    let any = Const::Int(0);
    let got = functions::aggregate(
        g.op,
        members
            .iter()
            .map(|m| var.and_then(|v| m.get(v)).unwrap_or(&any)),
    );
    if got.as_ref().ok().and_then(Option::as_ref) == Some(value) {
        return Ok(());
    }
    let got = match got {
        Ok(Some(v)) => v.to_string(),
        Ok(None) => "no value".into(),
        Err(e) => e.to_string(),
    };
    fail(
        path,
        format!(
            "the members give {} = {got}, the proof says {value}",
            g.op.as_str()
        ),
    )
}
