//! Multi-core work of an evaluation, on rayon: sorting a round's rows and merging the height
//! log into the model, split by data, never by thread timing, so the rows, their order and
//! their heights are the same on any number of threads.
//!
//! Why the results cannot depend on the threads: every parallel step either sorts by a total
//! order (rows are integers or vectors of ids compared whole; an unstable sort of distinct
//! keys, or of equal keys that are equal rows, has one result) or cuts sorted runs at the same
//! splitter values and concatenates the pieces in splitter order. Work smaller than
//! [`MIN_PARALLEL_ROWS`] stays on the calling thread, and one thread runs the sequential code
//! throughout.

use rayon::prelude::*;
use std::sync::{Arc, Mutex, OnceLock};

/// Work on fewer rows than this stays on the calling thread: below it, handing the work to the
/// pool costs more than it saves.
pub const MIN_PARALLEL_ROWS: usize = 1 << 15;

/// The most threads [`default_threads`] picks.
pub const MAX_DEFAULT_THREADS: usize = 16;

/// The thread count standing for [`default_threads`] (`EvalConfig::threads` when `--threads`
/// is not given): the cores are counted only when a step is first large enough to share
/// out, so that work that never is (a question) does not read the cgroup files
/// `available_parallelism` reads.
pub const AVAILABLE_THREADS: usize = usize::MAX;

/// The threads an evaluation uses when none are asked for: the cores available to the process
/// (`std::thread::available_parallelism`), at most [`MAX_DEFAULT_THREADS`]; 1 if unknown.
/// Counted once per process.
pub fn default_threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .clamp(1, MAX_DEFAULT_THREADS)
    })
}

/// `threads`, with [`AVAILABLE_THREADS`] read as [`default_threads`].
fn resolve(threads: usize) -> usize {
    if threads == AVAILABLE_THREADS {
        default_threads()
    } else {
        threads
    }
}

/// The thread pool of one thread count, made on first use and kept for the process (a REPL
/// evaluates many times; starting threads each time would cost more than small work).
fn pool(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    /// The pools made so far, by thread count.
    type Pools = Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>>;
    static POOLS: OnceLock<Pools> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Some(p.clone());
    }
    // A pool that cannot start (no threads left) leaves the work on the calling thread.
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("supportkb-eval-{i}"))
            .build()
            .ok()?,
    );
    pools.push((threads, p.clone()));
    Some(p)
}

/// Where an evaluation's parallel steps run: nowhere (one thread) or a pool of N threads,
/// started only when a step is first large enough to share out.
#[derive(Clone, Default)]
pub struct Par {
    threads: usize,
    min_rows: usize,
    pool: OnceLock<Option<Arc<rayon::ThreadPool>>>,
}

impl Par {
    /// `threads` threads (0 and 1: everything on the calling thread; [`AVAILABLE_THREADS`]:
    /// [`default_threads`], counted when first needed), sharing out work of
    /// [`MIN_PARALLEL_ROWS`] rows or more.
    pub fn new(threads: usize) -> Self {
        Self::with_min_rows(threads, MIN_PARALLEL_ROWS)
    }

    /// As [`Par::new`], sharing out work of `min_rows` rows or more (tests lower it so that
    /// small programs take the parallel path).
    pub fn with_min_rows(threads: usize, min_rows: usize) -> Self {
        Par {
            threads,
            min_rows: min_rows.max(1),
            pool: OnceLock::new(),
        }
    }

    /// The pool, when `rows` rows are worth sharing out.
    fn pool_for(&self, rows: usize) -> Option<&rayon::ThreadPool> {
        if self.threads <= 1 || rows < self.min_rows {
            return None;
        }
        (self.pool)
            .get_or_init(|| {
                Some(resolve(self.threads))
                    .filter(|&n| n > 1)
                    .and_then(pool)
            })
            .as_deref()
    }

    /// The number of pieces to cut work of `rows` rows into: one on one thread or for small
    /// work; else four per thread (fewer if the pieces would be under an eighth of the
    /// parallel threshold), so that uneven pieces still keep every thread busy.
    pub fn pieces(&self, rows: usize) -> usize {
        let smallest = (self.min_rows / 8).max(1);
        self.pool_for(rows)
            .map_or(1, |p| (p.current_num_threads() * 4).min(rows / smallest))
            .max(1)
    }

    /// Whether work of `rows` rows is shared out among threads.
    pub fn is_parallel(&self, rows: usize) -> bool {
        self.pool_for(rows).is_some()
    }

    /// Sorts `v` and removes repeated rows. One thread, or small work: a stable sort (as
    /// datafrog's `Relation::from_vec`); else rayon's parallel unstable sort. Rows compare by
    /// a total order, so both give the same vector.
    pub fn sort_dedup<T: Ord + Send>(&self, v: &mut Vec<T>) {
        self.sort_with(v, <[T]>::sort);
    }

    /// As [`Par::sort_dedup`], with an unstable sort on the calling thread.
    pub fn sort_unstable_dedup<T: Ord + Send>(&self, v: &mut Vec<T>) {
        self.sort_with(v, <[T]>::sort_unstable);
    }

    fn sort_with<T: Ord + Send>(&self, v: &mut Vec<T>, sequential: impl FnOnce(&mut [T])) {
        match self.pool_for(v.len()) {
            Some(p) => p.install(|| v.par_sort_unstable()),
            None => sequential(v),
        }
        v.dedup();
    }

    /// `f` applied to each of `items`, on the pool when there are `rows` rows of work in
    /// all; the results in the order of `items`.
    pub fn map<I: Send, O: Send>(
        &self,
        rows: usize,
        items: Vec<I>,
        f: impl Fn(I) -> O + Sync + Send,
    ) -> Vec<O> {
        match self.pool_for(rows).filter(|_| items.len() > 1) {
            Some(p) => p.install(|| items.into_par_iter().map(f).collect()),
            None => items.into_iter().map(f).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrambled(n: u64) -> Vec<u64> {
        // Every value twice, in an order far from sorted.
        (0..2 * n)
            .map(|i| (i % n).wrapping_mul(0x9E37_79B9) % (n * 7))
            .collect()
    }

    #[test]
    fn sorting_on_threads_gives_the_sequential_result() {
        let n = 3 * MIN_PARALLEL_ROWS as u64;
        let mut one = scrambled(n);
        let mut four = one.clone();
        Par::new(1).sort_dedup(&mut one);
        Par::new(4).sort_dedup(&mut four);
        assert_eq!(one, four);
        assert_eq!(one.len(), usize::try_from(n).unwrap());
        assert!(one.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn small_work_and_one_thread_make_one_piece() {
        assert_eq!(Par::new(1).pieces(10 * MIN_PARALLEL_ROWS), 1);
        assert_eq!(Par::new(4).pieces(MIN_PARALLEL_ROWS - 1), 1);
        assert_eq!(Par::new(4).pieces(100 * MIN_PARALLEL_ROWS), 16);
        let squares = Par::new(3).map(MIN_PARALLEL_ROWS, (0..50u32).collect(), |x| x * x);
        assert_eq!(squares, (0..50u32).map(|x| x * x).collect::<Vec<_>>());
    }

    #[test]
    fn the_available_threads_are_the_default_count() {
        let cores = default_threads();
        let par = Par::new(AVAILABLE_THREADS);
        assert_eq!(
            par.pieces(MIN_PARALLEL_ROWS - 1),
            1,
            "small work stays on one thread"
        );
        let pieces = if cores > 1 { cores * 4 } else { 1 };
        assert_eq!(par.pieces(100 * MIN_PARALLEL_ROWS), pieces);
        assert_eq!(par.is_parallel(100 * MIN_PARALLEL_ROWS), cores > 1);
        let mut rows = scrambled(3 * MIN_PARALLEL_ROWS as u64);
        let mut one = rows.clone();
        par.sort_dedup(&mut rows);
        Par::new(1).sort_dedup(&mut one);
        assert_eq!(rows, one);
    }
}
