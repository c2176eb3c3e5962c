//! Scenarios in query files: `assume FACT.` adds a fact for the queries that follow it,
//! `retract FACT.` takes an assumption back or sets aside a fact the knowledge base writes
//! (a later `assume` of it puts it back), until the end of the file (the REPL's `:assume` / `:retract`, as a test). The knowledge
//! base is rebuilt from its texts with the assumptions as one more text, and the one loaded
//! for the file is put back when the file ends.

use super::{KnowledgeBase, Session};
use crate::check::did_you_mean;
use crate::explain::GroundAtom;
use crate::source::{Code, Diagnostic, SourceText};
use crate::syntax::{ScenarioStep, Term};

/// The name of the text holding a query file's assumptions.
pub const ASSUMPTIONS: &str = "<assumptions>";

/// The scenario of a query file so far, over the knowledge base it started with.
pub(super) struct Scenario {
    base: KnowledgeBase,
    assumed: Vec<GroundAtom>,
    retracted: Vec<GroundAtom>,
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

    /// Applies `steps` and rebuilds the session's knowledge base.
    ///
    /// Errors, at the step: an assumption of a predicate the knowledge base does not have (a
    /// typo: nothing would read it), a retraction of a fact neither assumed nor written, a
    /// knowledge base the assumptions break (an arity, a type).
    pub(super) fn apply(
        &mut self,
        session: &mut Session,
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
                } else if !self.assumed.contains(&atom) {
                    self.assumed.push(atom);
                }
            } else if let Some(i) = self.assumed.iter().position(|a| *a == atom) {
                self.assumed.remove(i);
            } else if self.base.is_written_fact(&atom.pred, &atom.args) {
                self.retracted.push(atom);
            } else {
                return Err(Diagnostic::error(
                    Code::UnknownPredicate,
                    format!("`retract {atom}`: no such fact is assumed above or written in the knowledge base"),
                    step.span,
                )
                .with_label("not an assumed or written fact")
                .with_help("a tuple derived by rules cannot be retracted; retract a fact its proof rests on (`why` shows them)"));
            }
        }
        let mut texts = self.base.texts.clone();
        if !self.assumed.is_empty() {
            let facts: Vec<String> = self.assumed.iter().map(|a| format!("{a}.")).collect();
            texts.push(SourceText {
                name: ASSUMPTIONS.into(),
                text: facts.join("\n"),
            });
        }
        let mut config = self.base.config.clone();
        config.retracted = self.retracted.clone();
        let kb = KnowledgeBase::load(texts, config).map_err(|e| {
            let first = e.diagnostics.into_iter().next();
            let why = first.map_or_else(String::new, |d| format!(": {}", d.message));
            Diagnostic::error(
                Code::Input,
                format!("the knowledge base does not load with this scenario{why}"),
                steps.last().map_or_else(Default::default, |s| s.span),
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
