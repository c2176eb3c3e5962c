//! What a knowledge base holds, as data for listings (`:sources`, `:preds`, `:facts`,
//! `:rules` in the REPL, `supportkb check`) and for completion.

use super::kb::KnowledgeBase;
use crate::ir::{Const, Pred};
use crate::source::Location;
use std::collections::BTreeSet;

/// A declared source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceSummary {
    /// Its name.
    pub name: String,
    /// The document's title.
    pub title: String,
    /// Where it is published.
    pub url: Option<String>,
    /// Clauses citing it (or attaching one of its notes).
    pub cited_by: usize,
}

/// A predicate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PredSummary {
    /// Its name.
    pub name: String,
    /// Its arity.
    pub arity: usize,
    /// Column names (from `decl`, else `arg1`, …).
    pub columns: Vec<String>,
    /// Tuples in the model.
    pub tuples: usize,
    /// Columns a question must give (goal-directed).
    pub needs: Vec<String>,
    /// Documentation from `decl`.
    pub doc: Option<String>,
}

/// A predicate's tuples with its column names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Column names.
    pub columns: Vec<String>,
    /// Tuples, sorted.
    pub rows: Vec<Vec<Const>>,
    /// Whether the predicate is goal-directed (its tuples exist only for asked inputs).
    pub goal_directed: bool,
}

/// A rule as written and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleListing {
    /// The rule.
    pub text: String,
    /// Where it is written.
    pub location: Location,
}

impl KnowledgeBase {
    /// The declared sources.
    pub fn source_summaries(&self) -> Vec<SourceSummary> {
        let program = &self.checked.program;
        program
            .sources
            .iter()
            .map(|s| SourceSummary {
                name: s.name.clone(),
                title: s.title.clone(),
                url: s.url.clone(),
                cited_by: program
                    .clauses
                    .iter()
                    .filter(|c| c.cites.iter().chain(&c.notes).any(|q| q.source == s.name))
                    .count(),
            })
            .collect()
    }

    /// Every predicate, by name.
    pub fn pred_summaries(&self) -> Vec<PredSummary> {
        self.checked
            .preds
            .values()
            .map(|p| PredSummary {
                name: p.name.clone(),
                arity: p.arity,
                columns: (0..p.arity).map(|i| p.column(i)).collect(),
                tuples: self.tuple_count(&p.name),
                needs: p.bound_args.iter().map(|&i| p.column(i)).collect(),
                doc: p.doc.clone(),
            })
            .collect()
    }

    /// The tuples of `pred`; `None` for an unknown predicate.
    pub fn facts(&self, pred: &str) -> Option<Facts> {
        let info = self.checked.preds.get(pred)?;
        Some(Facts {
            columns: (0..info.arity).map(|i| info.column(i)).collect(),
            rows: self.rows_of(pred),
            goal_directed: !info.bound_args.is_empty(),
        })
    }

    /// The rules of `pred`, in file order; `None` for an unknown predicate.
    pub fn rules(&self, pred: &str) -> Option<Vec<RuleListing>> {
        self.checked.preds.get(pred)?;
        Some(
            self.checked
                .program
                .clauses
                .iter()
                .filter(|c| c.head.pred == pred && !c.is_fact())
                .map(|c| RuleListing {
                    text: c.to_string(),
                    location: self.sources.location(c.span),
                })
                .collect(),
        )
    }

    /// Per column of `pred`, up to `max` of the values its tuples have, as written.
    pub fn column_values(&self, pred: &str, max: usize) -> Vec<BTreeSet<String>> {
        let arity = self.checked.preds.get(pred).map_or(0, |p| p.arity);
        let mut cols = vec![BTreeSet::new(); arity];
        if let Some(rel) = self.model.relation(&Pred::user(pred)) {
            for row in rel.rows() {
                for (i, &id) in row.iter().enumerate() {
                    if cols[i].len() < max {
                        cols[i].insert(self.interner.value(id).to_string());
                    }
                }
            }
        }
        cols
    }

    /// Every constant the knowledge base knows, as written, except strings longer than
    /// `max_chars`.
    pub fn constants(&self, max_chars: usize) -> BTreeSet<String> {
        self.interner
            .values()
            .iter()
            .filter(|v| !matches!(v, Const::Str(s) if s.chars().count() > max_chars))
            .map(Const::to_string)
            .collect()
    }

    /// Whether `pred(args)` is a fact written in the knowledge base (not derived).
    pub fn is_written_fact(&self, pred: &str, args: &[Const]) -> bool {
        self.checked.program.clauses.iter().any(|c| {
            c.is_fact()
                && c.head.pred == pred
                && c.head.args.len() == args.len()
                && c.head
                    .args
                    .iter()
                    .zip(args)
                    .all(|(t, v)| matches!(t, crate::syntax::Term::Const(c) if c == v))
        })
    }

    /// Whether `pred(args)` is a fact read from an input (an inventory CSV, a `--facts` file,
    /// a file or table an `input` declaration names): one that `retract` can set aside as it
    /// does a written fact.
    pub fn is_read_fact(&self, pred: &str, args: &[Const]) -> bool {
        let pred = Pred::user(pred);
        if !self.fact_files.contains_key(&pred) {
            return false;
        }
        let Some(ids) = args
            .iter()
            .map(|c| self.interner.get(c))
            .collect::<Option<Vec<_>>>()
        else {
            return false;
        };
        self.model
            .relation(&pred)
            .is_some_and(|r| r.rows().any(|row| row == ids.as_slice()))
    }

    /// Whether `retract` can set `pred(args)` aside: a fact written or read, not derived.
    pub fn is_retractable_fact(&self, pred: &str, args: &[Const]) -> bool {
        self.is_written_fact(pred, args) || self.is_read_fact(pred, args)
    }
}
