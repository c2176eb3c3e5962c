//! Stage 12 — render: every document the tool prints — answers, query-file and suite
//! reports, traces and their verification, knowledge-base summaries, diagnostics — as text
//! (proof trees drawn as trees, tables by tabled), Markdown, or JSON (serde). One entry:
//! [`render`], over the [`Render`] trait.

pub mod coverage;
pub mod diff;
pub mod document;
pub mod estate;
pub mod estate_html;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod pointers;
pub mod search;
pub mod text;

use crate::audit::{Trace, Verification};
use crate::query::Answer;
use crate::query::script::ScriptReport;
use crate::query::suite::SuiteReport;

/// Output formats of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text; bindings as a table.
    #[default]
    Text,
    /// One JSON document.
    Json,
    /// Markdown, for reviewers.
    Markdown,
    /// One self-contained HTML page for a browser (`report`, `explain`, `diff`).
    Html,
}

impl Format {
    /// Its name as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

/// A document every format can show.
pub trait Render {
    /// As text for a terminal or a log.
    fn text(&self) -> String;
    /// As Markdown for a reviewer.
    fn markdown(&self) -> String;
    /// As JSON.
    fn json(&self) -> serde_json::Value;
    /// As one self-contained HTML page; by default the text, preformatted.
    fn html(&self) -> String {
        html::page(
            "supportkb",
            &format!("<pre>{}</pre>\n", html::escape(&self.text())),
        )
    }
}

/// `doc` in `format`, ending with a line break.
pub fn render(format: Format, doc: &dyn Render) -> String {
    let mut s = match format {
        Format::Text => text::fit(&doc.text(), text::width()),
        Format::Markdown => doc.markdown(),
        Format::Json => json::pretty(&doc.json()),
        Format::Html => doc.html(),
    };
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn to_json(v: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

impl Render for Answer {
    fn text(&self) -> String {
        text::answer(self)
    }
    fn markdown(&self) -> String {
        markdown::answer(self)
    }
    fn json(&self) -> serde_json::Value {
        to_json(self)
    }
}

impl Render for ScriptReport {
    fn text(&self) -> String {
        text::script_report(self)
    }
    fn markdown(&self) -> String {
        markdown::script_report(self)
    }
    fn json(&self) -> serde_json::Value {
        to_json(self)
    }
}

/// A suite's report with how much of it text shows.
pub struct SuiteDoc<'a> {
    /// The report.
    pub report: &'a SuiteReport,
    /// Every query with its result and time (`test -v`), not only the failures.
    pub verbose: bool,
}

impl Render for SuiteDoc<'_> {
    fn text(&self) -> String {
        text::suite_report(self.report, self.verbose)
    }
    fn markdown(&self) -> String {
        markdown::suite_report(self.report)
    }
    fn json(&self) -> serde_json::Value {
        to_json(self.report)
    }
}

impl Render for SuiteReport {
    fn text(&self) -> String {
        text::suite_report(self, false)
    }
    fn markdown(&self) -> String {
        markdown::suite_report(self)
    }
    fn json(&self) -> serde_json::Value {
        to_json(self)
    }
}

impl Render for Verification {
    fn text(&self) -> String {
        text::verification(self)
    }
    fn markdown(&self) -> String {
        markdown::verification(self)
    }
    fn json(&self) -> serde_json::Value {
        to_json(self)
    }
}

impl Render for Trace {
    fn text(&self) -> String {
        text::trace(self)
    }
    fn markdown(&self) -> String {
        markdown::trace(self)
    }
    fn json(&self) -> serde_json::Value {
        to_json(self)
    }
}

/// Writes `text` to standard output.
///
/// Errors: the write fails (a closed pipe is `BrokenPipe`: callers end quietly, as Unix
/// tools do).
pub fn emit(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes `text` to standard error, ignoring a closed or broken stream (a diagnostic that
/// cannot be shown must not turn into a panic).
pub fn emit_err(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
