//! Proof trees (*why*): for a tuple of height `h`, find a rule instance whose positive
//! premises all hold with heights below `h`, negated atoms are absent and built-ins hold,
//! then prove the premises the same way. Heights strictly decrease, so the search ends, and
//! the tree is a proof of minimal height along every branch the first derivation took.

use super::bounds::Bounds;
use super::proof::{GroundAtom, Justification, Proof, Quote, Substitution};
use super::search::{Matcher, Subst, ground_args, instantiate, unify_head};
use crate::check::CheckedKb;
use crate::engine::Layered;
use crate::ir::{
    Aggregate, Atom, ClauseId, Const, FreshVars, Interner, Literal, Origin, Pred, Rule, Term, Var,
};
use crate::source::{Location, SourceMap, Span};
use crate::syntax::Citation;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

/// The files each predicate's facts were read from (`input` declarations, `--facts`).
pub type FactFiles = BTreeMap<Pred, Vec<FactFile>>;

/// A file a predicate's facts were read from, and how; or a table of the database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FactFile {
    /// The file (for a table: its name).
    pub path: PathBuf,
    /// The header columns of the arguments (`input p(a, b) from …`); `None`: every field,
    /// by position.
    pub header: Option<Vec<String>>,
    /// For `input p from table "NAME"`: the declaration, which a proof of one of its facts
    /// cites (a table's rows have no lines).
    pub table: Option<Span>,
    /// For a headed file, each declared key of the predicate (its arguments) with the line
    /// of every row by its key, as read at load; empty when not known (a stored model).
    #[serde(skip)]
    pub keys: Vec<(
        std::collections::BTreeSet<usize>,
        std::sync::Arc<crate::engine::headed::KeyIndex>,
    )>,
}

impl FactFile {
    /// The line of the file holding the tuple `args`, if one does (a table has none).
    pub fn line_of(&self, args: &[Const]) -> Option<u64> {
        if self.table.is_some() {
            return None;
        }
        match &self.header {
            Some(h) => crate::engine::headed::find_headed_line(&self.path, h, args),
            None => crate::engine::facts::find_line(&self.path, args),
        }
    }
}

/// Most search steps one proof may take before the explainer gives up on a branch.
const SEARCH_BUDGET: usize = 10_000_000;

/// A rule as a proof shows it: as the user wrote it when it is one of theirs.
pub(super) struct RuleView<'a> {
    pub text: String,
    pub span: Span,
    /// Its named variables, head first, in order of appearance.
    pub vars: Vec<Var>,
    pub cites: &'a [Citation],
    pub notes: &'a [Citation],
}

/// Reads a model and its rules to build proofs and why-not reports.
pub struct Explainer<'a> {
    /// The checked knowledge base (clauses as written).
    pub kb: &'a CheckedKb,
    /// Source texts, for locations.
    pub sources: &'a SourceMap,
    /// The evaluated rules (rewritten), including a query's.
    pub rules: &'a [Rule],
    /// The model, read top-down.
    pub matcher: Matcher<'a>,
    rules_of: HashMap<&'a Pred, Vec<usize>>,
    facts: HashMap<(&'a Pred, Vec<Const>), ClauseId>,
    pub(super) files: Option<&'a FactFiles>,
    /// The goals a why-not report is explaining, outermost first.
    pub(super) explaining: std::cell::RefCell<Vec<(Pred, Vec<Option<Const>>)>>,
}

impl<'a> Explainer<'a> {
    /// An explainer over `model`, evaluated from `rules`.
    pub fn new(
        kb: &'a CheckedKb,
        sources: &'a SourceMap,
        rules: &'a [Rule],
        model: Layered<'a>,
        interner: &'a Interner,
    ) -> Self {
        let mut rules_of: HashMap<&Pred, Vec<usize>> = HashMap::new();
        let mut facts = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            if r.is_fact() {
                let args: Vec<Const> = r
                    .head
                    .args
                    .iter()
                    .filter_map(|t| t.as_const().cloned())
                    .collect();
                if let Origin::User(id) = r.origin {
                    facts.entry((&r.head.pred, args)).or_insert(id);
                }
            } else {
                rules_of.entry(&r.head.pred).or_default().push(i);
            }
        }
        Explainer {
            kb,
            sources,
            rules,
            matcher: Matcher::new(model, interner),
            rules_of,
            facts,
            files: None,
            explaining: Default::default(),
        }
    }

    /// Runs every search under these resource limits.
    pub fn with_bounds(mut self, bounds: Bounds) -> Self {
        self.matcher.bounds = bounds;
        self
    }

    /// The limit (or cancellation) that stopped a search of this explainer, if one did:
    /// its proofs and why-not reports are then incomplete and must not be shown.
    pub fn stopped(&self) -> Option<crate::engine::EvalError> {
        self.matcher.bounds.stopped()
    }

    /// Names the files some predicates' facts were read from, so proofs cite them.
    pub fn with_fact_files(mut self, files: &'a FactFiles) -> Self {
        self.files = Some(files);
        self
    }

    pub(super) fn quote(&self, c: &Citation) -> Quote {
        Quote::from_citation(
            c,
            &self.kb.program.sources,
            self.kb.verified.contains(&c.span),
        )
    }

    /// Rule `ri` of the evaluated program as a proof shows it.
    pub(super) fn view(&self, ri: usize) -> RuleView<'a> {
        let rule = &self.rules[ri];
        match rule.origin {
            Origin::User(id) => {
                let c = self.kb.clause(id);
                RuleView {
                    text: c.to_string(),
                    span: c.span,
                    vars: named_vars(&self.kb.rules[id.0]),
                    cites: &c.cites,
                    notes: &c.notes,
                }
            }
            _ => RuleView {
                text: rule.to_string(),
                span: rule.span,
                vars: named_vars(rule),
                cites: &[],
                notes: &[],
            },
        }
    }

    /// Rule `ri` as evaluated, without the demand atom the magic-set rewrite put first: the
    /// written rule, reading the demand contexts its negations were given.
    pub(super) fn without_demand(&self, ri: usize) -> Rule {
        let mut rule = self.rules[ri].clone();
        if rule
            .body
            .first()
            .is_some_and(|l| matches!(l, Literal::Pos(a) if matches!(a.pred, Pred::Demand(_))))
        {
            rule.body.remove(0);
        }
        rule
    }

    /// The height of a ground atom, if it holds.
    pub fn height(&self, pred: &Pred, args: &[Const]) -> Option<u32> {
        self.matcher.height(pred, args)
    }

    /// The proof of a ground atom, if it holds.
    pub fn prove(&self, pred: &Pred, args: &[Const]) -> Option<Proof> {
        let mut budget = SEARCH_BUDGET;
        self.prove_within(pred, args, &mut budget)
    }

    /// A fact read from a file: its place is the file and line that hold it.
    fn file_fact(&self, pred: &Pred, args: &[Const]) -> Option<Proof> {
        let files = self.files?.get(pred)?;
        let location = match files.iter().find_map(|f| f.line_of(args).map(|l| (f, l))) {
            Some((path, line)) => Location {
                file: path.path.display().to_string(),
                line: line as usize,
                column: 1,
            },
            // Read from a table (its rows are in the model: the height is 0): the input
            // declaration is where it comes from.
            None => self.sources.location(files.iter().find_map(|f| f.table)?),
        };
        Some(Proof::leaf(
            ground(pred, args),
            location,
            Vec::new(),
            Vec::new(),
        ))
    }

    fn fact_leaf(&self, pred: &Pred, args: &[Const]) -> Option<Proof> {
        let Some(&id) = self.facts.get(&(pred, args.to_vec())) else {
            return if self.height(pred, args) == Some(0) {
                self.file_fact(pred, args)
            } else {
                None
            };
        };
        let c = self.kb.clause(id);
        let quotes = |q: &[Citation]| q.iter().map(|x| self.quote(x)).collect();
        Some(Proof::leaf(
            ground(pred, args),
            self.sources.location(c.span),
            quotes(&c.cites),
            quotes(&c.notes),
        ))
    }

    fn prove_within(&self, pred: &Pred, args: &[Const], budget: &mut usize) -> Option<Proof> {
        if !self.matcher.bounds.node() {
            return None;
        }
        let h = self.height(pred, args)?;
        if let Some(leaf) = self.fact_leaf(pred, args) {
            return Some(leaf);
        }
        // The first solution of each rule; keep the one whose premises are lowest.
        let mut best: Option<(u32, usize, Subst)> = None;
        for &ri in self.rules_of.get(pred).into_iter().flatten() {
            let rule = self.rules[ri].open_wildcards();
            let Some(seed) = unify_head(&rule.head, args) else {
                continue;
            };
            if let Some((s, top)) = self
                .matcher
                .first_solution(&rule.body, seed, Some(h), budget)
                && best.as_ref().is_none_or(|(b, _, _)| top < *b)
            {
                best = Some((top, ri, s));
            }
        }
        let (_, ri, subst) = best?;
        self.rule_node(pred, args, h, ri, &subst, budget)
    }

    /// The proof of the first tuple matching `atom` under `subst` (`_` matches anything).
    pub fn prove_instance(&self, atom: &Atom, subst: &Subst) -> Option<Proof> {
        let (opened, _) = atom.open_wildcards(&mut FreshVars::default());
        let (full, _) = self
            .matcher
            .matches(&opened, subst, None)
            .into_iter()
            .next()?;
        self.prove(&atom.pred, &ground_args(&opened, &full)?)
    }

    /// Up to `k` distinct derivations of a ground atom (a fact, or different rules or
    /// premises at the top), each premise proved with minimal height; smallest first.
    pub fn prove_alternatives(&self, pred: &Pred, args: &[Const], k: usize) -> Vec<Proof> {
        let mut budget = SEARCH_BUDGET;
        let Some(h) = self.height(pred, args) else {
            return Vec::new();
        };
        let mut out: Vec<Proof> = self.fact_leaf(pred, args).into_iter().collect();
        // Enough candidates to sort, not so many that a large relation is enumerated.
        let cap = k.saturating_mul(4).max(8);
        for &ri in self.rules_of.get(pred).into_iter().flatten() {
            let rule = self.rules[ri].open_wildcards();
            let Some(seed) = unify_head(&rule.head, args) else {
                continue;
            };
            let Some(lits) = super::search::ordered(&rule.body, &seed) else {
                continue;
            };
            let mut solutions = Vec::new();
            self.matcher.search(&lits, seed, 0, None, &mut budget, &mut |s, _| {
                // A derivation that uses the goal itself as a premise is circular.
                let circular = lits.iter().any(|l| {
                    matches!(l, Literal::Pos(a) if &a.pred == pred && ground_args(a, s).as_deref() == Some(args))
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
        pred: &Pred,
        args: &[Const],
        h: u32,
        ri: usize,
        subst: &Subst,
        budget: &mut usize,
    ) -> Option<Proof> {
        let view = self.view(ri);
        // The searched rule is the evaluated one with `_` opened; drop its demand atom.
        let searched = self.rules[ri].open_wildcards();
        let skip =
            usize::from(searched.body.first().is_some_and(
                |l| matches!(l, Literal::Pos(a) if matches!(a.pred, Pred::Demand(_))),
            ));
        let mut premises = Vec::new();
        for lit in &searched.body[skip..] {
            premises.push(self.premise(lit, subst, budget)?);
        }
        let substitution = Substitution(
            view.vars
                .iter()
                .filter_map(|v| subst.get(v).map(|c| (v.to_string(), c.clone())))
                .collect(),
        );
        let atom = ground(pred, args);
        Some(Proof {
            conclusion: atom.to_string(),
            atom: Some(atom),
            height: Some(h),
            by: Justification::Rule {
                rule: view.text,
                location: self.sources.location(view.span),
                substitution,
                cites: view.cites.iter().map(|x| self.quote(x)).collect(),
                notes: view.notes.iter().map(|x| self.quote(x)).collect(),
            },
            premises,
            handle: None,
        })
    }

    fn premise(&self, lit: &Literal, subst: &Subst, budget: &mut usize) -> Option<Proof> {
        let filter = |by| Proof {
            conclusion: instantiate(lit, subst),
            atom: None,
            height: None,
            by,
            premises: Vec::new(),
            handle: None,
        };
        match lit {
            Literal::Pos(a) => self.prove_within(&a.pred, &ground_args(a, subst)?, budget),
            Literal::Neg(_) => Some(filter(Justification::Absent)),
            Literal::Builtin { .. } | Literal::Cmp { .. } => Some(filter(Justification::Builtin)),
            Literal::Aggregate(g) => {
                let value = subst.get(&g.result)?.clone();
                let mut members = Vec::new();
                for (m, h) in self.matcher.members(g, subst) {
                    members.push(self.member(g, m, h, budget)?);
                }
                Some(Proof {
                    premises: members,
                    ..filter(Justification::Aggregate { op: g.op, value })
                })
            }
        }
    }

    /// One member of an aggregate's group: the binding `m` of its auxiliary atom (a tuple of
    /// height `h`), with the body's literals proved under it.
    fn member(&self, g: &Aggregate, m: Subst, h: u32, budget: &mut usize) -> Option<Proof> {
        let mut fresh = FreshVars::default();
        let body: Vec<Literal> = g
            .body
            .iter()
            .map(|l| match l {
                Literal::Pos(a) => Literal::Pos(a.open_wildcards(&mut fresh).0),
                other => other.clone(),
            })
            .collect();
        let (s, _) = self
            .matcher
            .first_solution(&body, m.clone(), Some(h), budget)?;
        let mut premises = Vec::new();
        for lit in &body {
            premises.push(self.premise(lit, &s, budget)?);
        }
        // The group is the aggregate's; a member is told apart by its own variables.
        let own: Vec<String> = g
            .local_vars()
            .filter_map(|v| m.get(v).map(|c| format!("{v} = {c}")))
            .collect();
        let substitution = Substitution(
            g.aux
                .args
                .iter()
                .filter_map(Term::as_var)
                .filter_map(|v| m.get(v).map(|c| (v.to_string(), c.clone())))
                .collect(),
        );
        Some(Proof {
            conclusion: own.join(", "),
            atom: None,
            height: None,
            by: Justification::Member { substitution },
            premises,
            handle: None,
        })
    }

    /// The rules (indices into the evaluated program) defining `pred`, demand rules aside.
    pub(super) fn rules_for(&self, pred: &Pred) -> Vec<usize> {
        self.rules_of
            .get(pred)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| self.rules[i].origin != Origin::Demand)
            .collect()
    }
}

/// A user predicate's ground atom for display (internal predicates show as written).
fn ground(pred: &Pred, args: &[Const]) -> GroundAtom {
    GroundAtom {
        pred: pred.to_string(),
        args: args.to_vec(),
    }
}

/// The named variables of a rule, head first, in order of appearance.
fn named_vars(r: &Rule) -> Vec<Var> {
    let mut out: Vec<Var> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut note = |v: &Var| {
        if matches!(v, Var::Named(_)) && seen.insert(v.clone()) {
            out.push(v.clone());
        }
    };
    r.head
        .args
        .iter()
        .filter_map(|t| t.as_var())
        .for_each(&mut note);
    for l in &r.body {
        l.each_var(&mut note);
    }
    out
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
