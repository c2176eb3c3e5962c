//! The model: the relations an evaluation derived, each tuple with its *height* — the round
//! in which it was first derived (0 for facts). A tuple's premises in its first derivation
//! all have smaller heights, which is what lets the explainer rebuild a minimal-height proof
//! top-down without recording derivations during evaluation.

use super::intern::{Id, Row};
use std::collections::BTreeMap;

/// The tuples of one predicate, sorted, with their heights.
#[derive(Debug, Clone, Default)]
pub struct Relation {
    rows: Vec<Row>,
    heights: Vec<u32>,
}

impl Relation {
    /// Builds a relation from `(row, height)` pairs in any order; a row given twice keeps its
    /// smallest height.
    pub fn from_log(mut log: Vec<(Row, u32)>) -> Self {
        log.sort_unstable();
        log.dedup_by(|later, first| later.0 == first.0);
        let (rows, heights) = log.into_iter().unzip();
        Relation { rows, heights }
    }

    /// The tuples, sorted.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Number of tuples.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there are no tuples.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether `row` is a tuple.
    pub fn contains(&self, row: &[Id]) -> bool {
        self.height(row).is_some()
    }

    /// The height of `row`, if it is a tuple.
    pub fn height(&self, row: &[Id]) -> Option<u32> {
        self.rows
            .binary_search_by(|r| r.as_slice().cmp(row))
            .ok()
            .map(|i| self.heights[i])
    }

    /// `(row, height)` pairs, sorted by row.
    pub fn iter(&self) -> impl Iterator<Item = (&Row, u32)> {
        self.rows.iter().zip(self.heights.iter().copied())
    }
}

/// A warning raised during evaluation (arithmetic overflow, a pattern that does not compile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalWarning {
    /// Index of the rule in the evaluated program.
    pub rule: usize,
    /// What happened, with an example binding.
    pub message: String,
}

/// The relations one evaluation derived.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Relations by predicate name.
    pub relations: BTreeMap<String, Relation>,
    /// The largest height in this model (and in the model it extends).
    pub max_height: u32,
    /// Warnings, at most one per rule.
    pub warnings: Vec<EvalWarning>,
}

impl Model {
    /// The relation of `pred`, if this model holds it.
    pub fn relation(&self, pred: &str) -> Option<&Relation> {
        self.relations.get(pred)
    }

    /// Total number of tuples.
    pub fn tuple_count(&self) -> usize {
        self.relations.values().map(Relation::len).sum()
    }
}

/// A model layered on another: relations of `top` hide those of `base` with the same name.
/// Questions evaluate goal-directed rules into a small `top` over the knowledge base's model.
#[derive(Debug, Clone, Copy)]
pub struct Layered<'a> {
    /// The knowledge base's model.
    pub base: &'a Model,
    /// What a question derived on top of it.
    pub top: Option<&'a Model>,
}

impl<'a> Layered<'a> {
    /// The relation of `pred`, from `top` first.
    pub fn relation(&self, pred: &str) -> Option<&'a Relation> {
        self.top
            .and_then(|t| t.relation(pred))
            .or_else(|| self.base.relation(pred))
    }

    /// The height of a tuple, if it holds.
    pub fn height(&self, pred: &str, row: &[Id]) -> Option<u32> {
        self.relation(pred).and_then(|r| r.height(row))
    }
}
