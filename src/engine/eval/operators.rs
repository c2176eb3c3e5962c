//! The operators of a stratum's loop: a shared keyed index fed from a predicate's new
//! tuples, and a rule segment (a scan, a keyed join or an antijoin, then the segment's
//! filters and assignments) whose rows go to the next segment's keyed input or to the head.
//!
//! The joins are a merge join over datafrog's sorted batches (`recent` × all `stable`, then
//! old × `recent`), written here rather than using datafrog's `from_join` so that an
//! operator can stop in the middle when a limit is reached; the antijoin is a merge of the
//! sorted new rows with the sorted keys of a relation of a lower stratum.

use super::limits::Guard;
use crate::engine::par::Par;
use crate::engine::tuple::Tuple;
use crate::ir::{Id, Interner};
use crate::plan::{AtomShape, Boundary, HeadArg, Transform};
use datafrog::{Relation as DfRelation, Variable};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// A datafrog variable of keyed rows: each row the key's columns followed by the value's,
/// packed as one tuple (the program's packing holds both), so that rows sort by key and a
/// keyed row takes the bytes of a plain one, not two.
pub(super) type Keyed<R> = Variable<R>;

/// One operator of a stratum's loop.
pub(super) enum Op<R: Tuple> {
    /// Feeds a shared keyed index from its predicate's new tuples.
    Index {
        src: Variable<R>,
        shape: AtomShape,
        out: Keyed<R>,
    },
    /// A segment of a rule.
    Segment {
        rule: usize,
        input: Input<R>,
        transforms: Vec<Transform>,
        sink: Sink<R>,
    },
}

/// Where a segment's rows come from.
pub(super) enum Input<R: Tuple> {
    /// Tuples of an atom.
    Scan { src: Variable<R>, shape: AtomShape },
    /// One empty row (a rule whose body starts with a filter).
    Unit { src: Variable<R> },
    /// Keyed rows joined with an atom's keyed index.
    Join {
        left: Keyed<R>,
        right: Keyed<R>,
        key: usize,
        rest: usize,
        new: usize,
        /// Drop `left`'s old rows once `right` can change no more (see `build`).
        forget_left: bool,
    },
    /// Keyed rows with no matching key in a relation of a lower stratum.
    Anti {
        left: Keyed<R>,
        rel: Vec<R>,
        key: usize,
        rest: usize,
        /// Drop `left`'s old rows (an antijoin reads only the new ones).
        forget_left: bool,
    },
}

/// Where a segment's rows go.
pub(super) enum Sink<R: Tuple> {
    /// The next segment's keyed input.
    Keyed { out: Keyed<R>, boundary: Boundary },
    /// The head predicate.
    Head {
        out: Variable<R>,
        head: Vec<HeadArg>,
    },
}

/// What every operator shares while a stratum runs.
pub(super) struct Ctx<'a> {
    pub(super) interner: &'a RefCell<Interner>,
    pub(super) warnings: &'a RefCell<BTreeMap<usize, String>>,
    pub(super) guard: &'a Guard<'a>,
    /// Where a large batch of rows is sorted.
    pub(super) par: &'a Par,
    /// The aggregate tables of the strata run so far.
    pub(super) tables: RefCell<HashMap<super::aggregates::TableKey, super::aggregates::Table>>,
}

fn sink_push<R: Tuple>(sink: &Sink<R>, buf: &[Id], rows: &mut Vec<R>) {
    match sink {
        Sink::Keyed { boundary, .. } => rows.push(R::pack(
            boundary.key.iter().chain(&boundary.rest).map(|&s| buf[s]),
        )),
        Sink::Head { head, .. } => rows.push(R::pack(head.iter().map(|h| match h {
            HeadArg::Slot(s) => buf[*s],
            HeadArg::Const(c) => *c,
        }))),
    }
}

fn sink_flush<R: Tuple>(sink: &Sink<R>, rows: Vec<R>, par: &Par) {
    match sink {
        Sink::Keyed { out, .. } | Sink::Head { out, .. } => out.insert(relation(rows, par)),
    }
}

/// A datafrog relation of `rows`, sorted and distinct: datafrog's own sort on one thread, the
/// same rows sorted on `par`'s threads when there are many.
fn relation<T: Ord + Send>(mut rows: Vec<T>, par: &Par) -> DfRelation<T> {
    if rows.capacity() > 2 * rows.len() {
        rows.shrink_to_fit();
    }
    if par.is_parallel(rows.len()) {
        par.sort_dedup(&mut rows);
        DfRelation { elements: rows }
    } else {
        DfRelation::from_vec(rows)
    }
}

/// Merge-joins two sorted runs of keyed rows on their first `key` columns, calling `f` on
/// each matching pair until it returns false; returns false if it stopped early.
fn join_runs<R: Tuple>(a: &[R], b: &[R], key: usize, mut f: impl FnMut(&R, &R) -> bool) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp_prefix(&b[j], key) {
            Less => i += gallop(&a[i..], |x| x.cmp_prefix(&b[j], key) == Less),
            Greater => j += gallop(&b[j..], |x| x.cmp_prefix(&a[i], key) == Less),
            Equal => {
                let ca = a[i..]
                    .iter()
                    .take_while(|x| x.cmp_prefix(&a[i], key) == Equal);
                let cb = b[j..]
                    .iter()
                    .take_while(|x| x.cmp_prefix(&b[j], key) == Equal);
                let (ca, cb) = (ca.count(), cb.count());
                for x in &a[i..i + ca] {
                    for y in &b[j..j + cb] {
                        if !f(x, y) {
                            return false;
                        }
                    }
                }
                i += ca;
                j += cb;
            }
        }
    }
    true
}

/// Number of leading elements of `s` for which `less` holds (it holds on a prefix):
/// exponential steps, then binary search, as datafrog's own gallop.
fn gallop<T>(s: &[T], less: impl Fn(&T) -> bool) -> usize {
    if s.first().is_none_or(|x| !less(x)) {
        return 0;
    }
    let (mut lo, mut step) = (0, 1);
    while lo + step < s.len() && less(&s[lo + step]) {
        lo += step;
        step <<= 1;
    }
    let (mut l, mut hi) = (lo + 1, (lo + step).min(s.len()));
    while l < hi {
        let mid = (l + hi) / 2;
        if less(&s[mid]) { l = mid + 1 } else { hi = mid }
    }
    l
}

impl Ctx<'_> {
    /// Runs one operator over the rows that are new since the last round.
    pub(super) fn run<R: Tuple>(
        &self,
        op: &Op<R>,
        buf: &mut Vec<Id>,
        scratch: &mut (Vec<Id>, Vec<Id>),
    ) {
        let (rule, input, transforms, sink) = match op {
            Op::Index { src, shape, out } => {
                let (key, new) = scratch;
                // At most one entry a row: allocated once, not grown by copies.
                let mut rows = Vec::with_capacity(src.recent.borrow().len());
                for r in src.recent.borrow().iter() {
                    buf.clear();
                    r.unpack_into(shape.pats.len(), buf);
                    if shape.split(buf, key, new) {
                        rows.push(R::pack(key.iter().chain(new.iter()).copied()));
                    }
                }
                out.insert(relation(rows, self.par));
                return;
            }
            Op::Segment {
                rule,
                input,
                transforms,
                sink,
            } => (*rule, input, transforms, sink),
        };
        let mut rows = Vec::new();
        let mut emit = |buf: &mut Vec<Id>| {
            if self.apply(transforms, buf, rule) {
                if !self.guard.tick() {
                    return false;
                }
                sink_push(sink, buf, &mut rows);
            }
            true
        };
        match input {
            Input::Scan { src, shape } => {
                let (key, new) = scratch;
                for r in src.recent.borrow().iter() {
                    buf.clear();
                    r.unpack_into(shape.pats.len(), buf);
                    if shape.split(buf, key, new) {
                        buf.clear();
                        buf.extend_from_slice(new);
                        if !emit(buf) {
                            break;
                        }
                    }
                }
            }
            Input::Unit { src } => {
                if !src.recent.borrow().is_empty() {
                    buf.clear();
                    emit(buf);
                }
            }
            Input::Join {
                left,
                right,
                key,
                rest,
                new,
                forget_left,
            } => {
                let (key, rest, new) = (*key, *rest, *new);
                let mut each = |l: &R, r: &R| {
                    buf.clear();
                    l.unpack_into(key + rest, buf);
                    r.unpack_range(key, key + new, buf);
                    emit(buf)
                };
                // Semi-naive: new left × all right, old left × new right.
                let lr = left.recent.borrow();
                let rr = right.recent.borrow();
                let go = right
                    .stable
                    .borrow()
                    .iter()
                    .all(|batch| join_runs(&lr, batch, key, &mut each))
                    && left
                        .stable
                        .borrow()
                        .iter()
                        .all(|batch| join_runs(batch, &rr, key, &mut each));
                if go {
                    join_runs(&lr, &rr, key, &mut each);
                }
                // `right` comes from a lower stratum: once its rows have all been recent,
                // `left`'s old rows have met every row they ever will.
                if *forget_left && rr.is_empty() && !right.stable.borrow().is_empty() {
                    left.stable.borrow_mut().clear();
                }
            }
            Input::Anti {
                left,
                rel,
                key,
                rest,
                forget_left,
            } => {
                if *forget_left {
                    left.stable.borrow_mut().clear();
                }
                // Both sides are sorted by key: one pass through `rel`, galloping over the
                // keys no row has (a binary search per row missed the cache at every step).
                let mut keys = &rel[..];
                for row in left.recent.borrow().iter() {
                    let k = row.prefix(*key);
                    keys = &keys[gallop(keys, |x| *x < k)..];
                    if keys.first() != Some(&k) {
                        buf.clear();
                        row.unpack_into(*key + *rest, buf);
                        if !emit(buf) {
                            break;
                        }
                    }
                }
            }
        }
        sink_flush(sink, rows, self.par);
    }
}
