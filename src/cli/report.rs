//! `supportkb report --inventory FOLDER`: loads the inventory with the estate rules,
//! evaluates them and prints (or writes, `-o FILE`) the report: the summary by finding and
//! the table of affected clients, as text, Markdown, JSON, one HTML page (`--format`, or
//! the output file's extension) or CSV (`--csv`, or a `.csv` output file). On a terminal a spinner
//! says which step runs; piped, nothing.

use super::Context;
use super::output::{self, Exit};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::Path;
use std::time::Duration;
use supportkb::query::estate::estate_report;
use supportkb::render::estate::{CsvTable, csv};
use supportkb::render::{Format, render};
use supportkb::source::{Code, Diagnostic, io_reason, write_atomic};

/// A spinner on standard error when it is a terminal; hidden otherwise.
fn spinner() -> ProgressBar {
    use std::io::IsTerminal;
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// What a report is written as: a format, or a CSV table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    As(Format),
    Csv(CsvTable),
}

impl Written {
    fn name(self) -> &'static str {
        match self {
            Written::As(Format::Json) => "JSON",
            Written::As(Format::Markdown) => "Markdown",
            Written::As(Format::Html) => "HTML",
            Written::As(_) => "text",
            Written::Csv(_) => "CSV",
        }
    }
}

/// The format a report is written in: `--csv` and `--format` when given, else the output
/// file's extension (`.csv`, `.json`, `.md`, `.html`, `.txt`: the rule of every `-o`,
/// [`output::file_format`]), else text.
///
/// Errors: two of them that disagree (`--format json --csv`, `--csv -o r.json`): the
/// message names both; an output file whose extension names no format, without a flag;
/// nothing is written.
fn chosen(
    cx: &Context,
    csv_table: Option<CsvTable>,
    out: Option<&Path>,
) -> Result<Written, String> {
    let by_csv = csv_table.map(|t| ("--csv".to_string(), Written::Csv(t)));
    let by_format = cx.format_given.then(|| {
        (
            format!("--format {}", output::format_word(cx.format)),
            Written::As(cx.format),
        )
    });
    let flag = match (by_csv, by_format) {
        (Some(_), Some((f, w))) => {
            return Err(format!(
                "conflicting report formats: --csv asks for CSV but {f} for {}; give one",
                w.name()
            ));
        }
        (a, b) => a.or(b),
    };
    let Some(path) = out else {
        return Ok(flag.map_or(Written::As(cx.format), |(_, w)| w));
    };
    let mut known = vec![("csv", Written::Csv(csv_table.unwrap_or(CsvTable::Clients)))];
    known.extend(output::EXTENSIONS.iter().map(|&(e, f)| (e, Written::As(f))));
    output::file_format("report", path, flag, &known, Written::name)
}

pub fn report(
    cx: &Context,
    csv_table: Option<CsvTable>,
    out: Option<&Path>,
    timings: bool,
) -> Exit {
    let started = std::time::Instant::now();
    let written = match chosen(cx, csv_table, out) {
        Ok(w) => w,
        Err(m) => return output::rejected(cx.format, Diagnostic::unplaced(Code::Input, m)),
    };
    if cx.load.inventory.is_none() {
        return output::rejected(
            cx.format,
            Diagnostic::unplaced(
                Code::Input,
                "report needs an inventory: supportkb report --inventory FOLDER",
            ),
        );
    }
    let bar = spinner();
    bar.set_message("reading the inventory and evaluating the rules");
    let session = cx.session();
    let session = match session {
        Ok(s) => s,
        Err(e) => {
            bar.finish_and_clear();
            return e;
        }
    };
    let loaded = started.elapsed();
    bar.set_message("gathering the report");
    let report = estate_report(&session.kb);
    let gathered = started.elapsed();
    bar.set_message("writing the report");
    let text = match written {
        Written::As(Format::Json) => output::json_text(supportkb::render::Render::json(&report)),
        Written::As(format) => render(format, &report),
        Written::Csv(table) => csv(&report, table),
    };
    bar.finish_and_clear();
    if timings {
        let t = session.kb.timings;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        supportkb::render::emit_err(&format!(
            "timings (ms): compile {:.0}, read inventory {:.0}, evaluate {:.0}, other load {:.0}, gather report {:.0}, render {:.0}; {} tuples\n",
            ms(t.compile),
            ms(t.inputs),
            ms(t.evaluate),
            ms(loaded.saturating_sub(t.compile + t.inputs + t.evaluate)),
            ms(gathered - loaded),
            ms(started.elapsed() - gathered),
            session.kb.model.tuple_count()
        ));
    }
    // The process ends after the report: freeing the model (millions of rows and values)
    // one allocation at a time would only delay the exit.
    let affected = (report.affected.len(), report.clients);
    std::mem::forget(report);
    std::mem::forget(session);
    match out {
        Some(path) => match write_atomic(path, text.as_bytes()) {
            Ok(()) => {
                output::print(&format!(
                    "wrote {} ({} clients blocked or at risk of {})\n",
                    path.display(),
                    affected.0,
                    affected.1
                ));
                Exit::Ok
            }
            Err(e) => output::rejected(
                cx.format,
                Diagnostic::unplaced(
                    Code::Io,
                    format!("cannot write {}: {}", path.display(), io_reason(&e)),
                ),
            ),
        },
        None => {
            output::print(&text);
            Exit::Ok
        }
    }
}
