//! Proof trees (*why*): for a tuple of height `h`, find a rule instance whose positive
//! premises all hold with heights below `h`, negated atoms are absent and built-ins hold,
//! then prove the premises the same way. Heights strictly decrease, so the search ends, and
//! the tree is a proof of minimal height along every branch the first derivation took.

use super::GroundAtom;
use crate::check::{Builtin, CheckedKb, Inputs, order_body};
use crate::diag::{Location, SourceMap};
use crate::engine::demand::is_demand;
use crate::engine::functions;
use crate::engine::{EvalRule, Id, Interner, Layered, Origin};
use crate::syntax::{Atom, Citation, Clause, Const, Expr, Literal, Term};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// A citation or note as shown to a reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Source name.
    pub source: String,
    /// The source's title, from its `source` declaration.
    pub title: String,
    /// Where the source is published.
    pub url: Option<String>,
    /// Section of the source (or the note's title).
    pub section: String,
    /// The quoted text.
    pub quote: String,
    /// Line of the source text, when given.
    pub line: Option<i64>,
}

impl Quote {
    /// A citation or note as shown, with its source's title and address from `sources`.
    pub fn from_citation(c: &Citation, sources: &[crate::syntax::SourceDecl]) -> Self {
        let decl = sources.iter().find(|s| s.name == c.source);
        Quote {
            source: c.source.clone(),
            title: decl.map(|d| d.title.clone()).unwrap_or_default(),
            url: decl.and_then(|d| d.url.clone()),
            section: c.section.clone(),
            quote: c.quote.clone(),
            line: c.line,
        }
    }
}

/// Why a node of a proof tree holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Justification {
    /// A fact of the knowledge base.
    Fact {
        /// Where the fact is written.
        location: Location,
        /// Its citations.
        cites: Vec<Quote>,
        /// Its notes.
        notes: Vec<Quote>,
    },
    /// An instance of a rule.
    Rule {
        /// The rule as written.
        rule: String,
        /// Where it is written.
        location: Location,
        /// The substitution of the rule's variables.
        #[serde(
            serialize_with = "crate::render::json::substitution",
            deserialize_with = "crate::render::json::substitution_de"
        )]
        substitution: Vec<(String, Const)>,
        /// The rule's citations.
        cites: Vec<Quote>,
        /// The rule's notes.
        notes: Vec<Quote>,
    },
    /// A built-in or comparison that holds, shown with its values.
    Builtin,
    /// A negated atom: no matching tuple exists.
    Absent,
}

/// A proof tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// What is proved: a ground atom, or for built-ins and negations the instantiated literal.
    pub conclusion: String,
    /// The atom, for atoms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub atom: Option<GroundAtom>,
    /// Round of first derivation (0 for facts); absent for built-ins and negations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Why it holds.
    pub by: Justification,
    /// Proofs of the premises, in the order the rule writes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub premises: Vec<Proof>,
    /// Set when the premises were cut by a depth limit: `why #K` shows them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<usize>,
}

impl Proof {
    /// Every quote (citations and notes) in the tree, depth first, without repeats.
    pub fn quotes(&self) -> Vec<&Quote> {
        let mut out: Vec<&Quote> = Vec::new();
        self.walk(&mut |p| {
            if let Justification::Fact { cites, notes, .. }
            | Justification::Rule { cites, notes, .. } = &p.by
            {
                for q in cites.iter().chain(notes) {
                    if !out.contains(&q) {
                        out.push(q);
                    }
                }
            }
        });
        out
    }

    /// Calls `f` on every node, depth first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Proof)) {
        f(self);
        for p in &self.premises {
            p.walk(f);
        }
    }

    /// Number of nodes.
    pub fn size(&self) -> usize {
        1 + self.premises.iter().map(Proof::size).sum::<usize>()
    }

    /// Levels below the root (0 for a leaf).
    pub fn depth(&self) -> usize {
        self.premises
            .iter()
            .map(|p| 1 + p.depth())
            .max()
            .unwrap_or(0)
    }
}

/// Row numbers of a relation by the values of some of its columns.
type RowIndex = HashMap<Vec<Id>, Vec<usize>>;

/// Substitution during the search: variable → value.
pub(super) type Subst = HashMap<String, Const>;

/// Reads a model and its rules to build proofs and why-not reports.
pub struct Explainer<'a> {
    /// The checked knowledge base (clauses as written).
    pub kb: &'a CheckedKb,
    /// Source texts, for locations.
    pub sources: &'a SourceMap,
    /// The evaluated rules (rewritten), including a query's.
    pub rules: &'a [EvalRule],
    /// The model.
    pub model: Layered<'a>,
    /// The interner the model's rows use.
    pub interner: &'a Interner,
    pub(super) rules_of: HashMap<&'a str, Vec<usize>>,
    pub(super) facts: HashMap<(&'a str, Vec<Const>), usize>,
    /// Files that facts of some predicates were read from.
    inputs: Option<&'a std::collections::BTreeMap<String, Vec<std::path::PathBuf>>>,
    /// Row indexes by (predicate, bound columns), built when a search first needs one.
    indexes: std::cell::RefCell<HashMap<(String, Vec<usize>), RowIndex>>,
}

/// Most search steps one proof may take before the explainer gives up on a branch.
const SEARCH_BUDGET: usize = 10_000_000;

impl<'a> Explainer<'a> {
    /// An explainer over `model`, evaluated from `rules`.
    pub fn new(
        kb: &'a CheckedKb,
        sources: &'a SourceMap,
        rules: &'a [EvalRule],
        model: Layered<'a>,
        interner: &'a Interner,
    ) -> Self {
        let mut rules_of: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut facts = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            if r.clause.is_fact() {
                let args = r
                    .clause
                    .head
                    .args
                    .iter()
                    .filter_map(|t| {
                        if let Term::Const(c) = t {
                            Some(c.clone())
                        } else {
                            None
                        }
                    })
                    .collect();
                if let Origin::User(k) = r.origin {
                    facts
                        .entry((r.clause.head.pred.as_str(), args))
                        .or_insert(k);
                }
            } else {
                rules_of
                    .entry(r.clause.head.pred.as_str())
                    .or_default()
                    .push(i);
            }
        }
        Explainer {
            kb,
            sources,
            rules,
            model,
            interner,
            rules_of,
            facts,
            inputs: None,
            indexes: Default::default(),
        }
    }

    /// Names the files some predicates' facts were read from, so proofs cite them.
    pub fn with_inputs(
        mut self,
        inputs: &'a std::collections::BTreeMap<String, Vec<std::path::PathBuf>>,
    ) -> Self {
        self.inputs = Some(inputs);
        self
    }

    pub(super) fn quote(&self, c: &Citation) -> Quote {
        Quote::from_citation(c, &self.kb.program.sources)
    }

    /// The clause as the user wrote it, for a rule of the evaluated program.
    pub(super) fn user_clause(&self, rule: usize) -> &'a Clause {
        match self.rules[rule].origin {
            Origin::User(i) => &self.kb.program.clauses[i],
            _ => &self.rules[rule].clause,
        }
    }

    pub(super) fn row_of(&self, args: &[Const]) -> Option<Vec<Id>> {
        args.iter().map(|c| self.interner.get(c)).collect()
    }

    /// The height of a ground atom, if it holds.
    pub fn height(&self, pred: &str, args: &[Const]) -> Option<u32> {
        self.model.height(pred, &self.row_of(args)?)
    }

    /// The proof of a ground atom, if it holds.
    pub fn prove(&self, pred: &str, args: &[Const]) -> Option<Proof> {
        let mut budget = SEARCH_BUDGET;
        self.prove_within(pred, args, &mut budget)
    }

    /// A fact read from a file: its place is the file and line that hold it.
    fn file_fact(&self, pred: &str, args: &[Const]) -> Option<Proof> {
        let files = self.inputs?.get(pred)?;
        let (path, line) = files
            .iter()
            .find_map(|f| crate::facts::find_line(f, args).map(|l| (f, l)))?;
        let location = Location {
            file: path.display().to_string(),
            line: line as usize,
            column: 1,
        };
        Some(leaf(pred, args, location, Vec::new(), Vec::new()))
    }

    fn fact_leaf(&self, pred: &str, args: &[Const]) -> Option<Proof> {
        let Some(&k) = self.facts.get(&(pred, args.to_vec())) else {
            return if self.height(pred, args) == Some(0) {
                self.file_fact(pred, args)
            } else {
                None
            };
        };
        let c = &self.kb.program.clauses[k];
        let quotes = |q: &[Citation]| q.iter().map(|x| self.quote(x)).collect();
        Some(leaf(
            pred,
            args,
            self.sources.location(c.span),
            quotes(&c.cites),
            quotes(&c.notes),
        ))
    }

    fn prove_within(&self, pred: &str, args: &[Const], budget: &mut usize) -> Option<Proof> {
        let h = self.height(pred, args)?;
        if let Some(leaf) = self.fact_leaf(pred, args) {
            return Some(leaf);
        }
        // The first solution of each rule; keep the one whose premises are lowest.
        let mut best: Option<(u32, usize, Subst)> = None;
        for &ri in self.rules_of.get(pred).into_iter().flatten() {
            let clause = &open_wildcards(&self.rules[ri].clause);
            let Some(seed) = unify_head(&clause.head, args) else {
                continue;
            };
            if let Some((s, top)) = self.first_solution(clause, seed, Some(h), budget)
                && best.as_ref().is_none_or(|(b, _, _)| top < *b)
            {
                best = Some((top, ri, s));
            }
        }
        let (_, ri, subst) = best?;
        self.rule_node(pred, args, h, ri, &subst, budget)
    }

    /// The proof of the first tuple matching `atom` under `subst` (`_` matches anything).
    pub fn prove_instance(&self, atom: &Atom, subst: &HashMap<String, Const>) -> Option<Proof> {
        let mut n = 0;
        let opened = Atom {
            args: atom
                .args
                .iter()
                .map(|t| match t {
                    Term::Wildcard => {
                        n += 1;
                        Term::Var(format!("{OPENED}{n}"))
                    }
                    other => other.clone(),
                })
                .collect(),
            ..atom.clone()
        };
        let (full, _) = self.matches(&opened, subst, None).into_iter().next()?;
        self.prove(&atom.pred, &ground_args(&opened, &full)?)
    }

    /// Up to `k` distinct derivations of a ground atom (a fact, or different rules or
    /// premises at the top), each premise proved with minimal height; smallest first.
    pub fn prove_alternatives(&self, pred: &str, args: &[Const], k: usize) -> Vec<Proof> {
        let mut budget = SEARCH_BUDGET;
        let Some(h) = self.height(pred, args) else {
            return Vec::new();
        };
        let mut out: Vec<Proof> = self.fact_leaf(pred, args).into_iter().collect();
        // Enough candidates to sort, not so many that a large relation is enumerated.
        let cap = k.saturating_mul(4).max(8);
        for &ri in self.rules_of.get(pred).into_iter().flatten() {
            let clause = open_wildcards(&self.rules[ri].clause);
            let Some(seed) = unify_head(&clause.head, args) else {
                continue;
            };
            let order = order_body(
                &clause.body,
                &Inputs::new(),
                &seed.keys().cloned().collect(),
            );
            if !order.stuck.is_empty() {
                continue;
            }
            let lits: Vec<&Literal> = order.order.iter().map(|&i| &clause.body[i]).collect();
            let mut solutions = Vec::new();
            self.search(&lits, seed, 0, None, &mut budget, &mut |s, _| {
                // A derivation that uses the goal itself as a premise is circular.
                let circular = lits.iter().any(|l| {
                    matches!(l, Literal::Pos(a) if a.pred == pred && ground_args(a, s).as_deref() == Some(args))
                });
                if !circular {
                    solutions.push(s.clone());
                }
                solutions.len() >= cap
            });
            for s in solutions {
                if let Some(p) = self.rule_node(pred, args, h, ri, &s, &mut budget)
                    && !out.iter().any(|q| same_step(q, &p))
                {
                    out.push(p);
                }
            }
        }
        out.sort_by_key(|p| (p.size(), p.depth()));
        out.truncate(k);
        out
    }

    fn rule_node(
        &self,
        pred: &str,
        args: &[Const],
        h: u32,
        ri: usize,
        subst: &Subst,
        budget: &mut usize,
    ) -> Option<Proof> {
        let atom = GroundAtom {
            pred: pred.to_string(),
            args: args.to_vec(),
        };
        let user = self.user_clause(ri);
        // The searched clause is the evaluated one with `_` opened; drop its demand atom.
        let searched = open_wildcards(&self.rules[ri].clause);
        let skip = usize::from(
            searched
                .body
                .first()
                .is_some_and(|l| matches!(l, Literal::Pos(a) if is_demand(&a.pred))),
        );
        let mut premises = Vec::new();
        for lit in &searched.body[skip..] {
            premises.push(self.premise(lit, subst, budget)?);
        }
        let mut substitution: Vec<(String, Const)> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut note_var = |v: &str| {
            if seen.insert(v.to_string())
                && let Some(c) = subst.get(v)
            {
                substitution.push((v.to_string(), c.clone()));
            }
        };
        for t in &user.head.args {
            if let Term::Var(v) = t {
                note_var(v);
            }
        }
        for l in &user.body {
            l.each_var(&mut |v| note_var(v));
        }
        Some(Proof {
            conclusion: atom.to_string(),
            atom: Some(atom),
            height: Some(h),
            by: Justification::Rule {
                rule: user.to_string(),
                location: self.sources.location(user.span),
                substitution,
                cites: user.cites.iter().map(|x| self.quote(x)).collect(),
                notes: user.notes.iter().map(|x| self.quote(x)).collect(),
            },
            premises,
            handle: None,
        })
    }

    fn premise(&self, lit: &Literal, subst: &Subst, budget: &mut usize) -> Option<Proof> {
        match lit {
            Literal::Pos(a) if Builtin::from_name(&a.pred).is_none() => {
                let args = ground_args(a, subst)?;
                self.prove_within(&a.pred, &args, budget)
            }
            Literal::Neg(a) if Builtin::from_name(&a.pred).is_none() => Some(Proof {
                conclusion: instantiate(lit, subst),
                atom: None,
                height: None,
                by: Justification::Absent,
                premises: Vec::new(),
                handle: None,
            }),
            _ => Some(Proof {
                conclusion: instantiate(lit, subst),
                atom: None,
                height: None,
                by: Justification::Builtin,
                premises: Vec::new(),
                handle: None,
            }),
        }
    }

    /// The first substitution satisfying `clause`'s body from `seed`, every positive premise
    /// with a height below `below` (when given); with the largest premise height.
    pub(super) fn first_solution(
        &self,
        clause: &Clause,
        seed: Subst,
        below: Option<u32>,
        budget: &mut usize,
    ) -> Option<(Subst, u32)> {
        let order = order_body(
            &clause.body,
            &Inputs::new(),
            &seed.keys().cloned().collect(),
        );
        if !order.stuck.is_empty() {
            return None;
        }
        let lits: Vec<&Literal> = order.order.iter().map(|&i| &clause.body[i]).collect();
        let mut found = None;
        self.search(&lits, seed, 0, below, budget, &mut |s, top| {
            found = Some((s.clone(), top));
            true
        });
        found
    }

    /// Depth-first search over `lits`; calls `done` with each full solution and its largest
    /// premise height until it returns true. Returns whether it did.
    pub(super) fn search(
        &self,
        lits: &[&Literal],
        subst: Subst,
        top: u32,
        below: Option<u32>,
        budget: &mut usize,
        done: &mut dyn FnMut(&Subst, u32) -> bool,
    ) -> bool {
        let Some((lit, rest)) = lits.split_first() else {
            return done(&subst, top);
        };
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        for (s, h) in self.extend(lit, &subst, below) {
            if self.search(rest, s, top.max(h), below, budget, done) {
                return true;
            }
        }
        false
    }

    /// All extensions of `subst` that make `lit` hold, each with its premise height.
    pub(super) fn extend(
        &self,
        lit: &Literal,
        subst: &Subst,
        below: Option<u32>,
    ) -> Vec<(Subst, u32)> {
        match lit {
            Literal::Pos(a) if Builtin::from_name(&a.pred).is_none() => {
                self.matches(a, subst, below)
            }
            Literal::Neg(a) if Builtin::from_name(&a.pred).is_none() => {
                if self.matches(a, subst, None).is_empty() {
                    vec![(subst.clone(), 0)]
                } else {
                    Vec::new()
                }
            }
            Literal::Pos(a) | Literal::Neg(a) => {
                let b = Builtin::from_name(&a.pred).expect("built-in");
                let negated = matches!(lit, Literal::Neg(_));
                let vals: Vec<Option<Const>> =
                    a.args.iter().map(|t| term_value(t, subst)).collect();
                if b == Builtin::Length && !negated && vals[1].is_none() {
                    let Some(n) = vals[0].as_ref().and_then(functions::length) else {
                        return Vec::new();
                    };
                    let mut s = subst.clone();
                    if let Term::Var(v) = &a.args[1] {
                        s.insert(v.clone(), Const::Int(n));
                    }
                    return vec![(s, 0)];
                }
                let Some(vals) = vals.into_iter().collect::<Option<Vec<_>>>() else {
                    return Vec::new();
                };
                if functions::test(b, &vals, None) != negated {
                    vec![(subst.clone(), 0)]
                } else {
                    Vec::new()
                }
            }
            Literal::Cmp { lhs, op, rhs, .. } => {
                let (l, r) = (expr_value(lhs, subst), expr_value(rhs, subst));
                match (l, r) {
                    (Some(a), Some(b)) => {
                        if functions::compare(&a, *op, &b) {
                            vec![(subst.clone(), 0)]
                        } else {
                            Vec::new()
                        }
                    }
                    (None, Some(v)) | (Some(v), None) => {
                        let var = match (lhs, rhs) {
                            (Expr::Term(Term::Var(x)), _) if !subst.contains_key(x) => x,
                            (_, Expr::Term(Term::Var(x))) if !subst.contains_key(x) => x,
                            _ => return Vec::new(),
                        };
                        let mut s = subst.clone();
                        s.insert(var.clone(), v);
                        vec![(s, 0)]
                    }
                    _ => Vec::new(),
                }
            }
        }
    }

    /// Tuples of `a.pred` matching `a` under `subst` (heights below `below`), as extended
    /// substitutions with the tuple's height.
    pub(super) fn matches(&self, a: &Atom, subst: &Subst, below: Option<u32>) -> Vec<(Subst, u32)> {
        let Some(rel) = self.model.relation(&a.pred) else {
            return Vec::new();
        };
        // Bound leading columns narrow the sorted rows to one range; other bound columns use
        // an index built on first need.
        let mut bound: Vec<(usize, Id)> = Vec::new();
        for (i, t) in a.args.iter().enumerate() {
            if let Some(c) = term_value(t, subst) {
                match self.interner.get(&c) {
                    Some(id) => bound.push((i, id)),
                    None => return Vec::new(),
                }
            }
        }
        let prefix_len = bound
            .iter()
            .enumerate()
            .take_while(|(k, (i, _))| k == i)
            .count();
        let candidates: Vec<usize> = if prefix_len == bound.len()
            || prefix_len > 0
                && rel
                    .prefix_range(&bound[..prefix_len].iter().map(|b| b.1).collect::<Vec<_>>())
                    .len()
                    < 64
        {
            let prefix: Vec<Id> = bound[..prefix_len].iter().map(|b| b.1).collect();
            rel.prefix_range(&prefix).collect()
        } else {
            let columns: Vec<usize> = bound.iter().map(|b| b.0).collect();
            let key: Vec<Id> = bound.iter().map(|b| b.1).collect();
            let mut cache = self.indexes.borrow_mut();
            let index = cache
                .entry((a.pred.clone(), columns.clone()))
                .or_insert_with(|| {
                    let mut ix: HashMap<Vec<Id>, Vec<usize>> = HashMap::new();
                    for i in 0..rel.len() {
                        let row = rel.row(i);
                        ix.entry(columns.iter().map(|&c| row[c]).collect())
                            .or_default()
                            .push(i);
                    }
                    ix
                });
            index.get(&key).cloned().unwrap_or_default()
        };
        let mut out = Vec::new();
        'rows: for (row, h) in candidates
            .into_iter()
            .map(|i| (rel.row(i), rel.height_at(i)))
        {
            if below.is_some_and(|b| h >= b) {
                continue;
            }
            let mut s = subst.clone();
            for (t, &id) in a.args.iter().zip(row.iter()) {
                let v = self.interner.value(id);
                match t {
                    Term::Wildcard => {}
                    Term::Const(c) if c != v => continue 'rows,
                    Term::Const(_) => {}
                    Term::Var(x) => match s.get(x) {
                        Some(b) if b != v => continue 'rows,
                        Some(_) => {}
                        None => {
                            s.insert(x.clone(), v.clone());
                        }
                    },
                }
            }
            out.push((s, h));
        }
        out
    }

    /// The rules (indices into the evaluated program) defining `pred`, demand rules aside.
    pub(super) fn rules_for(&self, pred: &str) -> Vec<usize> {
        self.rules_of
            .get(pred)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| !is_demand(&self.rules[i].clause.head.pred))
            .collect()
    }
}

/// A fact leaf of a proof tree.
fn leaf(
    pred: &str,
    args: &[Const],
    location: Location,
    cites: Vec<Quote>,
    notes: Vec<Quote>,
) -> Proof {
    let atom = GroundAtom {
        pred: pred.to_string(),
        args: args.to_vec(),
    };
    Proof {
        conclusion: atom.to_string(),
        atom: Some(atom),
        height: Some(0),
        by: Justification::Fact {
            location,
            cites,
            notes,
        },
        premises: Vec::new(),
        handle: None,
    }
}

/// Whether two derivations take the same step at the top: same justification kind, rule
/// and premises.
fn same_step(a: &Proof, b: &Proof) -> bool {
    let rule = |p: &Proof| match &p.by {
        Justification::Rule { rule, .. } => Some(rule.clone()),
        _ => None,
    };
    let premises = |p: &Proof| {
        p.premises
            .iter()
            .map(|q| q.conclusion.clone())
            .collect::<Vec<_>>()
    };
    std::mem::discriminant(&a.by) == std::mem::discriminant(&b.by)
        && rule(a) == rule(b)
        && premises(a) == premises(b)
}

/// Prefix of the variables that stand for a positive atom's `_` during proof search.
const OPENED: &str = "_#";

/// `clause` with every `_` of its positive atoms replaced by a fresh variable, so a solution
/// names the whole tuple each premise matched.
fn open_wildcards(clause: &Clause) -> Clause {
    let mut n = 0;
    let body = clause
        .body
        .iter()
        .map(|l| match l {
            Literal::Pos(a) if Builtin::from_name(&a.pred).is_none() => {
                let args = a
                    .args
                    .iter()
                    .map(|t| match t {
                        Term::Wildcard => {
                            n += 1;
                            Term::Var(format!("{OPENED}{n}"))
                        }
                        other => other.clone(),
                    })
                    .collect();
                Literal::Pos(Atom { args, ..a.clone() })
            }
            other => other.clone(),
        })
        .collect();
    Clause {
        body,
        ..clause.clone()
    }
}

/// The substitution that makes `head` equal `args`, if any.
pub(super) fn unify_head(head: &Atom, args: &[Const]) -> Option<Subst> {
    let mut s = Subst::new();
    for (t, c) in head.args.iter().zip(args) {
        match t {
            Term::Const(k) if k != c => return None,
            Term::Var(v) => match s.get(v) {
                Some(b) if b != c => return None,
                _ => {
                    s.insert(v.clone(), c.clone());
                }
            },
            _ => {}
        }
    }
    Some(s)
}

pub(super) fn term_value(t: &Term, s: &Subst) -> Option<Const> {
    match t {
        Term::Const(c) => Some(c.clone()),
        Term::Var(v) => s.get(v).cloned(),
        Term::Wildcard => None,
    }
}

pub(super) fn expr_value(e: &Expr, s: &Subst) -> Option<Const> {
    match e {
        Expr::Term(t) => term_value(t, s),
        Expr::Binary(l, op, r) => {
            let (Const::Int(a), Const::Int(b)) = (expr_value(l, s)?, expr_value(r, s)?) else {
                return None;
            };
            functions::arith(*op, a, b).ok().map(Const::Int)
        }
    }
}

pub(super) fn ground_args(a: &Atom, s: &Subst) -> Option<Vec<Const>> {
    a.args.iter().map(|t| term_value(t, s)).collect()
}

fn show_term(t: &Term, s: &Subst) -> String {
    term_value(t, s).map_or_else(|| t.to_string(), |c| c.to_string())
}

fn show_expr(e: &Expr, s: &Subst) -> String {
    match e {
        Expr::Term(t) => show_term(t, s),
        Expr::Binary(..) => match expr_value(e, s) {
            Some(v) => format!("{v} (= {e})"),
            None => e.to_string(),
        },
    }
}

/// A literal with the substitution's values in place of its variables (`_` stays).
pub fn instantiate(lit: &Literal, s: &Subst) -> String {
    let atom = |a: &Atom| {
        if a.args.is_empty() {
            return a.pred.clone();
        }
        let args: Vec<String> = a.args.iter().map(|t| show_term(t, s)).collect();
        format!("{}({})", a.pred, args.join(", "))
    };
    match lit {
        Literal::Pos(a) => atom(a),
        Literal::Neg(a) => format!("!{}", atom(a)),
        Literal::Cmp { lhs, op, rhs, .. } => format!(
            "{} {} {}",
            show_expr(lhs, s),
            op.as_str(),
            show_expr(rhs, s)
        ),
    }
}
