//! Wall time of the phases of one process (reading, checking, each stratum, building the
//! model, output), recorded only when switched on (`supportkb --timings`), for measuring
//! where time goes. Phases nest: a phase started while another runs is printed under it.
//!
//! Off by default; then a phase costs one atomic load and records nothing.

use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static ON: AtomicBool = AtomicBool::new(false);
thread_local! {
    /// Phases running on this thread.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}
/// Finished phases in the order they started: (depth, name, wall time).
static DONE: Mutex<Vec<(usize, usize, String, Duration)>> = Mutex::new(Vec::new());
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// Switches recording on for the rest of the process.
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// Whether phases are being recorded.
pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// A running phase; it records its wall time when dropped.
#[must_use = "a phase is measured until the guard is dropped"]
pub struct Phase {
    /// (order started, depth, name, start); `None` when recording is off.
    running: Option<(usize, usize, String, Instant)>,
}

/// Starts the phase `name` (a closure, so that the name is only made when recording).
pub fn phase(name: impl FnOnce() -> String) -> Phase {
    if !enabled() {
        return Phase { running: None };
    }
    let order = STARTED.fetch_add(1, Ordering::Relaxed);
    let depth = DEPTH.with(|d| d.replace(d.get() + 1));
    Phase {
        running: Some((order, depth, name(), Instant::now())),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some((order, depth, name, start)) = self.running.take() {
            let took = start.elapsed();
            DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
            if let Ok(mut done) = DONE.lock() {
                done.push((order, depth, name, took));
            }
        }
    }
}

/// The phases recorded so far, in the order they started, as `(depth, name, wall time)`;
/// clears the record.
pub fn take() -> Vec<(usize, String, Duration)> {
    let mut done = DONE
        .lock()
        .map(|mut d| std::mem::take(&mut *d))
        .unwrap_or_default();
    done.sort_by_key(|d| d.0);
    done.into_iter().map(|(_, d, n, t)| (d, n, t)).collect()
}

/// The recorded phases as text, one line each: milliseconds, then the name indented by its
/// depth.
pub fn report(phases: &[(usize, String, Duration)]) -> String {
    let mut out = String::new();
    for (depth, name, took) in phases {
        out.push_str(&format!(
            "{:>10.3} ms  {}{name}\n",
            took.as_secs_f64() * 1e3,
            "  ".repeat(*depth)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_nest_and_report_in_start_order() {
        enable();
        {
            let _outer = phase(|| "outer phase".into());
            let _inner = phase(|| "inner phase".into());
        }
        let phases = take();
        let names: Vec<(usize, &str)> = phases
            .iter()
            .filter(|p| p.1.ends_with(" phase"))
            .map(|p| (p.0, p.1.as_str()))
            .collect();
        let outer = names.iter().position(|n| n.1 == "outer phase").unwrap();
        let inner = names.iter().position(|n| n.1 == "inner phase").unwrap();
        assert!(outer < inner);
        assert_eq!(names[inner].0, names[outer].0 + 1);
        assert!(report(&phases).contains(" ms    inner phase"));
    }
}
