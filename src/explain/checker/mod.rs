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
//! Only the meaning of built-ins ([`crate::engine::functions`]) is shared with the evaluator;
//! the rest is written again here on purpose, so a bug in the search cannot hide itself.

mod aggregate;

use super::proof::{GroundAtom, Justification, Proof, Quote};
use crate::check::CheckedKb;
use crate::engine::functions;
use crate::ir::{Atom, Const, Expr, Literal, Pred, Rule, Term};
use crate::source::{Location, SourceMap};
use crate::syntax::{Citation, Clause};
use std::collections::HashMap;

/// The tuples a proof is checked against.
pub trait TupleSet {
    /// Whether `pred(args)` is a tuple.
    fn holds(&self, pred: &str, args: &[Const]) -> bool;
    /// Whether some tuple of `pred` matches the pattern (`None` matches anything).
    fn any_match(&self, pred: &str, pattern: &[Option<Const>]) -> bool;
    /// How many tuples the auxiliary relation of aggregate number `n` holds for one group
    /// (its leading columns equal to `group`).
    fn group_size(&self, n: u32, group: &[Const]) -> usize;
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

/// A clause as written, with its typed rule.
#[derive(Clone, Copy)]
struct Written<'a> {
    clause: &'a Clause,
    rule: &'a Rule,
}

/// Checks proofs against one knowledge base.
pub struct ProofChecker<'a> {
    kb: &'a CheckedKb,
    sources: Option<&'a SourceMap>,
    /// Facts by predicate, so a leaf is checked against its predicate's facts only.
    facts: HashMap<&'a str, Vec<Written<'a>>>,
    /// Rules by their text; the same text may be written more than once.
    rules: HashMap<String, Vec<Written<'a>>>,
    /// Predicates whose facts (also) come from files: their tuples are facts.
    file_preds: Vec<String>,
    /// The files they were read from: a leaf placed at a file's line must be that line's row.
    fact_files: Option<&'a crate::explain::FactFiles>,
}

pub(super) type Subst = HashMap<String, Const>;

impl<'a> ProofChecker<'a> {
    /// A checker for the clauses of `kb`.
    pub fn new(kb: &'a CheckedKb) -> Self {
        let mut facts: HashMap<&str, Vec<Written>> = HashMap::new();
        let mut rules: HashMap<String, Vec<Written>> = HashMap::new();
        for (clause, rule) in kb.program.clauses.iter().zip(&kb.rules) {
            let w = Written { clause, rule };
            if clause.is_fact() {
                facts.entry(clause.head.pred.as_str()).or_default().push(w);
            } else {
                rules.entry(clause.to_string()).or_default().push(w);
            }
        }
        ProofChecker {
            kb,
            sources: None,
            facts,
            rules,
            file_preds: Vec::new(),
            fact_files: None,
        }
    }

    /// Also checks that a fact leaf placed in one of these files is the row at its line.
    pub fn with_fact_files(mut self, files: &'a crate::explain::FactFiles) -> Self {
        self.fact_files = Some(files);
        self
    }

    /// Whether a file fact's place is a row of its files holding it (when the files are
    /// known; a place outside them is left to the model check).
    fn file_row_holds(&self, atom: &GroundAtom, location: &Location) -> Result<(), String> {
        let Some(files) = self.fact_files else {
            return Ok(());
        };
        let of_pred = files.iter().find(|(p, _)| p.to_string() == atom.pred);
        let Some((_, files)) = of_pred else {
            return Ok(());
        };
        let Some(file) = files
            .iter()
            .find(|f| f.path.display().to_string() == location.file)
        else {
            return Ok(());
        };
        if file.line_of(&atom.args) == Some(location.line as u64) {
            Ok(())
        } else {
            Err(format!("{atom} is not the row at {location}"))
        }
    }

    /// Also checks every node's place (file name and line) against where its clause is
    /// written in these texts.
    pub fn with_sources(mut self, sources: &'a SourceMap) -> Self {
        self.sources = Some(sources);
        self
    }

    /// The quotes a clause's annotations give, as a proof shows them.
    fn quotes(&self, c: &Clause) -> (Vec<Quote>, Vec<Quote>) {
        let q = |a: &Citation| {
            Quote::from_citation(
                a,
                &self.kb.program.sources,
                self.kb.verified.contains(&a.span),
            )
        };
        (
            c.cites.iter().map(q).collect(),
            c.notes.iter().map(q).collect(),
        )
    }

    /// Whether a node's citations, notes and place are those of its clause.
    fn same_annotations(
        &self,
        c: &Clause,
        location: &Location,
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

    /// Checks a node whose conclusion is an atom (the root, a positive premise), then its
    /// premises.
    pub(super) fn node(
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
        if p.conclusion != atom.to_string() {
            return fail(
                path,
                format!(
                    "the node says it proves {}, its atom is {atom}",
                    p.conclusion
                ),
            );
        }
        if !tuples.holds(&atom.pred, &atom.args) {
            return fail(path, format!("{atom} is not a tuple of the model"));
        }
        let checked = match &p.by {
            Justification::Fact {
                location,
                cites,
                notes,
            } => {
                self.fact(atom, location, cites, notes)
                    .and_then(|()| match p.premises.is_empty() {
                        true => Ok(()),
                        false => Err("a fact has no premises".into()),
                    })
            }
            Justification::Rule { .. } => return self.rule_node(p, atom, tuples, path),
            Justification::Builtin
            | Justification::Absent
            | Justification::Aggregate { .. }
            | Justification::Member { .. } => {
                Err("a built-in, negation or aggregate cannot conclude an atom".into())
            }
        };
        if let Err(m) = checked {
            return fail(path, m);
        }
        path.pop();
        Ok(())
    }

    /// A fact leaf: a fact clause of the knowledge base, word for word, with its annotations
    /// and place (the same fact may be written more than once: one of them must match), or
    /// a row of a fact file.
    fn fact(
        &self,
        atom: &GroundAtom,
        location: &Location,
        cites: &[Quote],
        notes: &[Quote],
    ) -> Result<(), String> {
        let same: Vec<&Written> = self
            .facts
            .get(atom.pred.as_str())
            .into_iter()
            .flatten()
            .filter(|w| {
                w.rule.head.args.len() == atom.args.len()
                    && w.rule
                        .head
                        .args
                        .iter()
                        .zip(&atom.args)
                        .all(|(t, a)| matches!(t, Term::Const(c) if c == a))
            })
            .collect();
        if same.is_empty() {
            return if self.file_preds.contains(&atom.pred) {
                self.file_row_holds(atom, location)
            } else {
                Err(format!("{atom} is not a fact of the knowledge base"))
            };
        }
        let checks: Vec<Result<(), String>> = same
            .iter()
            .map(|w| self.same_annotations(w.clause, location, cites, notes))
            .collect();
        match checks.iter().find(|r| r.is_ok()) {
            Some(_) => Ok(()),
            None => checks.into_iter().find_map(Result::err).map_or(Ok(()), Err),
        }
    }

    /// A rule node: a clause of the knowledge base (by its text, at the proof's place) whose
    /// head the substitution makes the node's atom, one premise per body literal, each
    /// checked in turn.
    fn rule_node(
        &self,
        p: &Proof,
        atom: &GroundAtom,
        tuples: &dyn TupleSet,
        path: &mut Vec<String>,
    ) -> Result<(), ProofError> {
        let fail = |path: &Vec<String>, m: String| {
            Err(ProofError {
                path: path.clone(),
                message: m,
            })
        };
        let Justification::Rule {
            rule,
            substitution,
            location,
            cites,
            notes,
        } = &p.by
        else {
            return fail(path, "not a rule node".into());
        };
        let Some(written) = self.rules.get(rule) else {
            return fail(path, format!("no rule `{rule}` in the knowledge base"));
        };
        // The same rule may be written more than once: the one at the proof's place.
        let checks: Vec<Result<(), String>> = written
            .iter()
            .map(|w| self.same_annotations(w.clause, location, cites, notes))
            .collect();
        let Some(k) = checks.iter().position(Result::is_ok) else {
            return fail(
                path,
                checks.into_iter().find_map(Result::err).unwrap_or_default(),
            );
        };
        let clause = written[k].rule;
        let mut s: Subst = substitution.0.iter().cloned().collect();
        let head = instantiate_atom(&clause.head, &s);
        if head.as_deref() != Some(atom.args.as_slice())
            || !same_pred(&clause.head.pred, &atom.pred)
        {
            return fail(
                path,
                format!("the substitution does not make the head of `{rule}` equal {atom}"),
            );
        }
        if p.premises.len() != clause.body.len() {
            return fail(
                path,
                format!(
                    "`{rule}` has {}, the proof {}",
                    crate::source::plural_as(clause.body.len(), "body literal", "body literals"),
                    crate::source::plural(p.premises.len(), "premise")
                ),
            );
        }
        for (lit, premise) in clause.body.iter().zip(&p.premises) {
            if let Literal::Aggregate(g) = lit {
                self.aggregate(g, premise, &s, tuples, path)?;
                continue;
            }
            if let Err(m) = self.literal(lit, premise, &mut s, tuples) {
                path.push(premise.conclusion.clone());
                return fail(path, m);
            }
            if let (Literal::Pos(_), Some(_)) = (lit, &premise.atom) {
                self.node(premise, tuples, path)?;
            }
        }
        path.pop();
        Ok(())
    }

    /// Whether `premise` shows `lit` holding under `s`: an instance of a positive atom, an
    /// absent negated one, a built-in or comparison that holds. One match over the literal
    /// kinds, each arm checking its own kind, so it is kept as one piece.
    pub(super) fn literal(
        &self,
        lit: &Literal,
        premise: &Proof,
        s: &mut Subst,
        tuples: &dyn TupleSet,
    ) -> Result<(), String> {
        match lit {
            Literal::Pos(a) => {
                let Some(pa) = &premise.atom else {
                    return Err(format!("premise of `{lit}` is not an atom"));
                };
                if !same_pred(&a.pred, &pa.pred) || pa.args.len() != a.args.len() {
                    return Err(format!("premise {pa} is not an instance of `{lit}`"));
                }
                for (t, v) in a.args.iter().zip(&pa.args) {
                    match t {
                        Term::Wildcard => {}
                        Term::Const(c) if c != v => {
                            return Err(format!("premise {pa} is not an instance of `{lit}`"));
                        }
                        Term::Const(_) => {}
                        Term::Var(x) => match s.get(&x.to_string()) {
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
            Literal::Neg(a) => {
                if !matches!(premise.by, Justification::Absent) {
                    return Err(format!("premise of `{lit}` must be an absent atom"));
                }
                let mut pattern = Vec::new();
                for t in &a.args {
                    pattern.push(match t {
                        Term::Wildcard => None,
                        Term::Const(c) => Some(c.clone()),
                        Term::Var(x) => Some(
                            s.get(&x.to_string())
                                .cloned()
                                .ok_or_else(|| format!("the substitution has no value for {x}"))?,
                        ),
                    });
                }
                if tuples.any_match(&a.pred.to_string(), &pattern) {
                    return Err(format!(
                        "`{lit}` is false: a matching {} tuple exists",
                        a.pred
                    ));
                }
                Ok(())
            }
            Literal::Builtin {
                builtin,
                args,
                negated,
                ..
            } => {
                if !matches!(premise.by, Justification::Builtin) {
                    return Err(format!("premise of `{lit}` must be a built-in"));
                }
                let vals: Option<Vec<Const>> = args.iter().map(|t| term(t, s)).collect();
                let vals =
                    vals.ok_or_else(|| format!("the substitution leaves `{lit}` unbound"))?;
                if functions::test(*builtin, &vals, None) == *negated {
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
            Literal::Aggregate(_) => Err(format!("`{lit}` cannot stand inside an aggregate")),
        }
    }
}

/// Whether a rule's predicate is the one a proof node names.
fn same_pred(p: &Pred, shown: &str) -> bool {
    p.user_name() == Some(shown)
}

fn term(t: &Term, s: &Subst) -> Option<Const> {
    match t {
        Term::Const(c) => Some(c.clone()),
        Term::Var(x) => s.get(&x.to_string()).cloned(),
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
    pub interner: &'a crate::ir::Interner,
}

impl ModelTuples<'_> {
    /// The relations of `pred` and of its demand-context copies (which hold its tuples for
    /// the inputs their literal asked), from the top layer where it has them.
    fn relations(&self, pred: &Pred) -> Vec<&crate::engine::Relation> {
        let mut out = Vec::new();
        let mut names: Vec<&Pred> = Vec::new();
        for m in self.model.top.into_iter().chain([self.model.base]) {
            for (p, r) in &m.relations {
                if p.original() == pred && !names.contains(&p) {
                    names.push(p);
                    out.push(r);
                }
            }
        }
        out
    }
}

impl TupleSet for ModelTuples<'_> {
    fn holds(&self, pred: &str, args: &[Const]) -> bool {
        self.model.demand(
            &Pred::user(pred),
            args.iter().cloned().enumerate().collect(),
        );
        let row: Option<Vec<u32>> = args.iter().map(|c| self.interner.get(c)).collect();
        row.is_some_and(|r| {
            self.relations(&Pred::user(pred))
                .iter()
                .any(|rel| rel.height(&r).is_some())
        })
    }

    fn any_match(&self, pred: &str, pattern: &[Option<Const>]) -> bool {
        let bound = pattern
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((i, p.clone()?)))
            .collect();
        self.model.demand(&Pred::user(pred), bound);
        self.relations(&Pred::user(pred)).iter().any(|rel| {
            rel.rows().any(|row| {
                row.len() == pattern.len()
                    && row
                        .iter()
                        .zip(pattern)
                        .all(|(&id, p)| p.as_ref().is_none_or(|c| self.interner.value(id) == c))
            })
        })
    }

    fn group_size(&self, n: u32, group: &[Const]) -> usize {
        self.model.demand(
            &Pred::Aggregate(n),
            group.iter().cloned().enumerate().collect(),
        );
        let Some(prefix) = group
            .iter()
            .map(|c| self.interner.get(c))
            .collect::<Option<Vec<u32>>>()
        else {
            return 0;
        };
        // Every copy of an aggregate's relation holds all of it (its body needs no input).
        self.relations(&Pred::Aggregate(n))
            .iter()
            .map(|rel| rel.prefix_range(&prefix).len())
            .max()
            .unwrap_or(0)
    }
}
