//! Resource limits of an evaluation, enforced inside operators: every row an operator makes
//! counts, and every few thousand rows the clock and the cancel flag are read, so one huge
//! join cannot run for minutes or exhaust memory before the end of its round.

use crate::source::Diagnostic;
use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Resource limits and options of one evaluation.
#[derive(Debug, Clone)]
pub struct EvalConfig {
    /// Record each tuple's height (needed for proofs; off only to measure its cost).
    pub heights: bool,
    /// Most tuples one evaluation may derive.
    pub max_tuples: usize,
    /// Most rows of intermediate results an evaluation may hold at once (joins, keyed
    /// copies and the height log count; each costs 8 to 40 bytes): the memory bound.
    pub max_rows: usize,
    /// Longest an evaluation may run.
    pub timeout: Option<Duration>,
    /// Set to stop an evaluation early (Ctrl-C).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Count every row an operator makes against the limits (off only to measure what the
    /// counting costs: `benches/engine.rs`'s `supportkb-nolimits`; the limits are then
    /// read once per operator and per round only).
    pub per_row_checks: bool,
    /// Threads for the parallel steps (sorting a round's rows, building the model from the
    /// height log, sorting input relations); 1 runs everything on the calling thread,
    /// [`crate::engine::par::AVAILABLE_THREADS`] on as many as there are cores (counted when
    /// first needed). The model and its heights are the same for every value (`engine::par`).
    pub threads: usize,
    /// Work of fewer rows than this stays on one thread (default
    /// [`crate::engine::par::MIN_PARALLEL_ROWS`]; tests lower it so that small programs
    /// take the parallel path).
    pub parallel_min_rows: usize,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            heights: true,
            max_tuples: 20_000_000,
            max_rows: 200_000_000,
            timeout: None,
            cancel: None,
            per_row_checks: true,
            threads: 1,
            parallel_min_rows: crate::engine::par::MIN_PARALLEL_ROWS,
        }
    }
}

/// A resource limit that stopped work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `--max-tuples`: this many tuples derived.
    Tuples(usize),
    /// `--max-memory`: this many rows of intermediate results held.
    Rows(usize),
    /// `--timeout`: this long.
    Time(Duration),
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Tuples(n) => write!(
                f,
                "the derived tuples limit ({n}) was reached; raise it with --max-tuples N"
            ),
            Limit::Rows(n) => write!(
                f,
                "the memory limit ({n} rows of intermediate results) was reached; raise it with --max-memory MB"
            ),
            Limit::Time(t) => write!(
                f,
                "the evaluation time limit ({t:?}) was reached; raise it with --timeout SECONDS"
            ),
        }
    }
}

/// Why an evaluation stopped without a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The program cannot be evaluated (an internal disagreement with the checker, or a
    /// pattern that does not compile).
    Program(Vec<Diagnostic>),
    /// A resource limit was reached.
    Limit(Limit),
    /// Cancelled by the user.
    Cancelled,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Program(d) => write!(
                f,
                "{}",
                d.first().map_or("cannot evaluate", |d| d.message.as_str())
            ),
            EvalError::Limit(l) => write!(f, "stopped: {l}"),
            EvalError::Cancelled => write!(f, "evaluation cancelled"),
        }
    }
}

/// Counts rows and reads the clock for one evaluation.
pub(super) struct Guard<'a> {
    config: &'a EvalConfig,
    started: Instant,
    /// Rows made since the last [`Guard::check`].
    made: Cell<usize>,
    /// Rows made by every operator of this evaluation: datafrog keeps them (deduplicated)
    /// until the evaluation ends, so this bounds what it holds.
    held: Cell<usize>,
    /// Tuples derived so far.
    derived: Cell<usize>,
    stop: RefCell<Option<EvalError>>,
}

impl<'a> Guard<'a> {
    pub(super) fn new(config: &'a EvalConfig) -> Self {
        Guard {
            config,
            started: Instant::now(),
            made: Cell::new(0),
            held: Cell::new(0),
            derived: Cell::new(0),
            stop: RefCell::new(None),
        }
    }

    /// Counts one row an operator made; false once a limit is reached (the error is kept for
    /// [`Guard::check`]).
    pub(super) fn tick(&self) -> bool {
        if !self.config.per_row_checks {
            return true;
        }
        let n = self.made.get() + 1;
        self.made.set(n);
        let held = self.held.get() + 1;
        self.held.set(held);
        let over = if n > self.config.max_tuples {
            Some(EvalError::Limit(Limit::Tuples(self.config.max_tuples)))
        } else if held > self.config.max_rows {
            Some(EvalError::Limit(Limit::Rows(self.config.max_rows)))
        } else if n.is_multiple_of(4096) {
            self.clock().err()
        } else {
            None
        };
        match over {
            Some(e) => {
                self.stop.borrow_mut().get_or_insert(e);
                false
            }
            None => true,
        }
    }

    /// Adds the tuples a round derived (and holds them: the height log keeps each).
    ///
    /// Errors: the tuple or row limit, the clock.
    pub(super) fn account(&self, new_tuples: usize) -> Result<(), EvalError> {
        let total = self.derived.get() + new_tuples;
        self.derived.set(total);
        let held = self.held.get() + new_tuples;
        self.held.set(held);
        if total > self.config.max_tuples {
            return Err(EvalError::Limit(Limit::Tuples(self.config.max_tuples)));
        }
        if held > self.config.max_rows {
            return Err(EvalError::Limit(Limit::Rows(self.config.max_rows)));
        }
        self.clock()
    }

    /// The time limit and the cancel flag.
    pub(super) fn clock(&self) -> Result<(), EvalError> {
        if let Some(t) = self.config.timeout
            && self.started.elapsed() > t
        {
            return Err(EvalError::Limit(Limit::Time(t)));
        }
        if self
            .config
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Err(EvalError::Cancelled);
        }
        Ok(())
    }

    /// Ends an operator: the first limit it reached, if any; starts the next one's count.
    pub(super) fn check(&self) -> Result<(), EvalError> {
        self.made.set(0);
        if let Some(e) = self.stop.borrow_mut().take() {
            return Err(e);
        }
        self.clock()
    }
}
