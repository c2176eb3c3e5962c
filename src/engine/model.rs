//! The model: the relations an evaluation derived, each tuple with its *height* — the round
//! in which it was first derived (0 for facts). A tuple's premises in its first derivation
//! all have smaller heights, which is what lets the explainer rebuild a minimal-height proof
//! top-down without recording derivations during evaluation.

use crate::ir::{Id, Pred, Row};
use std::collections::BTreeMap;

/// The tuples of one predicate, sorted, with their heights, stored flat: tuple `i` is
/// `data[i * arity .. (i + 1) * arity]` (4 bytes a column, plus 4 for the height).
#[derive(Debug, Clone, Default)]
pub struct Relation {
    arity: usize,
    len: usize,
    data: Vec<Id>,
    heights: Vec<u32>,
}

impl Relation {
    /// Builds a relation of `arity` columns from `(row, height)` pairs in any order; a row
    /// given twice keeps its smallest height. Rows must have `arity` columns.
    pub fn from_log(arity: usize, mut log: Vec<(Row, u32)>) -> Self {
        log.sort();
        log.dedup_by(|later, first| later.0 == first.0);
        let mut r = Relation {
            arity,
            len: 0,
            data: Vec::with_capacity(log.len() * arity),
            heights: Vec::with_capacity(log.len()),
        };
        for (row, h) in log {
            debug_assert_eq!(row.len(), arity);
            r.push(&row, h);
        }
        r
    }

    /// Builds a relation from rows already sorted and distinct, with their heights.
    pub fn from_sorted(arity: usize, rows: impl Iterator<Item = (impl AsRef<[Id]>, u32)>) -> Self {
        let mut r = Relation {
            arity,
            len: 0,
            data: Vec::new(),
            heights: Vec::new(),
        };
        for (row, h) in rows {
            r.push(row.as_ref(), h);
        }
        r
    }

    fn push(&mut self, row: &[Id], h: u32) {
        self.data.extend_from_slice(row);
        self.heights.push(h);
        self.len += 1;
    }

    /// Number of columns.
    pub fn arity(&self) -> usize {
        self.arity
    }

    /// Tuple `i` (0-based, in sorted order).
    pub fn row(&self, i: usize) -> &[Id] {
        &self.data[i * self.arity..(i + 1) * self.arity]
    }

    /// The tuples, sorted.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[Id]> + Clone {
        (0..self.len).map(move |i| self.row(i))
    }

    /// Number of tuples.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no tuples.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes the tuples and heights take.
    pub fn bytes(&self) -> usize {
        (self.data.capacity() + self.heights.capacity()) * 4
    }

    fn find(&self, row: &[Id]) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.row(mid).cmp(row) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The tuples whose first columns equal `prefix`, as a range of indices.
    pub fn prefix_range(&self, prefix: &[Id]) -> std::ops::Range<usize> {
        let n = prefix.len().min(self.arity);
        let first = |pred: &dyn Fn(&[Id]) -> bool| {
            let (mut lo, mut hi) = (0, self.len);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if pred(&self.row(mid)[..n]) {
                    lo = mid + 1
                } else {
                    hi = mid
                }
            }
            lo
        };
        let lo = first(&|r| r < &prefix[..n]);
        let hi = first(&|r| r <= &prefix[..n]);
        lo..hi
    }

    /// Whether `row` is a tuple.
    pub fn contains(&self, row: &[Id]) -> bool {
        self.find(row).is_some()
    }

    /// The height of `row`, if it is a tuple.
    pub fn height(&self, row: &[Id]) -> Option<u32> {
        self.find(row).map(|i| self.heights[i])
    }

    /// Gives each tuple that `base` also holds `base`'s height when it is lower: a
    /// re-evaluation over a model numbers its rounds after the model's, so a tuple it derives
    /// again keeps the height of its first derivation (which the explainer's proofs follow).
    pub fn lower_heights_to(&mut self, base: &Relation) {
        for i in 0..self.len {
            let row = &self.data[i * self.arity..(i + 1) * self.arity];
            if let Some(h) = base.height(row)
                && h < self.heights[i]
            {
                self.heights[i] = h;
            }
        }
    }

    /// The height of tuple `i`.
    pub fn height_at(&self, i: usize) -> u32 {
        self.heights[i]
    }

    /// `(row, height)` pairs, sorted by row.
    pub fn iter(&self) -> impl Iterator<Item = (&[Id], u32)> {
        (0..self.len).map(move |i| (self.row(i), self.heights[i]))
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
    /// Relations by predicate.
    pub relations: BTreeMap<Pred, Relation>,
    /// The largest height in this model (and in the model it extends).
    pub max_height: u32,
    /// Warnings, at most one per rule.
    pub warnings: Vec<EvalWarning>,
}

impl Model {
    /// The relation of `pred`, if this model holds it.
    pub fn relation(&self, pred: &Pred) -> Option<&Relation> {
        self.relations.get(pred)
    }

    /// The relations of the user's predicates, by name (demand and query relations aside).
    pub fn user_relations(&self) -> impl Iterator<Item = (&str, &Relation)> {
        self.relations
            .iter()
            .filter_map(|(p, r)| p.user_name().map(|n| (n, r)))
    }

    /// Total number of tuples.
    pub fn tuple_count(&self) -> usize {
        self.relations.values().map(Relation::len).sum()
    }

    /// Bytes the relations take.
    pub fn bytes(&self) -> usize {
        self.relations.values().map(Relation::bytes).sum()
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
    pub fn relation(&self, pred: &Pred) -> Option<&'a Relation> {
        self.top
            .and_then(|t| t.relation(pred))
            .or_else(|| self.base.relation(pred))
    }

    /// The height of a tuple, if it holds.
    pub fn height(&self, pred: &Pred, row: &[Id]) -> Option<u32> {
        self.relation(pred).and_then(|r| r.height(row))
    }
}
