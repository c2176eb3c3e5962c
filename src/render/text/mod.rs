//! Text rendering: answers, proof trees drawn with box characters, why-not reports, query
//! file and suite reports, and tables (tabled).

mod answer;
mod proof;
mod reports;

pub use answer::answer;
pub use proof::{proof, why_not};
pub use reports::{script_report, suite_report, trace, verification};

use crate::ir::Const;
use tabled::builder::Builder;
use tabled::settings::Style;

pub(super) fn cell(c: &Const) -> String {
    match c {
        Const::Str(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// A table with a header row, in the style every command uses.
pub fn table(header: &[String], rows: &[Vec<Const>]) -> String {
    let mut b = Builder::default();
    b.push_record(header.iter().cloned());
    for r in rows {
        b.push_record(r.iter().map(cell));
    }
    let mut t = b.build();
    t.with(Style::rounded());
    // On a terminal, wrap long cells to its width; in pipes and files, keep rows whole.
    if std::io::IsTerminal::is_terminal(&std::io::stdout())
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
    {
        t.with(
            tabled::settings::Width::wrap(usize::from(w).max(40))
                .priority(tabled::settings::peaker::PriorityMax::right())
                .keep_words(true),
        );
    }
    t.to_string()
}
