//! The rustyline helper: completion (commands, predicates, constants), hints, and
//! validation that keeps reading lines while a statement is unfinished.

use crate::kb::KnowledgeBase;
use crate::syntax::{Const, is_incomplete};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

const COMMANDS: &[&str] = &[":help", ":load ", ":preds", ":format ", ":depth ", ":quit"];

/// Completion data, refreshed after each statement.
pub struct ReplHelper {
    preds: Vec<String>,
    constants: Vec<String>,
}

impl ReplHelper {
    /// A helper knowing `kb`'s predicates and constants.
    pub fn new(kb: &KnowledgeBase) -> Self {
        let mut h = ReplHelper {
            preds: Vec::new(),
            constants: Vec::new(),
        };
        h.refresh(kb);
        h
    }

    /// Re-reads predicates and constants.
    pub fn refresh(&mut self, kb: &KnowledgeBase) {
        self.preds = kb.checked.preds.keys().cloned().collect();
        let mut c: Vec<String> = kb
            .interner
            .values()
            .iter()
            .filter_map(|v| match v {
                Const::Sym(s) => Some(s.clone()),
                Const::Str(s) if s.len() < 40 => Some(format!("{s:?}")),
                _ => None,
            })
            .collect();
        c.sort();
        c.dedup();
        self.constants = c;
    }

    /// Candidates for the word ending at `pos` of `line`: (start of the word, candidates).
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos];
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| {
                !(c.is_alphanumeric() || *c == '_' || *c == ':' || *c == '"' || *c == '-')
            })
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &before[start..];
        if word.starts_with(':') && start == 0 {
            return (
                start,
                COMMANDS
                    .iter()
                    .filter(|c| c.starts_with(word))
                    .map(|c| c.to_string())
                    .collect(),
            );
        }
        let first_word = before[..start].trim().is_empty();
        let mut out: Vec<String> = Vec::new();
        for p in &self.preds {
            if p.starts_with(word) {
                // At the start of a line a predicate name is most likely a question.
                out.push(if first_word {
                    format!("{p}? ")
                } else {
                    p.clone()
                });
            }
        }
        if first_word {
            for k in ["why ", "why not ", "?- "] {
                if k.starts_with(word) && !word.is_empty() {
                    out.push(k.to_string());
                }
            }
        } else {
            out.extend(
                self.constants
                    .iter()
                    .filter(|c| c.starts_with(word))
                    .cloned(),
            );
        }
        out.sort();
        out.dedup();
        (start, out)
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, c) = self.candidates(line, pos);
        Ok((
            start,
            c.into_iter()
                .map(|s| Pair {
                    display: s.trim_end().to_string(),
                    replacement: s,
                })
                .collect(),
        ))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if input.trim_start().starts_with(':') || !is_incomplete(input) {
            Ok(ValidationResult::Valid(None))
        } else {
            Ok(ValidationResult::Incomplete)
        }
    }
}

impl Helper for ReplHelper {}
