//! The resource limits of an evaluation ([`EvalConfig`]) applied to the explanation of its
//! answer: a proof or why-not search can cost far more than the evaluation (the proof of a
//! count over a closure lists every member, each with its own proof), so it runs under the
//! same flags.
//!
//! What counts: every proof node built is a tuple proved (`--max-tuples`) and
//! [`ROWS_PER_NODE`] rows held (`--max-memory`: a node keeps its conclusion, rule text,
//! place and substitution as strings, some hundreds of bytes), and every row of the answer
//! decoded for printing is [`ROWS_PER_VALUE`] rows per value; the clock and the cancel flag
//! are read every [`CLOCK_EVERY`] search
//! steps, and `--timeout` counts from when the query started, so the evaluation and the
//! explanation share it. Once a limit is reached every search fails at once and
//! [`Bounds::stopped`] says which limit: the caller reports it instead of an answer with
//! proofs missing.

use crate::engine::{EvalConfig, EvalError, Limit};
use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Rows of intermediate results one proof node is counted as (at 32 bytes a row, 512
/// bytes).
pub const ROWS_PER_NODE: usize = 16;

/// Rows of intermediate results one value of an answer's row is counted as (at 32 bytes
/// a row, 768 bytes: the decoded value, its text and its JSON, built before printing).
pub const ROWS_PER_VALUE: usize = 24;

/// Search steps between two readings of the clock.
pub const CLOCK_EVERY: usize = 1024;

/// The limits of one query's explanation and what it has spent so far.
#[derive(Debug, Clone)]
pub struct Bounds {
    started: Instant,
    timeout: Option<Duration>,
    cancel: Option<Arc<AtomicBool>>,
    max_tuples: usize,
    max_rows: usize,
    steps: Cell<usize>,
    nodes: Cell<usize>,
    held: Cell<usize>,
    stop: RefCell<Option<EvalError>>,
}

impl Default for Bounds {
    /// No limit at all.
    fn default() -> Self {
        Bounds {
            started: Instant::now(),
            timeout: None,
            cancel: None,
            max_tuples: usize::MAX,
            max_rows: usize::MAX,
            steps: Cell::new(0),
            nodes: Cell::new(0),
            held: Cell::new(0),
            stop: RefCell::new(None),
        }
    }
}

impl Bounds {
    /// The limits of `config`, the clock counting from `started`.
    pub fn new(config: &EvalConfig, started: Instant) -> Self {
        Bounds {
            started,
            timeout: config.timeout,
            cancel: config.cancel.clone(),
            max_tuples: config.max_tuples,
            max_rows: config.max_rows,
            ..Bounds::default()
        }
    }

    /// The limit (or cancellation) that stopped the explanation, if any.
    pub fn stopped(&self) -> Option<EvalError> {
        self.stop.borrow().clone()
    }

    /// True once a limit was reached.
    pub fn is_stopped(&self) -> bool {
        self.stop.borrow().is_some()
    }

    /// Counts one search step; false once a limit is reached.
    pub fn step(&self) -> bool {
        if self.is_stopped() {
            return false;
        }
        let n = self.steps.get().wrapping_add(1);
        self.steps.set(n);
        if n.is_multiple_of(CLOCK_EVERY) {
            self.read_clock();
        }
        !self.is_stopped()
    }

    /// Counts one proof node built; false once a limit is reached.
    pub fn node(&self) -> bool {
        if self.is_stopped() {
            return false;
        }
        let n = self.nodes.get() + 1;
        self.nodes.set(n);
        if n > self.max_tuples {
            self.halt(EvalError::Limit(Limit::Tuples(self.max_tuples)));
        } else {
            self.check_rows();
        }
        !self.is_stopped()
    }

    /// Counts one row of an answer, of `width` values, decoded for printing (a search step,
    /// and [`ROWS_PER_VALUE`] rows held per value); false once a limit is reached.
    pub fn answer_row(&self, width: usize) -> bool {
        if !self.step() {
            return false;
        }
        let held = self
            .held
            .get()
            .saturating_add(width.max(1).saturating_mul(ROWS_PER_VALUE));
        self.held.set(held);
        self.check_rows();
        !self.is_stopped()
    }

    fn check_rows(&self) {
        let rows = self
            .nodes
            .get()
            .saturating_mul(ROWS_PER_NODE)
            .saturating_add(self.held.get());
        if rows > self.max_rows {
            self.halt(EvalError::Limit(Limit::Rows(self.max_rows)));
        }
    }

    fn read_clock(&self) {
        if let Some(t) = self.timeout
            && self.started.elapsed() > t
        {
            self.halt(EvalError::Limit(Limit::Time(t)));
        } else if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            self.halt(EvalError::Cancelled);
        }
    }

    fn halt(&self, e: EvalError) {
        self.stop.borrow_mut().get_or_insert(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_past_the_tuple_limit_stop_the_search() {
        let config = EvalConfig {
            max_tuples: 3,
            ..EvalConfig::default()
        };
        let b = Bounds::new(&config, Instant::now());
        assert!(b.node() && b.node() && b.node());
        assert!(!b.node());
        assert!(!b.step(), "every search fails once stopped");
        assert_eq!(b.stopped(), Some(EvalError::Limit(Limit::Tuples(3))));
    }

    #[test]
    fn the_clock_counts_from_the_start_of_the_query() {
        let config = EvalConfig {
            timeout: Some(Duration::from_millis(1)),
            ..EvalConfig::default()
        };
        let b = Bounds::new(&config, Instant::now() - Duration::from_secs(1));
        let mut steps = 0;
        while b.step() {
            steps += 1;
        }
        assert_eq!(
            steps,
            CLOCK_EVERY - 1,
            "the clock is read every CLOCK_EVERY steps"
        );
        assert!(matches!(
            b.stopped(),
            Some(EvalError::Limit(Limit::Time(_)))
        ));
    }

    #[test]
    fn a_cancel_flag_stops_the_search() {
        let flag = Arc::new(AtomicBool::new(true));
        let config = EvalConfig {
            cancel: Some(flag),
            ..EvalConfig::default()
        };
        let b = Bounds::new(&config, Instant::now());
        while b.step() {}
        assert_eq!(b.stopped(), Some(EvalError::Cancelled));
    }
}
