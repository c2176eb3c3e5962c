//! The model: the relations an evaluation derived, each tuple with its *height* — the round
//! in which it was first derived (0 for facts). A tuple's premises in its first derivation
//! all have smaller heights, which is what lets the explainer rebuild a minimal-height proof
//! top-down without recording derivations during evaluation.

use super::FactTable;
use super::par::Par;
use super::tuple::Tuple;
use crate::ir::{Const, Id, Pred, Row};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// The tuples of one predicate, sorted, with their heights, stored flat: tuple `i` is
/// `data[i * arity .. (i + 1) * arity]` (4 bytes a column, plus 4 for the height).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
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

    /// Builds a relation of `arity` columns from facts (height 0) in any order, duplicates
    /// dropped. Rows of up to four columns are packed into one integer for the sort, so a
    /// large file of facts sorts as integers, not as vectors.
    pub fn from_facts(arity: usize, rows: &FactTable) -> Self {
        Self::from_facts_on(arity, rows, &Par::default())
    }

    /// As [`Relation::from_facts`], sorting on the threads of `par` when there are many rows
    /// (the same relation on any number of threads).
    pub fn from_facts_on(arity: usize, rows: &FactTable, par: &Par) -> Self {
        match arity {
            0..=2 => Self::from_packed::<u64>(arity, rows, par),
            3..=4 => Self::from_packed::<u128>(arity, rows, par),
            _ => Self::from_log(arity, rows.iter().map(|r| (r.to_vec(), 0)).collect()),
        }
    }

    fn from_packed<T: Tuple + Copy>(arity: usize, rows: &FactTable, par: &Par) -> Self {
        let mut packed: Vec<T> = rows
            .iter()
            .map(|r| {
                debug_assert_eq!(r.len(), arity);
                T::pack(r.iter().copied())
            })
            .collect();
        par.sort_unstable_dedup(&mut packed);
        // Unpacked straight into the columns: a copy call per row was a tenth of loading
        // 2.5M rows of facts.
        let mut data = Vec::with_capacity(packed.len() * arity);
        for t in &packed {
            t.unpack_into(arity, &mut data);
        }
        Relation {
            arity,
            len: packed.len(),
            data,
            // Allocated zeroed rather than written: fresh pages of zeros take no memory
            // until they are written.
            heights: vec![0; packed.len()],
        }
    }

    /// An empty relation of `arity` columns with room for `n` tuples, to be filled in order
    /// by [`Relation::push_sorted`].
    pub fn with_capacity(arity: usize, n: usize) -> Self {
        Relation {
            arity,
            len: 0,
            data: Vec::with_capacity(n * arity),
            heights: Vec::with_capacity(n),
        }
    }

    /// Appends a tuple greater than every tuple so far, with its height.
    pub fn push_sorted(&mut self, row: &[Id], h: u32) {
        debug_assert_eq!(row.len(), self.arity);
        debug_assert!(self.len == 0 || self.row(self.len - 1) < row);
        self.push(row, h);
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

    /// Builds a relation from sorted, distinct rows written in pieces, on the threads of
    /// `par`: piece `k` writes at most `caps[k]` rows into the column and height slices it is
    /// given and returns how many it wrote, and every row of piece `k` is smaller than every
    /// row of piece `k + 1`. The pieces are then closed up in order, so the relation does not
    /// depend on which thread wrote which piece.
    pub(crate) fn from_pieces(
        arity: usize,
        caps: &[usize],
        par: &Par,
        fill: impl Fn(usize, &mut [Id], &mut [u32]) -> usize + Sync + Send,
    ) -> Self {
        let total: usize = caps.iter().sum();
        let mut data = vec![0; total * arity];
        let mut heights = vec![0; total];
        let mut chunks = Vec::with_capacity(caps.len());
        let (mut d, mut h) = (&mut data[..], &mut heights[..]);
        for (k, &c) in caps.iter().enumerate() {
            let (d1, d2) = d.split_at_mut(c * arity);
            let (h1, h2) = h.split_at_mut(c);
            chunks.push((k, d1, h1));
            (d, h) = (d2, h2);
        }
        let written = par.map(total, chunks, |(k, d, h)| fill(k, d, h).min(caps[k]));
        let (mut len, mut start) = (0, 0);
        for (&c, &n) in caps.iter().zip(&written) {
            data.copy_within(start * arity..(start + n) * arity, len * arity);
            heights.copy_within(start..start + n, len);
            len += n;
            start += c;
        }
        data.truncate(len * arity);
        heights.truncate(len);
        Relation {
            arity,
            len,
            data,
            heights,
        }
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EvalWarning {
    /// Index of the rule in the evaluated program.
    pub rule: usize,
    /// What happened, with an example binding.
    pub message: String,
}

/// The relations one evaluation derived.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
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

/// One lookup of a top-down reading: a predicate and the columns it bound, by position,
/// with their values (none bound: every tuple of the predicate).
pub type Demand = (Pred, Vec<(usize, Const)>);

/// The lookups a top-down reading (proofs, why-not, the checker) made of a model, recorded
/// as it makes them. A model fetched from a database in part answers a reading exactly as
/// the whole model would once it holds every tuple of every lookup the reading made.
#[derive(Debug, Clone, Default)]
pub struct Demands(RefCell<BTreeSet<Demand>>);

impl Demands {
    /// Records a lookup of `pred` with the columns `bound` given.
    pub fn record(&self, pred: &Pred, bound: Vec<(usize, Const)>) {
        self.0.borrow_mut().insert((pred.clone(), bound));
    }

    /// Every lookup recorded so far.
    pub fn all(&self) -> BTreeSet<Demand> {
        self.0.borrow().clone()
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
    /// Where the lookups of a top-down reading are recorded (`None`: they are not).
    pub demands: Option<&'a Demands>,
}

impl<'a> Layered<'a> {
    /// A model over `base` (and `top`), recording no lookup.
    pub fn new(base: &'a Model, top: Option<&'a Model>) -> Self {
        Layered {
            base,
            top,
            demands: None,
        }
    }

    /// Records a lookup of `pred` with the columns `bound` given (when lookups are recorded).
    pub fn demand(&self, pred: &Pred, bound: Vec<(usize, Const)>) {
        if let Some(d) = self.demands {
            d.record(pred, bound);
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_sort_and_dedup_as_the_height_log_does() {
        for arity in [0, 1, 2, 3, 4, 5] {
            let rows: Vec<Row> = (0..40u32)
                .map(|i| (0..arity as u32).map(|c| (i * 7 + c * 3) % 11).collect())
                .collect();
            let packed = Relation::from_facts(arity, &FactTable::from_rows(arity, &rows));
            let logged = Relation::from_log(arity, rows.into_iter().map(|r| (r, 0)).collect());
            let a: Vec<(Vec<Id>, u32)> = packed.iter().map(|(r, h)| (r.to_vec(), h)).collect();
            let b: Vec<(Vec<Id>, u32)> = logged.iter().map(|(r, h)| (r.to_vec(), h)).collect();
            assert_eq!(a, b, "arity {arity}");
            assert!(a.len() <= 11 && !a.is_empty());
        }
    }
}
