//! Answering `why` and `why not` from a model the database already holds, without
//! evaluating again.
//!
//! # When a stored model is current
//! Every evaluation on a SQL engine stamps its model ([`crate::sql::stored`]) with a
//! fingerprint: SHA-256 over the version of supportkb, the dialect, every text of the
//! knowledge base (name and contents), the facts set aside, the `--inventory` and
//! `--facts` folders (and the names of the `.tsv` and `.csv` files in the latter), and the
//! path and contents of every file facts were read from. A later load that may reuse the
//! model ([`super::LoadConfig::reuse_stored`]) computes the same fingerprint over the files
//! the stamp names; equal, the model is current and nothing is read or evaluated; else it
//! is stale, and the knowledge base is evaluated again (and a note says so). A knowledge
//! base reading `from table` inputs is never stamped: a table's rows have no file to
//! fingerprint, so its model is always evaluated again.
//!
//! # Fetching what a question needs
//! A question on a current stored model starts from an empty model. It is answered, every
//! lookup its proofs, why-not report and proof checker make is recorded
//! ([`crate::engine::Demands`]), the rows of the lookups not fetched yet are fetched (one
//! indexed `SELECT` each, the values bound as parameters), and it is answered again, until
//! an answer makes no lookup that was not fetched before it: that answer reads exactly the
//! tuples the whole model would give it.

use super::answer::{Answer, AskOptions, QueryError};
use super::kb::{KnowledgeBase, LoadConfig, LoadFailure};
use super::session::Session;
use crate::engine::Demands;
use crate::explain::FactFiles;
use crate::explain::search::{Subst, ordered};
use crate::ir::{Const, Literal, Pred, Rule, Term, Var};
use crate::source::SourceText;
use crate::sql::stored::{FetchError, Fetched};
use crate::sql::{Database, Dialect, Script};
use crate::syntax::{self as ast, Query};
use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

/// A model in the database, open for fetching.
pub struct StoredModel {
    /// The connection.
    pub db: Box<dyn Database>,
    /// The tables of the program (as the evaluation that filled them compiled it).
    pub script: Script,
    /// The tuples fetched so far.
    pub fetched: Fetched,
    /// The last round of the evaluation.
    pub max_height: u32,
    /// The knowledge base's texts as given to the load (to evaluate it in full when a
    /// question needs the whole model).
    pub texts: Vec<SourceText>,
}

impl std::fmt::Debug for StoredModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredModel")
            .field("dialect", &self.script.dialect)
            .field("max_height", &self.max_height)
            .field("queries", &self.fetched.queries)
            .finish()
    }
}

/// A stored model shared by the clones of a knowledge base.
pub type SharedStored = Arc<Mutex<StoredModel>>;

/// The fingerprint of what a model is evaluated from (see the module's text); `None` when
/// it cannot be known: a `from table` input, or a file that cannot be read.
pub(super) fn fingerprint(
    texts: &[SourceText],
    config: &LoadConfig,
    dialect: Dialect,
    files: &FactFiles,
) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut part = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part(env!("CARGO_PKG_VERSION").as_bytes());
    part(dialect.name().as_bytes());
    for t in texts {
        part(t.name.as_bytes());
        part(t.text.as_bytes());
    }
    part(format!("{:?}", config.retracted).as_bytes());
    part(format!("{:?}", config.inventory).as_bytes());
    part(format!("{:?}", config.facts_dir).as_bytes());
    if let Some(dir) = &config.facts_dir {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.ends_with(".tsv") || n.ends_with(".csv"))
            .collect();
        names.sort();
        part(names.join("\n").as_bytes());
    }
    for (pred, list) in files {
        for f in list {
            if f.table.is_some() {
                return None;
            }
            part(pred.to_string().as_bytes());
            part(f.path.display().to_string().as_bytes());
            part(format!("{:?}", f.header).as_bytes());
            part(&std::fs::read(&f.path).ok()?);
        }
    }
    Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The files facts were read from, as the stamp records them (JSON).
pub(super) fn files_text(files: &FactFiles) -> String {
    let list: Vec<_> = files.iter().collect();
    serde_json::to_string(&list).unwrap_or_default()
}

/// The files of a stamp's text ([`files_text`]).
pub(super) fn files_of(text: &str) -> Option<FactFiles> {
    let list: Vec<(Pred, Vec<crate::explain::FactFile>)> = serde_json::from_str(text).ok()?;
    Some(list.into_iter().collect())
}

/// The lookups a proof makes of the premises of `rules`: for each rule, its body in the
/// order the explainer reads it with the head given, and for each atom the columns bound
/// by then (constants, and variables of the head or of earlier literals).
pub(super) fn lookups(rules: &[Rule]) -> BTreeSet<(Pred, Vec<usize>)> {
    let mut out = BTreeSet::new();
    for rule in rules.iter().filter(|r| !r.is_fact()) {
        let rule = rule.open_wildcards();
        let mut bound: HashSet<Var> = HashSet::new();
        for t in &rule.head.args {
            if let Term::Var(v) = t {
                bound.insert(v.clone());
            }
        }
        let seed: Subst = bound.iter().map(|v| (v.clone(), Const::Int(0))).collect();
        let Some(lits) = ordered(&rule.body, &seed) else {
            continue;
        };
        for lit in lits {
            if let Literal::Pos(a) | Literal::Neg(a) = lit {
                let cols: Vec<usize> = a
                    .args
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| match t {
                        Term::Const(_) => true,
                        Term::Var(v) => bound.contains(v),
                        Term::Wildcard => false,
                    })
                    .map(|(i, _)| i)
                    .collect();
                out.insert((a.pred.clone(), cols));
            }
            lit.each_var(&mut |v| {
                bound.insert(v.clone());
            });
        }
    }
    out
}

impl Session {
    /// Evaluates the knowledge base in full for a question other than `why`, noting first
    /// (as `why` does) a stored model whose tables do not hold the rows its evaluation left.
    pub(super) fn load_in_full_checked(&mut self) -> Result<(), QueryError> {
        let Some(stored) = self.kb.stored.clone() else {
            return Ok(());
        };
        let found = match stored.lock() {
            Ok(mut s) => {
                let s = &mut *s;
                match s.fetched.check_counts(s.db.as_mut(), &s.script) {
                    Err(FetchError::Inconsistent(e)) => Some(e.to_string()),
                    _ => None,
                }
            }
            Err(_) => None,
        };
        if let Some(found) = found {
            self.notes.push(format!(
                "the model stored in {} is inconsistent with its rules ({found}): evaluating it \
                 again",
                self.kb.config.engine.described()
            ));
        }
        self.load_in_full()
    }

    /// Evaluates the knowledge base in full, replacing a stored model read in part.
    pub(super) fn load_in_full(&mut self) -> Result<(), QueryError> {
        let Some(stored) = self.kb.stored.take() else {
            return Ok(());
        };
        let texts = stored
            .lock()
            .map_or_else(|_| Vec::new(), |s| s.texts.clone());
        let config = LoadConfig {
            reuse_stored: false,
            ..self.kb.config.clone()
        };
        self.kb = KnowledgeBase::load(texts, config).map_err(|e| match e.failure {
            // A database that cannot be used now is the user's to fix, as at the first load.
            LoadFailure::Rejected => QueryError::Invalid(e.diagnostics),
            LoadFailure::Limit(l) => QueryError::Eval(crate::engine::EvalError::Limit(l)),
            LoadFailure::Cancelled => QueryError::Eval(crate::engine::EvalError::Cancelled),
            LoadFailure::Internal => QueryError::Internal(e.diagnostics),
        })?;
        Ok(())
    }

    /// `why` on a stored model: answered over the tuples fetched so far, then again with
    /// the rows of every lookup the answer made that were not fetched yet, until an answer
    /// makes none (see [`super::stored`]). A question that evaluates more than its own rule
    /// (a goal-directed predicate's demand) needs the whole model: evaluated in full.
    ///
    /// A model found inconsistent with its rules (see [`inconsistency`], and the row counts
    /// of [`crate::sql::stored`]) gives no answer: a note names the database and what was
    /// found, and the knowledge base is evaluated again (which rewrites the tables).
    pub(super) fn why_from_database(
        &mut self,
        stored: &super::stored::SharedStored,
        q: &Query,
        atom: &ast::Atom,
        is_not: bool,
        opts: AskOptions,
    ) -> Result<Answer, QueryError> {
        let demands = Demands::default();
        let given = atom
            .args
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match t {
                ast::Term::Const(c) => Some((i, c.clone())),
                _ => None,
            })
            .collect();
        demands.record(&Pred::user(&atom.pred), given);
        self.demands = Some(demands);
        let mut answer = None;
        let result = loop {
            let fresh = {
                let Ok(mut s) = stored.lock() else {
                    break Ok(Err(QueryError::Internal(Vec::new())));
                };
                let s = &mut *s;
                let all = self.demands.as_ref().map(Demands::all).unwrap_or_default();
                let _fetch =
                    crate::source::timings::phase(|| "fetch tuples from the database".into());
                match s
                    .fetched
                    .fetch(s.db.as_mut(), &s.script, &all, &mut self.kb.interner)
                {
                    Ok(n) => {
                        self.kb.model = s.fetched.model(&s.script, s.max_height);
                        n
                    }
                    Err(FetchError::Inconsistent(e)) => break Err(e.to_string()),
                    Err(FetchError::Unavailable(e)) => {
                        break Ok(Err(QueryError::Invalid(vec![e.diagnostic()])));
                    }
                }
            };
            if fresh == 0
                && let Some(a) = answer.take()
            {
                break Ok(a);
            }
            answer = Some(self.why_in_model(q, atom, is_not, opts));
            if self.overlay.iter().any(|p| *p != Pred::Query) {
                self.demands = None;
                self.load_in_full()?;
                return self.why_in_model(q, atom, is_not, opts);
            }
        };
        self.demands = None;
        let found = match result {
            Ok(Ok(a)) => match inconsistency(&a, opts) {
                None => return Ok(a),
                Some(found) => found,
            },
            Ok(Err(e)) => return Err(e),
            Err(found) => found,
        };
        self.notes.push(format!(
            "the model stored in {} is inconsistent with its rules ({found}): evaluating it \
             again",
            self.kb.config.engine.described()
        ));
        self.load_in_full()?;
        self.why_in_model(q, atom, is_not, opts)
    }
}

/// What makes answer `a`, given from a stored model, one its rules could not give: a
/// matching row that does not rebuild into a proof (a row added by hand), a proof the
/// checker rejects, or a missing row whose rule's premises hold (a row deleted by hand);
/// `None` when there is nothing of the kind.
pub(super) fn inconsistency(a: &Answer, opts: AskOptions) -> Option<String> {
    let (Answer::Why(w) | Answer::WhyNot(w)) = a else {
        return None;
    };
    let wanted = w.matches.min(opts.rows_proved);
    if w.holds
        && wanted > 0
        && (w.proofs.is_empty() || (opts.proofs <= 1 && w.proofs.len() < wanted))
    {
        return Some(format!(
            "a row matching {} does not rebuild into a proof",
            w.query
                .trim_start_matches("why not ")
                .trim_start_matches("why ")
        ));
    }
    if let Some(e) = w.proof_errors.first() {
        return Some(format!(
            "the checker rejects a proof rebuilt from its rows: {e}"
        ));
    }
    w.why_not.as_ref().and_then(derivable)
}

/// The first goal of a why-not report (itself or a premise it explains) that has no row
/// although a rule's body holds for it.
fn derivable(w: &crate::explain::WhyNot) -> Option<String> {
    if let Some(rule) = &w.derived_by {
        return Some(format!(
            "{} has no row although the premises of `{rule}` hold",
            w.goal
        ));
    }
    w.rules.iter().find_map(|t| match &t.blocked.cause {
        crate::explain::BlockCause::Missing { why_not } => derivable(why_not),
        _ => None,
    })
}
