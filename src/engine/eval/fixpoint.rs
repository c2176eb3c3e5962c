//! The semi-naive loop of one stratum, and its height log turned into the model's
//! relations.
//!
//! Heights: after each `Iteration::changed`, the recent tuples of the stratum's predicates
//! are logged with the global round number; a tuple first appears as recent in the round
//! after all its premises did, so heights strictly increase along every first derivation.
//! The log is one sorted run of rows per round (the round's height stored once per run, not
//! per row); it replaces datafrog's final merge: once the stratum's variables are dropped,
//! merging the runs gives the model directly, a row keeping the height of its first run.

use super::Program;
use super::build::build;
use super::limits::{EvalError, Guard};
use super::merge::merge_runs;
use super::operators::Ctx;
use crate::engine::model::{Layered, Relation};
use crate::engine::par::Par;
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
    let mut logs: BTreeMap<&Pred, HeightLog<R>> = BTreeMap::new();
    for &pred in preds {
        let v = iteration.variable::<R>(&pred.to_string());
        let mut fs: Vec<R> = p
            .facts
            .get(pred)
            .map(|f| f.iter().map(|r| R::pack(r.iter().copied())).collect())
            .unwrap_or_default();
        p.par.sort_unstable_dedup(&mut fs);
        let mut log = HeightLog::default();
        if p.config.heights {
            log.push_run(fs.iter().cloned(), 0);
        }
        logs.insert(pred, log);
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
                log.push_run(recent.iter().cloned(), round);
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
    if !p.config.heights {
        // Without heights, datafrog's own merge gives the rows (all at height 0).
        for (pred, log) in logs.iter_mut() {
            let rows = built.vars[*pred].clone().complete().elements;
            log.push_run(rows.into_iter(), 0);
        }
    }
    // The variables, their batches and the keyed copies are not needed any more: free them
    // before the model is built beside the log.
    drop(built);
    drop(iteration);
    let mut out = BTreeMap::new();
    for (pred, log) in logs {
        let n = p.arity.get(pred).copied().unwrap_or(0);
        out.insert(pred.clone(), log.into_relation(n, &p.par));
    }
    Ok((out, round))
}

/// The rows of one predicate as they became recent: sorted runs, one per round, each with
/// its height.
struct HeightLog<R> {
    rows: Vec<R>,
    /// (first row of the run in `rows`, its height), in the order the runs were logged.
    runs: Vec<(usize, u32)>,
}

impl<R> Default for HeightLog<R> {
    fn default() -> Self {
        HeightLog {
            rows: Vec::new(),
            runs: Vec::new(),
        }
    }
}

impl<R: Tuple> HeightLog<R> {
    /// Logs a sorted run of rows at height `h`.
    fn push_run(&mut self, run: impl Iterator<Item = R>, h: u32) {
        let start = self.rows.len();
        self.rows.extend(run);
        if self.rows.len() > start {
            self.runs.push((start, h));
        }
    }

    /// The relation of `arity` columns: the runs merged (a k-way merge on a tree of losers, smallest
    /// row first, ties to the lower height), each row once with the height of its first run.
    ///
    /// On several threads the rows are cut into pieces at splitter values (rows below the
    /// first splitter, between it and the next, ...; every run cut at the same values), each
    /// piece merged on its own and written to its place in the relation: a row and all its
    /// repeats fall in one piece, so the result is that of the one merge.
    fn into_relation(self, arity: usize, par: &Par) -> Relation {
        let ends = self
            .runs
            .iter()
            .skip(1)
            .map(|r| r.0)
            .chain([self.rows.len()]);
        let runs: Vec<(&[R], u32)> = self
            .runs
            .iter()
            .zip(ends)
            .map(|(&(start, h), end)| (&self.rows[start..end], h))
            .collect();
        let splitters = splitters(&runs, self.rows.len(), par.pieces(self.rows.len()));
        let pieces: Vec<Vec<(&[R], u32)>> = (0..=splitters.len())
            .map(|k| {
                let cut = |run: &[R], i: usize| match splitters.get(i) {
                    Some(s) => run.partition_point(|x| x < s),
                    None => run.len(),
                };
                runs.iter()
                    .map(|&(run, h)| {
                        let lo = if k == 0 { 0 } else { cut(run, k - 1) };
                        (&run[lo..cut(run, k)], h)
                    })
                    .filter(|(run, _)| !run.is_empty())
                    .collect()
            })
            .collect();
        let caps: Vec<usize> = pieces
            .iter()
            .map(|p| p.iter().map(|(run, _)| run.len()).sum())
            .collect();
        Relation::from_pieces(arity, &caps, par, |k, data, heights| {
            merge_runs(&pieces[k], arity, data, heights)
        })
    }
}

/// Up to `pieces - 1` distinct values cutting the rows of the sorted `runs` (`total` rows in
/// all) into pieces of about the same size: quantiles of an even sample of every run.
fn splitters<R: Tuple>(runs: &[(&[R], u32)], total: usize, pieces: usize) -> Vec<R> {
    if pieces <= 1 || total == 0 {
        return Vec::new();
    }
    let want = 64 * pieces;
    let mut sample: Vec<&R> = Vec::new();
    for (run, _) in runs {
        let n = (run.len() * want).div_ceil(total);
        sample.extend((0..n).map(|j| &run[j * run.len() / n]));
    }
    sample.sort_unstable();
    sample.dedup();
    let mut out: Vec<R> = (1..pieces)
        .map(|k| sample[k * sample.len() / pieces].clone())
        .collect();
    out.dedup();
    out
}

/// The shared state of the operators of one evaluation.
pub(super) fn context<'a>(
    interner: &'a RefCell<Interner>,
    warnings: &'a RefCell<BTreeMap<usize, String>>,
    guard: &'a Guard<'a>,
    par: &'a Par,
) -> Ctx<'a> {
    Ctx {
        interner,
        warnings,
        guard,
        par,
        tables: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_each_row_once_with_its_first_height() {
        let mut log = HeightLog::<u64>::default();
        // Facts at height 0 come back as recent in round 1; rows arrive in runs of any size.
        log.push_run([3, 5].into_iter(), 0);
        log.push_run([1, 3, 5].into_iter(), 1);
        for h in 2..40u32 {
            log.push_run((0..u64::from(h)).map(|i| 100 * u64::from(h) + i), h);
        }
        let rel = log.into_relation(2, &Par::default());
        let rows: Vec<(Vec<u32>, u32)> = rel.iter().map(|(r, h)| (r.to_vec(), h)).collect();
        assert_eq!(rows[0], (vec![0, 1], 1));
        assert_eq!(rows[1], (vec![0, 3], 0));
        assert_eq!(rows[2], (vec![0, 5], 0));
        assert_eq!(rows[3], (vec![0, 200], 2));
        assert_eq!(rows.len(), 3 + (2..40).sum::<usize>());
        assert!(rows.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(rows.iter().all(|(r, h)| *h < 2 || r[1] / 100 == *h));
    }
}
