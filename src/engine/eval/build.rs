//! From plans to operators: one datafrog variable per predicate of the stratum (facts
//! loaded), predicates of lower strata entered once, one keyed index per atom shape shared
//! by every rule that reads it, and one operator per segment.
//!
//! A keyed row between two segments that keeps no history (no dedup) is only read by the
//! next segment; when that segment is an antijoin, or a join with a relation of a lower
//! stratum whose rows have all been seen, the old rows can never join again and are
//! dropped (`forget_left`): otherwise a rule such as `tc(X, Z) :- tc(X, Y), edge(Y, Z)`
//! would keep a second, re-keyed copy of `tc` for nothing.

use super::operators::{Input, Keyed, Op, Sink};
use crate::engine::model::Layered;
use crate::engine::tuple::Tuple;
use crate::ir::Pred;
use crate::plan::{AtomShape, Pat, RulePlan, Segment, Start};
use datafrog::{Iteration, Variable};
use std::collections::{BTreeSet, HashMap};

/// The operators of one stratum and the variables they write.
pub(super) struct Built<R: Tuple> {
    /// Every predicate's variable (the stratum's own and those it reads).
    pub vars: HashMap<Pred, Variable<R>>,
    /// In the order they run each round.
    pub ops: Vec<Op<R>>,
}

/// Builds the operators of the rules of `plans` whose head is in `preds`.
///
/// `vars` holds the stratum's own predicates (with their facts); a predicate of a lower
/// stratum gets a variable filled once from `layered`.
pub(super) fn build<R: Tuple>(
    iteration: &mut Iteration,
    mut vars: HashMap<Pred, Variable<R>>,
    plans: &[RulePlan],
    preds: &BTreeSet<&Pred>,
    layered: Layered<'_>,
) -> Built<R> {
    let mut ops: Vec<Op<R>> = Vec::new();
    let mut indexes: HashMap<AtomShape, Keyed<R>> = HashMap::new();
    for plan in plans.iter().filter(|pl| preds.contains(&pl.head_pred)) {
        let mut prev: Option<Keyed<R>> = None;
        // Whether `prev` keeps no history of its own (no dedup), so that rows it no longer
        // needs can be dropped.
        let mut prev_indistinct = false;
        let n = plan.segments.len();
        for (k, seg) in plan.segments.iter().enumerate() {
            let input = match &seg.start {
                Start::Scan(shape) => Input::Scan {
                    src: pred_var(&shape.pred, iteration, &mut vars, layered),
                    shape: shape.clone(),
                },
                Start::Unit => {
                    let unit = iteration.variable::<R>("unit");
                    unit.extend([R::pack(std::iter::empty())]);
                    Input::Unit { src: unit }
                }
                Start::Join(shape) => {
                    let right = index(shape, iteration, &mut vars, &mut indexes, &mut ops, layered);
                    Input::Join {
                        left: prev.take().unwrap_or_else(|| iteration.variable("empty")),
                        right,
                        key: shape.key_width(),
                        rest: seg.width - shape.key_width() - shape.new_width(),
                        new: shape.new_width(),
                        forget_left: prev_indistinct && !preds.contains(&shape.pred),
                    }
                }
                Start::Anti(shape) => Input::Anti {
                    left: prev.take().unwrap_or_else(|| iteration.variable("empty")),
                    rel: anti_keys(shape, layered),
                    key: shape.key_width(),
                    rest: seg.width - shape.key_width(),
                    forget_left: prev_indistinct,
                },
            };
            let sink = match &seg.next {
                Some(boundary) if k + 1 < n => {
                    let name = format!("rule {} segment {k}", plan.rule);
                    prev_indistinct = keeps_all(seg, boundary);
                    let kv = if prev_indistinct {
                        iteration.variable_indistinct::<R>(&name)
                    } else {
                        iteration.variable::<R>(&name)
                    };
                    prev = Some(kv.clone());
                    Sink::Keyed {
                        out: kv,
                        boundary: boundary.clone(),
                    }
                }
                _ => Sink::Head {
                    out: pred_var(&plan.head_pred, iteration, &mut vars, layered),
                    head: plan.head.clone(),
                },
            };
            ops.push(Op::Segment {
                rule: plan.rule,
                input,
                transforms: seg.transforms.clone(),
                sink,
            });
        }
    }
    Built { vars, ops }
}

/// Rows that keep every column of their segment cannot repeat unless the segment's input
/// did, so datafrog's dedup against their history can be skipped; the head dedups.
fn keeps_all(seg: &Segment, boundary: &crate::plan::Boundary) -> bool {
    let assigned = seg.transforms.iter().filter(|t| t.appends()).count();
    boundary.key.len() + boundary.rest.len() >= seg.width + assigned
}

/// The variable of `pred`: the stratum's own, or one filled once from a lower stratum.
fn pred_var<R: Tuple>(
    pred: &Pred,
    iteration: &mut Iteration,
    vars: &mut HashMap<Pred, Variable<R>>,
    layered: Layered<'_>,
) -> Variable<R> {
    vars.entry(pred.clone())
        .or_insert_with(|| {
            let v = iteration.variable::<R>(&pred.to_string());
            if let Some(rel) = layered.relation(pred) {
                v.extend(rel.rows().map(|r| R::pack(r.iter().copied())));
            }
            v
        })
        .clone()
}

/// The shared keyed index of an atom shape, made (with its feeding operator) on first use.
fn index<R: Tuple>(
    shape: &AtomShape,
    iteration: &mut Iteration,
    vars: &mut HashMap<Pred, Variable<R>>,
    indexes: &mut HashMap<AtomShape, Keyed<R>>,
    ops: &mut Vec<Op<R>>,
    layered: Layered<'_>,
) -> Keyed<R> {
    if let Some(ix) = indexes.get(shape) {
        return ix.clone();
    }
    let src = pred_var(&shape.pred, iteration, vars, layered);
    // An index that drops no column maps distinct tuples to distinct entries: skip
    // datafrog's dedup against its history.
    let name = format!("index of {}", shape.pred);
    let ix = if shape.pats.iter().any(|p| matches!(p, Pat::Any)) {
        iteration.variable::<R>(&name)
    } else {
        iteration.variable_indistinct::<R>(&name)
    };
    ops.push(Op::Index {
        src,
        shape: shape.clone(),
        out: ix.clone(),
    });
    indexes.insert(shape.clone(), ix.clone());
    ix
}

/// The sorted, distinct keys of a negated atom's relation (a lower stratum, complete).
fn anti_keys<R: Tuple>(shape: &AtomShape, layered: Layered<'_>) -> Vec<R> {
    let mut rel: Vec<R> = Vec::new();
    let (mut key, mut new) = (Vec::new(), Vec::new());
    if let Some(r) = layered.relation(&shape.pred) {
        for row in r.rows() {
            if shape.split(row, &mut key, &mut new) {
                rel.push(R::pack(key.iter().copied()));
            }
        }
    }
    rel.sort();
    rel.dedup();
    rel
}
