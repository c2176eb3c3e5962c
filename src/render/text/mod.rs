//! Text rendering: answers, proof trees drawn with box characters, why-not reports, query
//! file and suite reports, and tables (tabled).

mod answer;
mod fit;
mod proof;
mod reports;

pub use answer::answer;
pub use fit::{FOLLOW_TERMINAL, fit, set_width, width};
pub use proof::{proof, why_not};
pub use reports::{script_report, suite_report, trace, verification};

use crate::ir::Const;
use std::sync::atomic::{AtomicUsize, Ordering};
use tabled::builder::Builder;
use tabled::settings::Style;

/// Rows a table shows unless told otherwise (`--rows N`, `:limit N`).
pub const DEFAULT_ROW_LIMIT: usize = 50;

/// Rows every table of this process shows; 0 shows all. One setting for the process: the
/// command line sets it once, the REPL's `:limit` changes it.
static ROW_LIMIT: AtomicUsize = AtomicUsize::new(DEFAULT_ROW_LIMIT);

/// Sets how many rows tables show (0: all). JSON and Markdown documents keep every row.
pub fn set_row_limit(n: usize) {
    ROW_LIMIT.store(n, Ordering::Relaxed);
}

/// How many rows tables show (0: all).
pub fn row_limit() -> usize {
    ROW_LIMIT.load(Ordering::Relaxed)
}

pub(super) fn cell(c: &Const) -> String {
    match c {
        Const::Str(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// A table with a header row, in the style every command uses: at most [`row_limit`] rows,
/// then a line saying how many more there are and how to see them.
pub fn table(header: &[String], rows: &[Vec<Const>]) -> String {
    let limit = row_limit();
    let shown = if limit == 0 {
        rows.len()
    } else {
        rows.len().min(limit)
    };
    let mut b = Builder::default();
    b.push_record(header.iter().cloned());
    for r in &rows[..shown] {
        b.push_record(r.iter().map(cell));
    }
    let mut t = b.build();
    t.with(Style::rounded());
    // Fitted to the width text is printed at (the terminal's; none in pipes and files,
    // where rows stay whole).
    let w = width();
    if w > 0 {
        t.with(
            tabled::settings::Width::wrap(w.max(40))
                .priority(tabled::settings::peaker::PriorityMax::right())
                .keep_words(true),
        );
    }
    let mut out = t.to_string();
    if shown < rows.len() {
        out.push_str(&format!(
            "\n(showing {shown} of {} rows ({} more); `--rows N` or `:limit N` shows N, 0 all)",
            rows.len(),
            rows.len() - shown
        ));
    }
    out
}
