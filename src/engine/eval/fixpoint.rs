//! The semi-naive loop of one stratum, and its height log turned into the model's
//! relations.
//!
//! Heights: after each `Iteration::changed`, the recent tuples of the stratum's predicates
//! are logged with the global round number; a tuple first appears as recent in the round
//! after all its premises did, so heights strictly increase along every first derivation.
//! The log replaces datafrog's final merge: sorting it (a merge of sorted runs) gives the
//! model.

use super::Program;
use super::build::build;
use super::limits::{EvalError, Guard};
use super::operators::Ctx;
use crate::engine::model::{Layered, Relation};
use crate::engine::tuple::Tuple;
use crate::ir::{Interner, Pred};
use crate::source::timings::phase;
use datafrog::{Iteration, Variable};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Evaluates one stratum to its fixpoint over `layered` (lower strata and the base model);
/// returns its relations and the last round number.
pub(super) fn stratum<R: Tuple>(
    p: &Program<'_>,
    preds: &BTreeSet<&Pred>,
    layered: Layered<'_>,
    first_round: u32,
    ctx: &Ctx<'_>,
    guard: &Guard<'_>,
) -> Result<(BTreeMap<Pred, Relation>, u32), EvalError> {
    let mut iteration = Iteration::new();
    let mut vars: HashMap<Pred, Variable<R>> = HashMap::new();
    let mut logs: BTreeMap<&Pred, Vec<(R, u32)>> = BTreeMap::new();
    for &pred in preds {
        let v = iteration.variable::<R>(&pred.to_string());
        let fs: Vec<R> = p
            .facts
            .get(pred)
            .map(|f| f.iter().map(|r| R::pack(r.iter().copied())).collect())
            .unwrap_or_default();
        logs.insert(pred, fs.iter().map(|r| (r.clone(), 0)).collect());
        v.extend(fs);
        vars.insert(pred.clone(), v);
    }
    super::aggregates::prepare(ctx, p.plans, preds, layered);
    let built = build::<R>(&mut iteration, vars, p.plans, preds, layered);
    let mut buf = Vec::new();
    let mut scratch = (Vec::new(), Vec::new());
    let mut round = first_round;
    let looping = phase(|| "semi-naive rounds".into());
    while iteration.changed() {
        round += 1;
        let mut new = 0;
        for &pred in preds {
            let recent = built.vars[pred].recent.borrow();
            new += recent.len();
            if p.config.heights
                && !recent.is_empty()
                && let Some(log) = logs.get_mut(pred)
            {
                log.extend(recent.iter().map(|r| (r.clone(), round)));
            }
        }
        guard.account(new)?;
        for op in &built.ops {
            ctx.run(op, &mut buf, &mut scratch);
            guard.check()?;
        }
    }
    drop(looping);
    let _building = phase(|| "relations from the height log".into());
    let mut out = BTreeMap::new();
    for (pred, mut log) in logs {
        if !p.config.heights {
            // Without heights, datafrog's own merge gives the rows (all at height 0).
            log = built.vars[pred]
                .clone()
                .complete()
                .elements
                .into_iter()
                .map(|r| (r, 0))
                .collect();
        }
        // Runs of sorted rows: a stable sort merges them; a row keeps its first height.
        log.sort_by(|a, b| a.0.cmp(&b.0));
        log.dedup_by(|later, first| later.0 == first.0);
        let n = p.arity.get(pred).copied().unwrap_or(0);
        let mut row = Vec::with_capacity(n);
        let rel = Relation::from_sorted(
            n,
            log.iter().map(|(r, h)| {
                row.clear();
                r.unpack_into(n, &mut row);
                (row.clone(), *h)
            }),
        );
        out.insert(pred.clone(), rel);
    }
    Ok((out, round))
}

/// The shared state of the operators of one evaluation.
pub(super) fn context<'a>(
    interner: &'a RefCell<Interner>,
    warnings: &'a RefCell<BTreeMap<usize, String>>,
    guard: &'a Guard<'a>,
) -> Ctx<'a> {
    Ctx {
        interner,
        warnings,
        guard,
        tables: Default::default(),
    }
}
