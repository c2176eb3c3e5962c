//! An independent proof checker. It shares nothing with the evaluator's joins or the
//! explainer's search: it reads a [`Proof`] as data and checks it step by step against the
//! clauses of a knowledge base and a set of tuples (the model):
//!
//! - a fact leaf is a fact clause of the knowledge base, word for word;
//! - a rule node names a clause of the knowledge base (by its text); the substitution makes
//!   the clause's head the node's atom; there is one premise per body literal, in order;
//! - a positive premise is an instance of its literal, a tuple of the model, and checked in
//!   turn; a negated premise has no matching tuple in the model; a built-in or comparison
//!   holds when re-evaluated under the substitution.
//!
//! Only the meaning of built-ins ([`crate::engine::functions`]) is shared with the evaluator.

use super::proof::{Justification, Proof, Quote};
use crate::check::Builtin;
use crate::engine::functions;
use crate::syntax::{Atom, Clause, Const, Expr, Literal, Program, Term};
use std::collections::HashMap;

/// The tuples a proof is checked against.
pub trait TupleSet {
    /// Whether `pred(args)` is a tuple.
    fn holds(&self, pred: &str, args: &[Const]) -> bool;
    /// Whether some tuple of `pred` matches the pattern (`None` matches anything).
    fn any_match(&self, pred: &str, pattern: &[Option<Const>]) -> bool;
}

/// A step of a proof that does not check, with the path to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofError {
    /// Conclusions from the root down to the faulty node.
    pub path: Vec<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ProofError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at {})", self.message, self.path.join(" ⟵ "))
    }
}

/// Checks proofs against one program.
pub struct ProofChecker<'a> {
    program: &'a Program,
    sources: Option<&'a crate::diag::SourceMap>,
    /// Facts by predicate, so a leaf is checked against its predicate's facts only.
    facts: HashMap<&'a str, Vec<&'a Clause>>,
    /// Rules by their text; the same text may be written more than once.
    rules: HashMap<String, Vec<&'a Clause>>,
    /// Predicates whose facts (also) come from files: their tuples are facts.
    file_preds: Vec<String>,
}

type Subst = HashMap<String, Const>;

impl<'a> ProofChecker<'a> {
    /// A checker for the clauses of `program`.
    pub fn new(program: &'a Program) -> Self {
        let mut facts: HashMap<&str, Vec<&Clause>> = HashMap::new();
        let mut rules: HashMap<String, Vec<&Clause>> = HashMap::new();
        for c in &program.clauses {
            if c.is_fact() {
                facts.entry(c.head.pred.as_str()).or_default().push(c);
            } else {
                rules.entry(c.to_string()).or_default().push(c);
            }
        }
        ProofChecker {
            program,
            sources: None,
            facts,
            rules,
            file_preds: Vec::new(),
        }
    }

    /// Also checks every node's place (file name and line) against where its clause is
    /// written in these texts.
    pub fn with_sources(mut self, sources: &'a crate::diag::SourceMap) -> Self {
        self.sources = Some(sources);
        self
    }

    /// The quotes a clause's annotations give, as a proof shows them.
    fn quotes(&self, c: &Clause) -> (Vec<Quote>, Vec<Quote>) {
        let q = |a: &crate::syntax::Citation| Quote::from_citation(a, &self.program.sources);
        (
            c.cites.iter().map(q).collect(),
            c.notes.iter().map(q).collect(),
        )
    }

    /// Whether a node's citations, notes and place are those of its clause.
    fn same_annotations(
        &self,
        c: &Clause,
        location: &crate::diag::Location,
        cites: &[Quote],
        notes: &[Quote],
    ) -> Result<(), String> {
        let (want_cites, want_notes) = self.quotes(c);
        if cites != want_cites.as_slice() || notes != want_notes.as_slice() {
            return Err(format!(
                "the citations shown for `{c}` are not the ones the knowledge base gives it"
            ));
        }
        if let Some(map) = self.sources {
            let at = map.location(c.span);
            let base = |f: &str| f.rsplit('/').next().unwrap_or(f).to_string();
            if at.line != location.line || base(&at.file) != base(&location.file) {
                return Err(format!("`{c}` is written at {at}, not at {location}"));
            }
        }
        Ok(())
    }

    /// Accepts tuples of these predicates (read from files) as facts.
    pub fn with_file_preds(mut self, preds: impl IntoIterator<Item = String>) -> Self {
        self.file_preds.extend(preds);
        self
    }

    /// Checks `proof` against the clauses and `tuples`.
    ///
    /// Errors: the first step that does not check, with its path.
    pub fn check(&self, proof: &Proof, tuples: &dyn TupleSet) -> Result<(), ProofError> {
        let mut path = Vec::new();
        self.node(proof, tuples, &mut path)
    }

    fn node(
        &self,
        p: &Proof,
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
        let Some(atom) = &p.atom else {
            return fail(
                path,
                "a proof's root and rule premises must be atoms".into(),
            );
        };
        if !tuples.holds(&atom.pred, &atom.args) {
            return fail(path, format!("{atom} is not a tuple of the model"));
        }
        match &p.by {
            Justification::Fact {
                location,
                cites,
                notes,
            } => {
                // The same fact may be written more than once: one of them must match.
                let same: Vec<&&Clause> = self
                    .facts
                    .get(atom.pred.as_str())
                    .into_iter()
                    .flatten()
                    .filter(|c| {
                        c.head.args.len() == atom.args.len()
                            && c.head
                                .args
                                .iter()
                                .zip(&atom.args)
                                .all(|(t, a)| matches!(t, Term::Const(c) if c == a))
                    })
                    .collect();
                let clause = if same.is_empty() { None } else { Some(same) };
                match clause {
                    Some(cs) => {
                        let checks: Vec<Result<(), String>> = cs
                            .iter()
                            .map(|c| self.same_annotations(c, location, cites, notes))
                            .collect();
                        if let Some(Err(m)) = checks
                            .iter()
                            .find(|r| r.is_err())
                            .filter(|_| checks.iter().all(Result::is_err))
                        {
                            return fail(path, m.clone());
                        }
                    }
                    None if self.file_preds.contains(&atom.pred) => {}
                    None => {
                        return fail(path, format!("{atom} is not a fact of the knowledge base"));
                    }
                }
                if !p.premises.is_empty() {
                    return fail(path, "a fact has no premises".into());
                }
            }
            Justification::Rule {
                rule,
                substitution,
                location,
                cites,
                notes,
            } => {
                let Some(written) = self.rules.get(rule) else {
                    return fail(path, format!("no rule `{rule}` in the knowledge base"));
                };
                // The same rule may be written more than once: the one at the proof's place.
                let checks: Vec<Result<(), String>> = written
                    .iter()
                    .map(|c| self.same_annotations(c, location, cites, notes))
                    .collect();
                let Some(k) = checks.iter().position(Result::is_ok) else {
                    return fail(
                        path,
                        checks.into_iter().find_map(Result::err).unwrap_or_default(),
                    );
                };
                let clause = written[k];
                let mut s: Subst = substitution.iter().cloned().collect();
                let head = instantiate_atom(&clause.head, &s);
                if head.as_deref() != Some(atom.args.as_slice()) || clause.head.pred != atom.pred {
                    return fail(
                        path,
                        format!("the substitution does not make the head of `{rule}` equal {atom}"),
                    );
                }
                if p.premises.len() != clause.body.len() {
                    return fail(
                        path,
                        format!(
                            "`{rule}` has {} body literals, the proof {} premises",
                            clause.body.len(),
                            p.premises.len()
                        ),
                    );
                }
                for (lit, premise) in clause.body.iter().zip(&p.premises) {
                    if let Err(m) = self.literal(lit, premise, &mut s, tuples) {
                        path.push(premise.conclusion.clone());
                        return fail(path, m);
                    }
                    if let (Literal::Pos(a), Some(_)) = (lit, &premise.atom)
                        && Builtin::from_name(&a.pred).is_none()
                    {
                        self.node(premise, tuples, path)?;
                    }
                }
            }
            Justification::Builtin | Justification::Absent => {
                return fail(
                    path,
                    "a built-in or negation cannot conclude an atom".into(),
                );
            }
        }
        path.pop();
        Ok(())
    }

    fn literal(
        &self,
        lit: &Literal,
        premise: &Proof,
        s: &mut Subst,
        tuples: &dyn TupleSet,
    ) -> Result<(), String> {
        match lit {
            Literal::Pos(a) if Builtin::from_name(&a.pred).is_none() => {
                let Some(pa) = &premise.atom else {
                    return Err(format!("premise of `{lit}` is not an atom"));
                };
                if pa.pred != a.pred || pa.args.len() != a.args.len() {
                    return Err(format!("premise {pa} is not an instance of `{lit}`"));
                }
                for (t, v) in a.args.iter().zip(&pa.args) {
                    match t {
                        Term::Wildcard => {}
                        Term::Const(c) if c != v => {
                            return Err(format!("premise {pa} is not an instance of `{lit}`"));
                        }
                        Term::Const(_) => {}
                        Term::Var(x) => match s.get(x) {
                            Some(b) if b != v => {
                                return Err(format!(
                                    "premise {pa} gives {x} = {v}, the substitution {b}"
                                ));
                            }
                            Some(_) => {}
                            None => return Err(format!("the substitution has no value for {x}")),
                        },
                    }
                }
                Ok(())
            }
            Literal::Neg(a) if Builtin::from_name(&a.pred).is_none() => {
                if !matches!(premise.by, Justification::Absent) {
                    return Err(format!("premise of `{lit}` must be an absent atom"));
                }
                let mut pattern = Vec::new();
                for t in &a.args {
                    pattern.push(match t {
                        Term::Wildcard => None,
                        Term::Const(c) => Some(c.clone()),
                        Term::Var(x) => Some(
                            s.get(x)
                                .cloned()
                                .ok_or_else(|| format!("the substitution has no value for {x}"))?,
                        ),
                    });
                }
                if tuples.any_match(&a.pred, &pattern) {
                    return Err(format!(
                        "`{lit}` is false: a matching {} tuple exists",
                        a.pred
                    ));
                }
                Ok(())
            }
            Literal::Pos(a) | Literal::Neg(a) => {
                if !matches!(premise.by, Justification::Builtin) {
                    return Err(format!("premise of `{lit}` must be a built-in"));
                }
                let b = Builtin::from_name(&a.pred).expect("built-in");
                let vals: Option<Vec<Const>> = a.args.iter().map(|t| term(t, s)).collect();
                let vals =
                    vals.ok_or_else(|| format!("the substitution leaves `{lit}` unbound"))?;
                if functions::test(b, &vals, None) == matches!(lit, Literal::Neg(_)) {
                    return Err(format!("`{lit}` is false under the substitution"));
                }
                Ok(())
            }
            Literal::Cmp { lhs, op, rhs, .. } => {
                if !matches!(premise.by, Justification::Builtin) {
                    return Err(format!("premise of `{lit}` must be a comparison"));
                }
                match (expr(lhs, s), expr(rhs, s)) {
                    (Some(a), Some(b)) if functions::compare(&a, *op, &b) => Ok(()),
                    (Some(_), Some(_)) => Err(format!("`{lit}` is false under the substitution")),
                    _ => Err(format!("`{lit}` has no value under the substitution")),
                }
            }
        }
    }
}

fn term(t: &Term, s: &Subst) -> Option<Const> {
    match t {
        Term::Const(c) => Some(c.clone()),
        Term::Var(x) => s.get(x).cloned(),
        Term::Wildcard => None,
    }
}

fn expr(e: &Expr, s: &Subst) -> Option<Const> {
    match e {
        Expr::Term(t) => term(t, s),
        Expr::Binary(l, op, r) => match (expr(l, s)?, expr(r, s)?) {
            (Const::Int(a), Const::Int(b)) => functions::arith(*op, a, b).ok().map(Const::Int),
            _ => None,
        },
    }
}

fn instantiate_atom(a: &Atom, s: &Subst) -> Option<Vec<Const>> {
    a.args.iter().map(|t| term(t, s)).collect()
}

/// A model read as a [`TupleSet`].
pub struct ModelTuples<'a> {
    /// The model.
    pub model: crate::engine::Layered<'a>,
    /// The interner of its rows.
    pub interner: &'a crate::engine::Interner,
}

impl TupleSet for ModelTuples<'_> {
    fn holds(&self, pred: &str, args: &[Const]) -> bool {
        let row: Option<Vec<u32>> = args.iter().map(|c| self.interner.get(c)).collect();
        row.is_some_and(|r| self.model.height(pred, &r).is_some())
    }

    fn any_match(&self, pred: &str, pattern: &[Option<Const>]) -> bool {
        let Some(rel) = self.model.relation(pred) else {
            return false;
        };
        rel.rows().any(|row| {
            row.len() == pattern.len()
                && row
                    .iter()
                    .zip(pattern)
                    .all(|(&id, p)| p.as_ref().is_none_or(|c| self.interner.value(id) == c))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::{KnowledgeBase, SourceText};
    use crate::query::Answer;

    fn kb(text: &str) -> KnowledgeBase {
        KnowledgeBase::load(
            vec![SourceText {
                name: "t.kb".into(),
                text: text.into(),
            }],
            Default::default(),
        )
        .unwrap()
    }

    fn tuples_of(kb: &KnowledgeBase) -> ModelTuples<'_> {
        ModelTuples {
            model: crate::engine::Layered {
                base: &kb.model,
                top: None,
            },
            interner: &kb.interner,
        }
    }

    const PROGRAM: &str =
        "e(1,2). e(2,3). b(9). t(X,Y) :- e(X,Y). t(X,Z) :- t(X,Y), e(Y,Z), !b(Y), Z > 1.";

    fn proof_of(kb: &mut KnowledgeBase, q: &str) -> Proof {
        match kb.ask(q, Default::default()).unwrap() {
            Answer::Why(w) => w.proofs[0].clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn accepts_the_proofs_the_explainer_builds() {
        let mut kb = kb(PROGRAM);
        let a = kb.ask("why t(1, 3)", Default::default()).unwrap();
        let Answer::Why(w) = a else { panic!() };
        assert!(w.proof_errors.is_empty(), "{:?}", w.proof_errors);
        assert_eq!(w.proofs.len(), 1);
    }

    #[test]
    fn rejects_corrupted_proofs() {
        let mut kb = kb(PROGRAM);
        let good = proof_of(&mut kb, "why t(1, 3)");
        let checker = ProofChecker::new(&kb.checked.program);
        let tuples = tuples_of(&kb);
        assert_eq!(checker.check(&good, &tuples), Ok(()));

        // A substitution that does not match the conclusion.
        let mut bad = good.clone();
        if let Justification::Rule { substitution, .. } = &mut bad.by {
            substitution[0].1 = Const::Int(2);
        }
        assert!(
            checker
                .check(&bad, &tuples)
                .unwrap_err()
                .message
                .contains("substitution")
        );

        // A premise dropped.
        let mut bad = good.clone();
        bad.premises.pop();
        assert!(
            checker
                .check(&bad, &tuples)
                .unwrap_err()
                .message
                .contains("premises")
        );

        // A leaf that is no fact: claim e(1, 3).
        let mut bad = good.clone();
        let leaf = bad
            .premises
            .iter_mut()
            .find(|p| p.atom.as_ref().is_some_and(|a| a.pred == "e"))
            .unwrap();
        leaf.atom.as_mut().unwrap().args[1] = Const::Int(7);
        assert!(checker.check(&bad, &tuples).is_err());

        // A rule the knowledge base does not have.
        let mut bad = good.clone();
        if let Justification::Rule { rule, .. } = &mut bad.by {
            *rule = "t(X, Z) :- e(X, Z).".into();
        }
        assert!(
            checker
                .check(&bad, &tuples)
                .unwrap_err()
                .message
                .contains("no rule")
        );

        // A false comparison: pretend Z = 0 passed `Z > 1` by rewriting the whole instance.
        let mut kb2 = self::kb(
            "e(1,0). e(0,0). b(9). t(X,Y) :- e(X,Y). t(X,Z) :- t(X,Y), e(Y,Z), !b(Y), Z > 1. t(X, Z) :- t(X, Y), e(Y, Z), Z < 1.",
        );
        let p = proof_of(&mut kb2, "why t(1, 0)");
        let checker2 = ProofChecker::new(&kb2.checked.program);
        let tuples2 = tuples_of(&kb2);
        assert_eq!(checker2.check(&p, &tuples2), Ok(()));
        let mut bad = p.clone();
        if let Justification::Rule { rule, .. } = &mut bad.by
            && rule.contains("Z < 1")
        {
            *rule = "t(X, Z) :- t(X, Y), e(Y, Z), !b(Y), Z > 1.".into();
        }
        if bad != p {
            assert!(checker2.check(&bad, &tuples2).is_err());
        }
    }

    #[test]
    fn a_clause_written_twice_checks_at_either_place() {
        // Found by the property test: the checker knew only one place per rule text.
        let mut kb = kb("e(c0).\ne(c0).\np(A) :- e(A).\np(A) :- e(A).\n");
        let a = kb.ask("why p(c0)", Default::default()).unwrap();
        let Answer::Why(w) = a else { panic!() };
        assert!(w.proof_errors.is_empty(), "{:?}", w.proof_errors);
    }

    #[test]
    fn negation_premises_must_be_absent() {
        let mut kb = kb("n(1). n(2). blocked(2). ok(X) :- n(X), !blocked(X).");
        let good = proof_of(&mut kb, "why ok(1)");
        let checker = ProofChecker::new(&kb.checked.program);
        let tuples = tuples_of(&kb);
        assert_eq!(checker.check(&good, &tuples), Ok(()));
        // Claim ok(2) with the same shape: n(2) holds but blocked(2) exists.
        let mut bad = good.clone();
        bad.atom.as_mut().unwrap().args[0] = Const::Int(2);
        if let Justification::Rule { substitution, .. } = &mut bad.by {
            substitution[0].1 = Const::Int(2);
        }
        bad.premises[0].atom.as_mut().unwrap().args[0] = Const::Int(2);
        let err = checker.check(&bad, &tuples).unwrap_err();
        assert!(
            err.message.contains("not a tuple") || err.message.contains("is false"),
            "{err}"
        );
    }
}
