//! Scenarios in query files: `assume FACT.` adds a fact for the queries that follow it,
//! `retract FACT.` takes an assumption back or sets aside a fact the knowledge base writes
//! (a later `assume` of it puts it back), until the end of the file (the REPL's `:assume` /
//! `:retract`, as a test). The knowledge base is rebuilt from its texts with the assumptions as
//! one more text, and the one loaded for the file is put back when the file ends.
//!
//! That text is named after the query file and holds each assumed fact at the very line and
//! column it is written at there (everything else blanked), so that proofs cite an assumption,
//! and errors point at it, as `FILE.kbq:LINE:COLUMN`.

use super::{KnowledgeBase, Session};
use crate::check::did_you_mean;
use crate::explain::GroundAtom;
use crate::source::{Code, Diagnostic, SourceText, Span};
use crate::syntax::{ScenarioStep, Term};

/// The scenario of a query file so far, over the knowledge base it started with.
pub(super) struct Scenario {
    base: KnowledgeBase,
    /// Each assumed fact, with the bytes of the query file that write it (the atom through
    /// its `.`).
    assumed: Vec<(GroundAtom, Span)>,
    retracted: Vec<GroundAtom>,
}

/// The query file `text` with only the bytes `keep` left, every other character but a line
/// break blanked: each kept fact sits at its own line and column (counted in characters).
fn blanked(text: &str, keep: &[Span]) -> String {
    text.char_indices()
        .map(|(i, c)| {
            if c == '\n' || keep.iter().any(|s| s.start <= i && i < s.end) {
                c
            } else {
                ' '
            }
        })
        .collect()
}

fn ground(step: &ScenarioStep) -> GroundAtom {
    GroundAtom {
        pred: step.fact.pred.clone(),
        args: step
            .fact
            .args
            .iter()
            .filter_map(|t| match t {
                Term::Const(c) => Some(c.clone()),
                _ => None,
            })
            .collect(),
    }
}

impl Scenario {
    /// The scenario of nothing assumed, over `kb`.
    pub(super) fn new(kb: &KnowledgeBase) -> Self {
        Scenario {
            base: kb.clone(),
            assumed: Vec::new(),
            retracted: kb.config.retracted.clone(),
        }
    }

    /// Applies `steps`, written in the query file `name` whose text is `text`, and rebuilds
    /// the session's knowledge base.
    ///
    /// Errors, at the step: an assumption of a predicate the knowledge base does not have (a
    /// typo: nothing would read it), a retraction of a fact neither assumed nor written nor read, a
    /// knowledge base the assumptions break (an arity, a type: at the assumption to blame when
    /// the error is in one, else at the last step).
    pub(super) fn apply(
        &mut self,
        session: &mut Session,
        (name, text): (&str, &str),
        steps: &[ScenarioStep],
    ) -> Result<(), Diagnostic> {
        for step in steps {
            let atom = ground(step);
            let preds = &self.base.checked.preds;
            if step.assume {
                if !preds.contains_key(atom.pred.as_str()) {
                    let hint = did_you_mean(&atom.pred, preds.keys().map(|p| p.as_str()))
                        .map(|p| crate::check::did_you_mean_text(&[p]));
                    return Err(Diagnostic::error(
                        Code::UnknownPredicate,
                        format!(
                            "`assume {atom}`: the knowledge base has no predicate `{}`, so nothing would read it",
                            atom.pred
                        ),
                        step.span,
                    )
                    .with_help_opt(hint));
                }
                // A fact set aside above is put back, not assumed beside its own filter.
                if let Some(i) = self.retracted.iter().position(|r| *r == atom) {
                    self.retracted.remove(i);
                } else if !self.assumed.iter().any(|(a, _)| *a == atom) {
                    let written = Span::new(step.span.file, step.fact.span.start, step.span.end);
                    self.assumed.push((atom, written));
                }
            } else if let Some(i) = self.assumed.iter().position(|(a, _)| *a == atom) {
                self.assumed.remove(i);
            } else if self.base.is_retractable_fact(&atom.pred, &atom.args) {
                self.retracted.push(atom);
            } else {
                return Err(Diagnostic::error(
                    Code::Input,
                    format!("`retract {atom}`: no such fact is assumed above, written in the knowledge base or read from its inputs"),
                    step.span,
                )
                .with_label("not an assumed, written or read fact")
                .with_help("a tuple derived by rules cannot be retracted; retract a fact its proof rests on (`why` shows them)"));
            }
        }
        let mut texts = self.base.texts.clone();
        let assumed = !self.assumed.is_empty();
        if assumed {
            let keep: Vec<Span> = self.assumed.iter().map(|(_, s)| *s).collect();
            texts.push(SourceText {
                name: name.into(),
                text: blanked(text, &keep),
            });
        }
        let mut config = self.base.config.clone();
        config.retracted = self.retracted.clone();
        let last_step = steps.last().map_or_else(Default::default, |s| s.span);
        let kb = KnowledgeBase::load(texts, config).map_err(|e| {
            let first = e.diagnostics.into_iter().next();
            let why = first
                .as_ref()
                .map_or_else(String::new, |d| format!(": {}", d.message));
            // The assumptions' text has the query file's bytes: an error in it is at the
            // same bytes of the file.
            let in_assumptions = first.as_ref().and_then(|d| d.span).filter(|s| {
                assumed
                    && e.sources.name(s.file) == name
                    && e.sources.get(s.file).map(|f| f.text.len()) == Some(text.len())
            });
            let span =
                in_assumptions.map_or(last_step, |s| Span::new(last_step.file, s.start, s.end));
            Diagnostic::error(
                Code::Input,
                format!("the knowledge base does not load with this scenario{why}"),
                span,
            )
        })?;
        session.replace_kb(kb);
        Ok(())
    }

    /// Puts back the knowledge base the file started with.
    pub(super) fn restore(self, session: &mut Session) {
        session.replace_kb(self.base);
    }
}
