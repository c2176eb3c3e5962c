//! Stage 5 — query: questions (`supported? peer_cache`), conjunctive queries (`?- …`),
//! `why` and `why not`, answered over a [`KnowledgeBase`]; query files with expectations in
//! [`script`].
//!
//! Every query becomes one rule `query#(Vars) :- body`. Its literals on goal-directed
//! predicates seed the magic-set demand, and only the predicates that demand affects are
//! evaluated again, on top of the knowledge base's model.
//!
//! Verdicts (DESIGN §5): a question's verdict is the value of its first free column; no
//! matching tuple is **unknown** — a document's silence is not a denial.

pub mod script;
pub mod suite;

use crate::check::{Builtin, check_query_body, did_you_mean};
use crate::diag::Diagnostic;
use crate::engine::demand::{affected, rewrite_extra};
use crate::engine::{EvalError, EvalRule, Layered, Model, Origin, evaluate};
use crate::explain::checker::{ModelTuples, ProofChecker};
use crate::explain::{BlockCause, Explainer, Proof, WhyNot};
use crate::kb::KnowledgeBase;
use crate::syntax::{Atom, Clause, Const, Literal, Query, Span, Term, parse_query};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Name of the predicate a query's rule defines; `#` keeps it apart from user predicates.
pub const QUERY_PRED: &str = "query#";

/// Most proofs an answer carries.
pub const MAX_PROOFS: usize = 10;

/// Default depth of why-not explanations.
pub const DEFAULT_DEPTH: usize = 4;

/// Why a query got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// The query is malformed or does not fit the knowledge base.
    Invalid(Vec<Diagnostic>),
    /// Evaluation stopped (limit, cancel).
    Eval(EvalError),
}

impl From<EvalError> for QueryError {
    fn from(e: EvalError) -> Self {
        match e {
            EvalError::Program(d) => QueryError::Invalid(d),
            other => QueryError::Eval(other),
        }
    }
}

/// The answer to a question `p? a1 … ak`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuestionAnswer {
    /// The question as written.
    pub question: String,
    /// The goal asked, free columns as `_`.
    pub goal: String,
    /// The value of the first free column (the same for every row), `mixed: …` when rows
    /// disagree (`N different answers` past four), `yes` for a fully given goal that holds, or `unknown`.
    pub verdict: String,
    /// Names of the free columns.
    pub columns: Vec<String>,
    /// Values of the free columns, one row per matching tuple.
    pub rows: Vec<Vec<Const>>,
    /// One proof per row (at most [`MAX_PROOFS`]).
    pub proofs: Vec<Proof>,
    /// When no tuple matches but the knowledge base states something else for the leading
    /// given values (verdict `no`): those tuples, proved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instead: Vec<Proof>,
    /// For an unknown answer: close constants the knowledge base does know.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
    /// Proofs the independent checker rejected (always empty unless the engine is wrong).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof_errors: Vec<String>,
}

/// The answer to a conjunctive query `?- …`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BindingsAnswer {
    /// The query as written.
    pub query: String,
    /// The query's variables in order of first appearance.
    pub vars: Vec<String>,
    /// One row of values per binding, sorted.
    pub rows: Vec<Vec<Const>>,
    /// For the first rows (at most [`MAX_PROOFS`]): the proofs of the query's positive atoms
    /// under that row, one list per row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proofs: Vec<Vec<Proof>>,
    /// Proofs the independent checker rejected (always empty unless the engine is wrong).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof_errors: Vec<String>,
}

/// The answer to `why ATOM` or `why not ATOM`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WhyAnswer {
    /// The query as written.
    pub query: String,
    /// Whether some tuple matches the atom.
    pub holds: bool,
    /// How many tuples match.
    #[serde(default)]
    pub matches: usize,
    /// Proofs of the matching tuples (the first [`MAX_PROOFS`]).
    pub proofs: Vec<Proof>,
    /// When nothing matches: why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why_not: Option<WhyNot>,
    /// Proofs (here and inside the why-not report) the independent checker rejected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof_errors: Vec<String>,
}

/// Any answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// `p? a…`
    Question(QuestionAnswer),
    /// `?- …`
    Bindings(BindingsAnswer),
    /// `why …`
    Why(WhyAnswer),
    /// `why not …`
    WhyNot(WhyAnswer),
}

impl Answer {
    /// The verdict expectations compare with: a question's verdict; for other queries `yes`
    /// when something matches, else `unknown` (or `no` for `why not` of a goal that fails).
    pub fn verdict(&self) -> String {
        match self {
            Answer::Question(q) => q.verdict.clone(),
            Answer::Bindings(b) => if b.rows.is_empty() { "unknown" } else { "yes" }.into(),
            Answer::Why(w) | Answer::WhyNot(w) => if w.holds { "yes" } else { "no" }.into(),
        }
    }

    /// Every proof the answer carries, why-not reports included.
    pub fn proofs(&self) -> Vec<&Proof> {
        match self {
            Answer::Question(q) => q.proofs.iter().chain(&q.instead).collect(),
            Answer::Bindings(b) => b.proofs.iter().flatten().collect(),
            Answer::Why(w) | Answer::WhyNot(w) => {
                let mut v: Vec<&Proof> = w.proofs.iter().collect();
                if let Some(n) = &w.why_not {
                    collect_why_not_proofs(n, &mut v);
                }
                v
            }
        }
    }

    /// The rows expectations compare with.
    pub fn rows(&self) -> Vec<Vec<Const>> {
        match self {
            Answer::Question(q) => q.rows.clone(),
            Answer::Bindings(b) => b.rows.clone(),
            Answer::Why(w) | Answer::WhyNot(w) => w
                .proofs
                .iter()
                .filter_map(|p| p.atom.as_ref().map(|a| a.args.clone()))
                .collect(),
        }
    }
}

/// Options of one query.
#[derive(Debug, Clone, Copy)]
pub struct AskOptions {
    /// Levels of explanation shown: proof trees are cut below it (each cut node gets a
    /// handle `#K` that `why #K` expands), why-not reports stop following rules there.
    /// `None`: proofs whole, why-not to [`DEFAULT_DEPTH`].
    pub depth: Option<usize>,
    /// Distinct derivations shown per answer (different rule or premises), smallest first.
    pub proofs: usize,
}

impl Default for AskOptions {
    fn default() -> Self {
        AskOptions {
            depth: None,
            proofs: 1,
        }
    }
}

impl AskOptions {
    fn why_not_depth(&self) -> usize {
        self.depth.unwrap_or(DEFAULT_DEPTH)
    }
}

/// A query rule evaluated over the knowledge base.
struct Evaluated {
    rules: Vec<EvalRule>,
    top: Model,
}

impl KnowledgeBase {
    /// Parses `text` as one query, naming it `name` in diagnostics.
    ///
    /// Errors: the syntax error.
    pub fn parse_query(&mut self, text: &str, name: &str) -> Result<Query, QueryError> {
        let file = self.sources.add(name, text);
        parse_query(text, file).map_err(|d| QueryError::Invalid(vec![d]))
    }

    /// Parses and answers one query.
    ///
    /// Errors: as [`KnowledgeBase::parse_query`] and [`KnowledgeBase::answer`].
    pub fn ask(&mut self, text: &str, opts: AskOptions) -> Result<Answer, QueryError> {
        let q = self.parse_query(text, "<query>")?;
        self.answer(&q, opts)
    }

    fn eval_query(
        &mut self,
        body: Vec<Literal>,
        vars: &[String],
        span: Span,
    ) -> Result<Evaluated, QueryError> {
        check_query_body(&self.checked, &body).map_err(QueryError::Invalid)?;
        let head = Atom {
            pred: QUERY_PRED.into(),
            args: vars.iter().map(|v| Term::Var(v.clone())).collect(),
            span,
        };
        let clause = Clause {
            head,
            body,
            cites: Vec::new(),
            notes: Vec::new(),
            span,
        };
        let extra = [EvalRule {
            clause,
            origin: Origin::Query,
        }];
        let mut rules = self.rules.clone();
        rules.extend(rewrite_extra(&self.checked, &extra));
        let touched = affected(&rules, &self.checked.inputs, &[QUERY_PRED]);
        let overlay: Vec<EvalRule> = rules
            .iter()
            .filter(|r| touched.contains(&r.clause.head.pred))
            .cloned()
            .collect();
        let top = evaluate(
            &overlay,
            Some(&self.model),
            &mut self.interner,
            &self.config,
        )?;
        Ok(Evaluated { rules, top })
    }

    /// Checks a proof (for example one read from a trace) against this knowledge base: its
    /// conclusion is asked again, so goal-directed premises are in the model, and the
    /// independent checker reads the result.
    ///
    /// Errors: why the proof does not check (including a conclusion that no longer parses
    /// as a query of this knowledge base).
    pub fn recheck(&mut self, proof: &Proof) -> Result<(), String> {
        let Some(atom) = &proof.atom else {
            return Err("the proof's root is not an atom".into());
        };
        let span = crate::syntax::Span::default();
        let goal = Atom {
            pred: atom.pred.clone(),
            args: atom.args.iter().cloned().map(Term::Const).collect(),
            span,
        };
        let ev = match self.eval_query(vec![Literal::Pos(goal)], &[], span) {
            Ok(ev) => ev,
            Err(QueryError::Invalid(d)) => {
                return Err(d
                    .first()
                    .map_or_else(|| "invalid".to_string(), |d| d.message.clone()));
            }
            Err(QueryError::Eval(e)) => return Err(e.to_string()),
        };
        match self.check_proofs(&ev, &[proof]).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Runs the independent proof checker over `proofs`; returns its complaints.
    fn check_proofs(&self, ev: &Evaluated, proofs: &[&Proof]) -> Vec<String> {
        let checker = ProofChecker::new(&self.checked.program)
            .with_sources(&self.sources)
            .with_file_preds(self.input_files.keys().cloned());
        let tuples = ModelTuples {
            model: Layered {
                base: &self.model,
                top: Some(&ev.top),
            },
            interner: &self.interner,
        };
        proofs
            .iter()
            .filter_map(|p| checker.check(p, &tuples).err())
            .map(|e| e.to_string())
            .collect()
    }

    fn explainer<'a>(&'a self, ev: &'a Evaluated) -> Explainer<'a> {
        Explainer::new(
            &self.checked,
            &self.sources,
            &ev.rules,
            Layered {
                base: &self.model,
                top: Some(&ev.top),
            },
            &self.interner,
        )
        .with_inputs(&self.input_files)
    }

    /// Answers a parsed query.
    ///
    /// Errors: [`QueryError::Invalid`] for an unknown predicate, a wrong arity, an unbound
    /// variable or a goal-directed argument left free; [`QueryError::Eval`] when a limit
    /// stops the evaluation.
    pub fn answer(&mut self, q: &Query, opts: AskOptions) -> Result<Answer, QueryError> {
        let (q, opts) = match q {
            Query::Handle { number, span } => {
                let q = self.resolve_handle(*number, *span)?;
                // An expansion shows at least one more level, whatever the depth.
                (
                    q,
                    AskOptions {
                        depth: opts.depth.map(|d| d.max(1)),
                        ..opts
                    },
                )
            }
            q => (q.clone(), opts),
        };
        let q = &q;
        let mut a = self.answer_whole(q, opts)?;
        if let Some(depth) = opts.depth {
            self.cut_answer(&mut a, depth);
        }
        Ok(a)
    }

    /// Cuts every proof of `a` below `depth` levels, and registers a handle for each cut node
    /// and for each why-not report the depth stopped.
    fn cut_answer(&mut self, a: &mut Answer, depth: usize) {
        let mut proofs: Vec<&mut Proof> = Vec::new();
        let mut stopped: Vec<&mut WhyNot> = Vec::new();
        match a {
            Answer::Question(q) => proofs.extend(q.proofs.iter_mut().chain(q.instead.iter_mut())),
            Answer::Bindings(b) => proofs.extend(b.proofs.iter_mut().flatten()),
            Answer::Why(w) | Answer::WhyNot(w) => {
                proofs.extend(w.proofs.iter_mut());
                if let Some(n) = &mut w.why_not {
                    why_not_parts(n, &mut proofs, &mut stopped);
                }
            }
        }
        for p in proofs {
            cut_proof(p, depth, &mut self.handles);
        }
        for w in stopped {
            self.handles.push(format!("why not {}", w.goal));
            w.handle = Some(self.handles.len());
        }
    }

    /// The query behind handle `#number`.
    fn resolve_handle(
        &mut self,
        number: usize,
        span: crate::syntax::Span,
    ) -> Result<Query, QueryError> {
        let Some(text) = number
            .checked_sub(1)
            .and_then(|i| self.handles.get(i))
            .cloned()
        else {
            let d = Diagnostic::error("no-handle", format!("there is no handle #{number}"), span)
                .with_label("unknown handle")
                .with_help(if self.handles.is_empty() {
                    "handles come from explanations cut by --depth (or :depth)".to_string()
                } else {
                    format!("handles so far: #1 to #{}", self.handles.len())
                });
            return Err(QueryError::Invalid(vec![d]));
        };
        let file = self.sources.add(format!("#{number}"), text.clone());
        parse_query(&text, file).map_err(|d| QueryError::Invalid(vec![d]))
    }

    fn answer_whole(&mut self, q: &Query, opts: AskOptions) -> Result<Answer, QueryError> {
        match q {
            Query::Handle { .. } => unreachable!("answer resolves handles"),
            Query::Conjunctive { body, span } => {
                let mut vars: Vec<String> = Vec::new();
                for l in body {
                    l.each_var(&mut |v| {
                        if !vars.iter().any(|x| x == v) {
                            vars.push(v.to_string());
                        }
                    });
                }
                let ev = self.eval_query(body.clone(), &vars, *span)?;
                let rows = self.query_rows(&ev);
                let ex = self.explainer(&ev);
                let proofs: Vec<Vec<Proof>> = rows
                    .iter()
                    .take(MAX_PROOFS)
                    .map(|row| {
                        let subst = vars.iter().cloned().zip(row.iter().cloned()).collect();
                        body.iter()
                            .filter_map(|l| match l {
                                Literal::Pos(a) if Builtin::from_name(&a.pred).is_none() => {
                                    ex.prove_instance(a, &subst)
                                }
                                _ => None,
                            })
                            .collect()
                    })
                    .collect();
                let proof_errors =
                    self.check_proofs(&ev, &proofs.iter().flatten().collect::<Vec<_>>());
                Ok(Answer::Bindings(BindingsAnswer {
                    query: q.to_string(),
                    vars,
                    rows,
                    proofs,
                    proof_errors,
                }))
            }
            Query::Question { pred, args, span } => self.question(q, pred, args, *span, opts),
            Query::Why(atom) | Query::WhyNot(atom) => {
                let is_not = matches!(q, Query::WhyNot(_));
                if Builtin::from_name(&atom.pred).is_some() {
                    let d = Diagnostic::error(
                        "builtin-why",
                        format!(
                            "`{}` is a built-in: it has no proof, only a value",
                            atom.pred
                        ),
                        atom.span,
                    )
                    .with_label("built-in")
                    .with_help(format!(
                        "ask `?- {atom}.` to see whether it holds (and which values it binds)"
                    ));
                    return Err(QueryError::Invalid(vec![d]));
                }
                let (open, vars) = open_atom(atom);
                let ev = self.eval_query(vec![Literal::Pos(open.clone())], &vars, atom.span)?;
                let rows = self.query_rows(&ev);
                let ex = self.explainer(&ev);
                let proofs = proofs_for(&ex, &atom.pred, &open, &vars, &rows, opts);
                let why_not = rows.is_empty().then(|| {
                    let given: Vec<Option<Const>> = atom
                        .args
                        .iter()
                        .map(|t| {
                            if let Term::Const(c) = t {
                                Some(c.clone())
                            } else {
                                None
                            }
                        })
                        .collect();
                    ex.why_not(&atom.pred, &given, opts.why_not_depth())
                });
                let mut all: Vec<&Proof> = proofs.iter().collect();
                if let Some(w) = &why_not {
                    collect_why_not_proofs(w, &mut all);
                }
                let proof_errors = self.check_proofs(&ev, &all);
                let a = WhyAnswer {
                    query: q.to_string(),
                    holds: !rows.is_empty(),
                    matches: rows.len(),
                    proofs,
                    why_not,
                    proof_errors,
                };
                Ok(if is_not {
                    Answer::WhyNot(a)
                } else {
                    Answer::Why(a)
                })
            }
        }
    }

    fn query_rows(&self, ev: &Evaluated) -> Vec<Vec<Const>> {
        let mut rows: Vec<Vec<Const>> = ev
            .top
            .relation(QUERY_PRED)
            .map(|r| r.rows().map(|row| self.interner.decode(row)).collect())
            .unwrap_or_default();
        rows.sort();
        rows
    }

    fn question(
        &mut self,
        q: &Query,
        pred: &str,
        args: &[Term],
        span: Span,
        opts: AskOptions,
    ) -> Result<Answer, QueryError> {
        let Some(info) = self.checked.preds.get(pred).cloned() else {
            let mut d = Diagnostic::error(
                "unknown-predicate",
                format!("unknown predicate `{pred}`"),
                span,
            )
            .with_label("not in the knowledge base");
            if let Some(s) = did_you_mean(pred, self.checked.preds.keys().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{s}?`"));
            } else {
                d = d.with_help("`:preds` in the REPL lists the predicates");
            }
            return Err(QueryError::Invalid(vec![d]));
        };
        if args.len() > info.arity {
            let d = Diagnostic::error(
                "arity",
                format!(
                    "`{pred}` takes {} argument{}, the question gives {}",
                    info.arity,
                    if info.arity == 1 { "" } else { "s" },
                    args.len()
                ),
                span,
            )
            .with_label("too many arguments");
            return Err(QueryError::Invalid(vec![d]));
        }
        let mut full: Vec<Term> = args.to_vec();
        full.resize(info.arity, Term::Wildcard);
        let goal = Atom {
            pred: pred.to_string(),
            args: full,
            span,
        };
        let (open, vars) = open_atom(&goal);
        let free_positions: Vec<usize> = open
            .args
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t, Term::Var(_)))
            .map(|(i, _)| i)
            .collect();
        let ev = self.eval_query(vec![Literal::Pos(open.clone())], &vars, span)?;
        let rows = self.query_rows(&ev);
        let ex = self.explainer(&ev);
        let proofs = proofs_for(&ex, pred, &open, &vars, &rows, opts);
        let first_free =
            free_positions
                .iter()
                .position(|&p| p >= args.len())
                .or(if free_positions.is_empty() {
                    None
                } else {
                    Some(0)
                });
        drop(ex);
        // Nothing matches all the given values: if the knowledge base states something for
        // the leading ones, the answer is "no" — it says otherwise — not "unknown".
        let instead = if rows.is_empty() {
            self.stated_instead(pred, args, &info.inputs, span, opts)?
        } else {
            Vec::new()
        };
        let verdict = if rows.is_empty() && !instead.is_empty() {
            "no".to_string()
        } else if rows.is_empty() {
            "unknown".to_string()
        } else if let Some(k) = first_free {
            let distinct: BTreeSet<String> = rows.iter().map(|r| plain(&r[k])).collect();
            match distinct.len() {
                1 => distinct.into_iter().next().unwrap_or_default(),
                2..=4 => format!(
                    "mixed: {}",
                    distinct.into_iter().collect::<Vec<_>>().join(", ")
                ),
                n => format!("{n} different answers"),
            }
        } else {
            "yes".to_string()
        };
        let proof_errors = self.check_proofs(&ev, &proofs.iter().collect::<Vec<_>>());
        let suggestions = if rows.is_empty() && instead.is_empty() {
            self.suggestions(&info.inputs, pred, args)
        } else {
            Vec::new()
        };
        let shown: Vec<String> = goal.args.iter().map(|t| t.to_string()).collect();
        Ok(Answer::Question(QuestionAnswer {
            question: q.to_string(),
            goal: format!("{pred}({})", shown.join(", ")),
            verdict,
            columns: free_positions.iter().map(|&p| info.column(p)).collect(),
            rows,
            proofs,
            instead,
            suggestions,
            proof_errors,
        }))
    }

    /// For a question no tuple answers: the tuples that agree with its given values except
    /// trailing ones (never a goal-directed input), with their proofs; empty if none do.
    fn stated_instead(
        &mut self,
        pred: &str,
        args: &[Term],
        inputs: &BTreeSet<usize>,
        span: Span,
        opts: AskOptions,
    ) -> Result<Vec<Proof>, QueryError> {
        let arity = self.checked.preds.get(pred).map_or(0, |p| p.arity);
        for keep in (1..args.len()).rev() {
            if inputs.contains(&keep) || !matches!(args[keep], Term::Const(_)) {
                break;
            }
            let mut relaxed: Vec<Term> = args[..keep].to_vec();
            relaxed.resize(arity, Term::Wildcard);
            let (open, vars) = open_atom(&Atom {
                pred: pred.to_string(),
                args: relaxed,
                span,
            });
            let ev = self.eval_query(vec![Literal::Pos(open.clone())], &vars, span)?;
            let rows = self.query_rows(&ev);
            if !rows.is_empty() {
                let ex = self.explainer(&ev);
                let proofs = proofs_for(
                    &ex,
                    pred,
                    &open,
                    &vars,
                    &rows,
                    AskOptions { proofs: 1, ..opts },
                );
                drop(ex);
                let errors = self.check_proofs(&ev, &proofs.iter().collect::<Vec<_>>());
                debug_assert!(errors.is_empty(), "{errors:?}");
                return Ok(proofs);
            }
        }
        Ok(Vec::new())
    }

    /// For each given constant the relation never has in that column: the closest ones it has.
    fn suggestions(&self, inputs: &BTreeSet<usize>, pred: &str, args: &[Term]) -> Vec<String> {
        let Some(rel) = self.model.relation(pred) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, t) in args.iter().enumerate() {
            let Term::Const(c) = t else { continue };
            if inputs.contains(&i) {
                continue;
            }
            let column: BTreeSet<String> = rel
                .rows()
                .map(|r| self.interner.value(r[i]).to_string())
                .collect();
            if column.contains(&c.to_string()) {
                continue;
            }
            let want = c.to_string();
            let mut scored: Vec<(f64, &String)> = column
                .iter()
                .map(|k| (strsim::jaro_winkler(&want, k), k))
                .filter(|(s, _)| *s > 0.75)
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            out.extend(scored.into_iter().take(3).map(|(_, k)| k.clone()));
        }
        out
    }
}

/// The verdict text of a value: symbols and integers as written, strings without quotes.
fn plain(c: &Const) -> String {
    match c {
        Const::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces each `_` of an atom by a fresh variable; returns the atom and its variables in
/// order.
fn open_atom(a: &Atom) -> (Atom, Vec<String>) {
    let mut vars = Vec::new();
    let args = a
        .args
        .iter()
        .enumerate()
        .map(|(i, t)| match t {
            Term::Wildcard => {
                let v = format!("_{}", i + 1);
                vars.push(v.clone());
                Term::Var(v)
            }
            Term::Var(v) => {
                if !vars.contains(v) {
                    vars.push(v.clone());
                }
                t.clone()
            }
            c => c.clone(),
        })
        .collect();
    (Atom { args, ..a.clone() }, vars)
}

/// The ground arguments of `open` under one answer row of its variables.
fn fill(open: &Atom, vars: &[String], row: &[Const]) -> Vec<Const> {
    open.args
        .iter()
        .map(|t| match t {
            Term::Var(v) => row[vars.iter().position(|x| x == v).expect("query variable")].clone(),
            Term::Const(c) => c.clone(),
            Term::Wildcard => unreachable!("opened"),
        })
        .collect()
}

/// Collects every proof inside a why-not report: what holds instead, and what blocks
/// negations.
pub fn collect_why_not_proofs<'a>(w: &'a WhyNot, out: &mut Vec<&'a Proof>) {
    out.extend(&w.instead);
    for t in &w.rules {
        match &t.blocked.cause {
            BlockCause::BlockedBy { proof } => out.push(proof),
            BlockCause::Missing { why_not } => collect_why_not_proofs(why_not, out),
            BlockCause::Fails => {}
        }
    }
}

/// Proofs of each answer row (at most [`MAX_PROOFS`] rows): the minimal-height proof, or with
/// `opts.proofs > 1` that many distinct derivations.
fn proofs_for(
    ex: &Explainer<'_>,
    pred: &str,
    open: &Atom,
    vars: &[String],
    rows: &[Vec<Const>],
    opts: AskOptions,
) -> Vec<Proof> {
    let mut out = Vec::new();
    for r in rows.iter().take(MAX_PROOFS) {
        let args = fill(open, vars, r);
        if opts.proofs > 1 {
            out.extend(ex.prove_alternatives(pred, &args, opts.proofs));
        } else {
            out.extend(ex.prove(pred, &args));
        }
    }
    out
}

/// The proofs inside a why-not report and the reports (at any level) the depth stopped.
fn why_not_parts<'a>(
    w: &'a mut WhyNot,
    proofs: &mut Vec<&'a mut Proof>,
    stopped: &mut Vec<&'a mut WhyNot>,
) {
    if w.depth_limited {
        stopped.push(w);
        return;
    }
    proofs.extend(w.instead.iter_mut());
    for t in &mut w.rules {
        match &mut t.blocked.cause {
            BlockCause::BlockedBy { proof } => proofs.push(proof),
            BlockCause::Missing { why_not } => why_not_parts(why_not, proofs, stopped),
            BlockCause::Fails => {}
        }
    }
}

/// Replaces the premises of nodes `depth` levels down by a handle that `why #K` expands.
fn cut_proof(p: &mut Proof, depth: usize, handles: &mut Vec<String>) {
    if p.premises.is_empty() {
        return;
    }
    if depth == 0 {
        if let Some(atom) = &p.atom {
            handles.push(format!("why {atom}"));
            p.handle = Some(handles.len());
            p.premises.clear();
        }
        return;
    }
    for q in &mut p.premises {
        cut_proof(q, depth - 1, handles);
    }
}
