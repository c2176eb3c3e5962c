//! The session: a knowledge base and the state of a conversation with it (the handles of
//! cut explanations). Every query becomes one rule `query#(Vars) :- body`; its literals on
//! goal-directed predicates seed the magic-set demand, and only the predicates that demand
//! affects are evaluated again, on top of the knowledge base's model.

use super::answer::{
    Answer, AskOptions, BindingsAnswer, QueryError, RuleRef, UnusedRules, WhyAnswer,
};
use super::collect_why_not_proofs;
use super::handles::Handle;
use super::kb::{KnowledgeBase, LoadConfig, LoadError};
use crate::check::{PartialRead, check_query_body};
use crate::engine::{Demands, FactRows, FactTable, Layered, Model, evaluate};
use crate::explain::checker::{ModelTuples, ProofChecker};
use crate::explain::search::Subst;
use crate::explain::{Bounds, Explainer, Proof};
use crate::ir::{self, Const, FreshVars, Origin, Pred, Rule, Var};
use crate::source::{Code, Diagnostic, SourceText, Span};
use crate::syntax::{self as ast, Query, parse_query};
use crate::transform::{affected, rewrite_extra};
use std::time::Instant;

/// A knowledge base being asked questions.
#[derive(Debug, Clone)]
pub struct Session {
    /// The knowledge base.
    pub kb: KnowledgeBase,
    /// What the handles (`why #K`) of cut explanations stand for, numbered from 1.
    pub(super) handles: Vec<Handle>,
    /// When the query being answered started: its explanation's time limit counts from here.
    started: Instant,
    /// Where the lookups of the question being answered are recorded, while it is answered
    /// from a stored model ([`super::stored`]).
    pub(super) demands: Option<Demands>,
    /// The predicates the last query evaluated again (its own and those its demand reaches).
    pub(super) overlay: std::collections::BTreeSet<Pred>,
    /// Notes raised while answering (a stored model found inconsistent and evaluated
    /// again), for the caller to show on standard error: [`Session::take_notes`].
    pub(super) notes: Vec<String>,
}

/// A query rule evaluated over the knowledge base.
pub(super) struct Evaluated {
    pub rules: Vec<Rule>,
    pub top: Model,
    /// Goal-directed predicates the query read without their inputs.
    pub partial: Vec<PartialRead>,
    /// The warnings of the query's own rule (an overflow that failed one of its literals).
    pub warnings: Vec<String>,
}

impl Session {
    /// A session over a loaded knowledge base.
    pub fn new(kb: KnowledgeBase) -> Self {
        Session {
            kb,
            handles: Vec::new(),
            started: Instant::now(),
            demands: None,
            overlay: Default::default(),
            notes: Vec::new(),
        }
    }

    /// The notes raised while answering since the last call (each a sentence, without
    /// `note:`), emptied.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// Loads `texts` ([`KnowledgeBase::load`]) and starts a session.
    ///
    /// Errors: as [`KnowledgeBase::load`].
    pub fn load(texts: Vec<SourceText>, config: LoadConfig) -> Result<Self, LoadError> {
        KnowledgeBase::load(texts, config).map(Session::new)
    }

    /// A session over the embedded CMG knowledge base.
    ///
    /// Errors: only if the embedded files are broken.
    pub fn embedded(config: LoadConfig) -> Result<Self, LoadError> {
        KnowledgeBase::embedded(config).map(Session::new)
    }

    /// Replaces the knowledge base, keeping the handles (the REPL after a rebuild).
    pub fn replace_kb(&mut self, kb: KnowledgeBase) {
        self.kb = kb;
    }

    /// Number of handles handed out so far.
    pub fn handle_count(&self) -> usize {
        self.handles.len()
    }

    /// Parses `text` as one query, naming it `name` in diagnostics.
    ///
    /// Errors: the syntax error.
    pub fn parse_query(&mut self, text: &str, name: &str) -> Result<Query, QueryError> {
        let file = self.kb.sources.add(name, text);
        parse_query(text, file).map_err(|d| QueryError::Invalid(vec![d]))
    }

    /// Parses and answers one query.
    ///
    /// Errors: as [`Session::parse_query`] and [`Session::answer`].
    pub fn ask(&mut self, text: &str, opts: AskOptions) -> Result<Answer, QueryError> {
        let q = self.parse_query(text, "<query>")?;
        self.answer(&q, opts)
    }

    /// Answers a parsed query.
    ///
    /// Errors: [`QueryError::Invalid`] for an unknown predicate, a wrong arity, an unbound
    /// variable or a goal-directed argument left free; [`QueryError::Eval`] when a limit
    /// stops the evaluation.
    pub fn answer(&mut self, q: &Query, opts: AskOptions) -> Result<Answer, QueryError> {
        self.started = Instant::now();
        let (q, opts) = match q {
            Query::Handle { number, span } => {
                let q = self.resolve_handle(*number, *span)?;
                // An expansion shows at least one more level, whatever the depth.
                let depth = opts.depth.map(|d| d.max(1));
                (q, AskOptions { depth, ..opts })
            }
            q => (q.clone(), opts),
        };
        if self.kb.stored.is_some() && !matches!(q, Query::Why(_) | Query::WhyNot(_)) {
            self.load_in_full_checked()?;
        }
        let answered = match &q {
            Query::Handle { .. } => Err(QueryError::Internal(Vec::new())),
            Query::Conjunctive { body, span } => self.conjunctive(&q, body, *span, opts),
            Query::Question { pred, args, span } => self.question(&q, pred, args, *span, opts),
            Query::Why(atom) | Query::WhyNot(atom) => {
                self.why(&q, atom, matches!(q, Query::WhyNot(_)), opts)
            }
        };
        let mut a = answered.map_err(|mut e| {
            // The estate rules come with the embedded knowledge base, read without one.
            let embedded = self.kb.texts.iter().all(super::embedded::is_embedded);
            if let (QueryError::Invalid(ds), None, true) =
                (&mut e, &self.kb.config.inventory, embedded)
            {
                super::embedded::hint_estate(ds);
            }
            e
        })?;
        if let Some(depth) = opts.depth {
            self.cut_answer(&mut a, depth);
        }
        Ok(a)
    }

    /// Checks `body` and evaluates it as the rule `query#(vars) :- body`.
    pub(super) fn eval_query(
        &mut self,
        body: &[ast::Literal],
        open: impl FnOnce(Vec<ir::Literal>) -> (Vec<ir::Literal>, Vec<Var>),
        span: Span,
    ) -> Result<(Evaluated, Vec<ir::Literal>, Vec<Var>), QueryError> {
        let checked = check_query_body(&self.kb.checked, body).map_err(QueryError::Invalid)?;
        let (body, vars) = open(checked.body);
        let rule = Rule {
            head: ir::Atom {
                pred: Pred::Query,
                args: vars.iter().cloned().map(ir::Term::Var).collect(),
                span,
            },
            body: body.clone(),
            origin: Origin::Query,
            span,
        };
        let mut added = rewrite_extra(
            &self.kb.checked,
            std::slice::from_ref(&rule),
            &checked.adornments,
        );
        // A query's aggregates are evaluated with it.
        added.extend(checked.aux);
        let roots: Vec<Pred> = added.iter().map(|r| r.head.pred.clone()).collect();
        let mut rules = self.kb.rules.clone();
        rules.extend(added);
        let touched = affected(&rules, &roots);
        self.overlay = touched.clone();
        let overlay: Vec<Rule> = rules
            .iter()
            .filter(|r| touched.contains(&r.head.pred))
            .cloned()
            .collect();
        let mut top = evaluate(
            &overlay,
            self.file_facts_of(&touched),
            Some(&self.kb.model),
            &mut self.kb.interner,
            &self.kb.config.eval,
        )?;
        // A tuple the knowledge base's model holds keeps its height there.
        for (pred, rel) in &mut top.relations {
            if let Some(base) = self.kb.model.relation(pred) {
                rel.lower_heights_to(base);
            }
        }
        let warnings = top
            .warnings
            .iter()
            .filter(|w| {
                overlay
                    .get(w.rule)
                    .is_some_and(|r| r.origin == Origin::Query)
            })
            .map(|w| w.message.clone())
            .collect();
        let ev = Evaluated {
            rules,
            top,
            partial: checked.partial,
            warnings,
        };
        Ok((ev, body, vars))
    }

    /// The facts read from files (or tables) of the predicates in `preds`, as the model holds
    /// them: a predicate the query's overlay derives again starts from its file facts as
    /// the knowledge base's evaluation did (its written facts are clauses, and come along).
    /// A fact has height 0 in the model; a derived tuple never does.
    fn file_facts_of(&self, preds: &std::collections::BTreeSet<Pred>) -> FactRows {
        let mut out = FactRows::new();
        for pred in preds {
            if !self.kb.fact_files.contains_key(pred) {
                continue;
            }
            if let Some(rel) = self.kb.model.relation(pred) {
                let rows = rel.iter().filter(|&(_, h)| h == 0).map(|(row, _)| row);
                out.insert(pred.clone(), FactTable::from_rows(rel.arity(), rows));
            }
        }
        out
    }

    /// The rules a query could not use, for its answer.
    pub(super) fn unused_rules(&self, ev: &Evaluated) -> Vec<UnusedRules> {
        ev.partial
            .iter()
            .map(|p| {
                let info = self.kb.checked.preds.get(&p.pred);
                UnusedRules {
                    pred: p.pred.clone(),
                    needs: p
                        .missing
                        .iter()
                        .map(|&i| info.map_or_else(|| format!("arg{}", i + 1), |f| f.column(i)))
                        .collect(),
                    rules: p
                        .unused
                        .iter()
                        .map(|&id| {
                            let c = self.kb.checked.clause(id);
                            RuleRef {
                                rule: c.to_string(),
                                location: self.kb.sources.location(c.span),
                            }
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The rows of the query rule, sorted.
    ///
    /// Errors: the limit (`--timeout`, `--max-memory`, Ctrl-C) that stopped the decoding: an
    /// answer of millions of rows is work of its own, bounded as the evaluation is.
    pub(super) fn query_rows(&self, ev: &Evaluated) -> Result<Vec<Vec<Const>>, QueryError> {
        let bounds = Bounds::new(&self.kb.config.eval, self.started);
        let mut rows: Vec<Vec<Const>> = Vec::new();
        if let Some(r) = ev.top.relation(&Pred::Query) {
            for row in r.rows() {
                if !bounds.answer_row(row.len()) {
                    break;
                }
                rows.push(self.kb.interner.decode(row));
            }
        }
        if let Some(e) = bounds.stopped() {
            return Err(e.into());
        }
        rows.sort();
        Ok(rows)
    }

    /// Runs the independent proof checker over `proofs`; returns its complaints.
    pub(super) fn check_proofs(&self, ev: &Evaluated, proofs: &[&Proof]) -> Vec<String> {
        let checker = ProofChecker::new(&self.kb.checked)
            .with_sources(&self.kb.sources)
            .with_file_preds(self.kb.fact_files.keys().map(|p| p.to_string()))
            .with_fact_files(&self.kb.fact_files);
        let tuples = ModelTuples {
            model: Layered {
                base: &self.kb.model,
                top: Some(&ev.top),
                demands: self.demands.as_ref(),
            },
            interner: &self.kb.interner,
        };
        proofs
            .iter()
            .filter_map(|p| checker.check(p, &tuples).err())
            .map(|e| e.to_string())
            .collect()
    }

    /// An explainer over the query's model, under the knowledge base's resource limits
    /// (the clock counting from the start of the query).
    pub(super) fn explainer<'a>(&'a self, ev: &'a Evaluated) -> Explainer<'a> {
        Explainer::new(
            &self.kb.checked,
            &self.kb.sources,
            &ev.rules,
            Layered {
                base: &self.kb.model,
                top: Some(&ev.top),
                demands: self.demands.as_ref(),
            },
            &self.kb.interner,
        )
        .with_fact_files(&self.kb.fact_files)
        .with_bounds(Bounds::new(&self.kb.config.eval, self.started))
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
        let span = Span::default();
        let goal = ast::Atom {
            pred: atom.pred.clone(),
            args: atom.args.iter().cloned().map(ast::Term::Const).collect(),
            span,
            arg_spans: Vec::new(),
        };
        let ev = match self.eval_query(&[ast::Literal::Pos(goal)], |b| (b, Vec::new()), span) {
            Ok((ev, _, _)) => ev,
            Err(e) => {
                return Err(e
                    .diagnostics()
                    .first()
                    .map_or_else(|| "invalid".to_string(), |d| d.message.clone()));
            }
        };
        match self.check_proofs(&ev, &[proof]).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    fn conjunctive(
        &mut self,
        q: &Query,
        body: &[ast::Literal],
        span: Span,
        opts: AskOptions,
    ) -> Result<Answer, QueryError> {
        let (ev, lowered, vars) = self.eval_query(
            body,
            |b| {
                let mut vars: Vec<Var> = Vec::new();
                for l in &b {
                    l.each_var(&mut |v| {
                        if !vars.contains(v) {
                            vars.push(v.clone());
                        }
                    });
                }
                (b, vars)
            },
            span,
        )?;
        let rows = self.query_rows(&ev)?;
        let ex = self.explainer(&ev);
        let proofs: Vec<Vec<Proof>> = rows
            .iter()
            .take(opts.rows_proved)
            .map(|row| {
                let subst: Subst = vars.iter().cloned().zip(row.iter().cloned()).collect();
                lowered
                    .iter()
                    .filter_map(|l| l.positive_atom())
                    .filter_map(|a| ex.prove_instance(a, &subst))
                    .collect()
            })
            .collect();
        finished(&ex)?;
        drop(ex);
        let proof_errors = self.check_proofs(&ev, &proofs.iter().flatten().collect::<Vec<_>>());
        Ok(Answer::Bindings(BindingsAnswer {
            query: q.to_string(),
            vars: vars.iter().map(Var::to_string).collect(),
            unused_rules: self.unused_rules(&ev),
            rows,
            proofs,
            proof_errors,
            warnings: ev.warnings.clone(),
        }))
    }

    fn why(
        &mut self,
        q: &Query,
        atom: &ast::Atom,
        is_not: bool,
        opts: AskOptions,
    ) -> Result<Answer, QueryError> {
        if ir::Builtin::from_name(&atom.pred).is_some() {
            let d = Diagnostic::error(
                Code::BuiltinWhy,
                format!(
                    "`{}` is a built-in: it has no proof, only a value",
                    atom.pred
                ),
                atom.span,
            )
            .with_help(format!(
                "ask `?- {atom}.` to see whether it holds (and which values it binds)"
            ));
            return Err(QueryError::Invalid(vec![d]));
        }
        if let Some(stored) = self.kb.stored.clone() {
            return self.why_from_database(&stored, q, atom, is_not, opts);
        }
        self.why_in_model(q, atom, is_not, opts)
    }

    /// `why` (or `why not`) over the model the knowledge base holds in memory.
    pub(super) fn why_in_model(
        &mut self,
        q: &Query,
        atom: &ast::Atom,
        is_not: bool,
        opts: AskOptions,
    ) -> Result<Answer, QueryError> {
        let (ev, open, vars) =
            self.eval_query(&[ast::Literal::Pos(atom.clone())], open_single, atom.span)?;
        let open = open_atom_of(&open);
        let rows = self.query_rows(&ev)?;
        let ex = self.explainer(&ev);
        let proofs = super::proofs_for(&ex, &open, &vars, &rows, opts);
        let why_not = rows.is_empty().then(|| {
            let given: Vec<Option<Const>> = atom
                .args
                .iter()
                .map(|t| match t {
                    ast::Term::Const(c) => Some(c.clone()),
                    _ => None,
                })
                .collect();
            ex.why_not(&open.pred, &given, opts.why_not_depth())
        });
        finished(&ex)?;
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
            unused_rules: self.unused_rules(&ev),
            proof_errors,
        };
        Ok(if is_not {
            Answer::WhyNot(a)
        } else {
            Answer::Why(a)
        })
    }
}

/// Fails with the limit that stopped one of `ex`'s searches, if one did: an answer whose
/// proofs a limit cut short is not given.
pub(super) fn finished(ex: &Explainer<'_>) -> Result<(), QueryError> {
    ex.stopped().map_or(Ok(()), |e| Err(e.into()))
}

/// Opens the `_` of a single-atom body with fresh variables: the query's columns are the
/// atom's variables in order.
pub(super) fn open_single(body: Vec<ir::Literal>) -> (Vec<ir::Literal>, Vec<Var>) {
    let mut fresh = FreshVars::default();
    let mut vars = Vec::new();
    let body = body
        .into_iter()
        .map(|l| match l {
            ir::Literal::Pos(a) => {
                let (opened, v) = a.open_wildcards(&mut fresh);
                vars = v;
                ir::Literal::Pos(opened)
            }
            other => other,
        })
        .collect();
    (body, vars)
}

/// The atom of a single-atom body.
pub(super) fn open_atom_of(body: &[ir::Literal]) -> ir::Atom {
    body.iter()
        .find_map(|l| l.positive_atom().cloned())
        .unwrap_or_else(|| ir::Atom {
            pred: Pred::Query,
            args: Vec::new(),
            span: Span::default(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(text: &str) -> Session {
        let texts = vec![SourceText {
            name: "kb.kb".into(),
            text: text.into(),
        }];
        Session::load(texts, LoadConfig::default())
            .unwrap_or_else(|e| panic!("{}", e.sources.render(&e.diagnostics, false)))
    }

    #[test]
    fn a_question_evaluates_again_only_what_its_own_rules_reach() {
        // Guards: every goal-directed predicate, and all that read any of them, was planned
        // and evaluated again for every question, however unrelated to it.
        let mut s = session(
            "short(N) :- length(N, L), L < 3.\n\
             long(N) :- length(N, L), L > 5.\n\
             tall(N) :- long(N).\n\
             fits(N) :- short(N).\n",
        );
        let q = s.parse_query("?- fits(\"ab\").", "<query>").unwrap();
        let Query::Conjunctive { body, span } = q else {
            panic!("not a conjunctive query: {q:?}")
        };
        let (ev, _, _) = s.eval_query(&body, |b| (b, Vec::new()), span).unwrap();
        let named = |n: &str| Pred::User(n.into());
        for p in ["fits", "short"] {
            assert!(ev.top.relation(&named(p)).is_some(), "{p} not evaluated");
        }
        for p in ["long", "tall"] {
            assert!(ev.top.relation(&named(p)).is_none(), "{p} evaluated");
        }
        assert_eq!(ev.top.relation(&Pred::Query).map(|r| r.len()), Some(1));
    }
}
