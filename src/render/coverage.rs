//! Coverage reports ([`CoverageReport`]) as text and Markdown: a line per statement with
//! what covers it, then the share covered per source.

use super::Render;
use crate::query::coverage::{CoverageReport, Covered, SourceCoverage, StatementCoverage};
use std::fmt::Write;

/// Citing clauses shown per statement in text (Markdown and JSON list them all).
const SHOWN_CITATIONS: usize = 3;

/// Longest statement or clause shown whole in text, in characters.
const SHOWN_CHARS: usize = 90;

/// Where the lines under a statement start.
const INDENT: &str = "          ";

/// Options of a coverage report's text and Markdown.
#[derive(Debug, Clone, Copy, Default)]
pub struct CoverageView {
    /// Only the statements nothing covers.
    pub uncovered_only: bool,
}

/// A report with how to show it.
pub struct CoverageDoc<'a> {
    /// The report.
    pub report: &'a CoverageReport,
    /// How.
    pub view: CoverageView,
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let head: String = s.chars().take(max - 1).collect();
        format!("{head}…")
    }
}

fn lines_of(s: &StatementCoverage) -> String {
    if s.end_line > s.line {
        format!("{}-{}", s.line, s.end_line)
    } else {
        s.line.to_string()
    }
}

/// The summary line of one source.
pub fn summary(s: &SourceCoverage) -> String {
    format!(
        "{}: {}% covered: {}, {} cited, {} not encoded (with a reason), {} uncited",
        s.source,
        s.covered_percent,
        crate::source::plural(s.total, "statement"),
        s.cited,
        s.not_encoded,
        s.uncited
    )
}

fn shown(s: &SourceCoverage, view: CoverageView) -> impl Iterator<Item = &StatementCoverage> {
    s.statements
        .iter()
        .filter(move |st| !view.uncovered_only || st.covered == Covered::Uncited)
}

/// The report as text.
pub fn text(r: &CoverageReport, view: CoverageView) -> String {
    let mut out = String::new();
    for s in &r.sources {
        if shown(s, view).next().is_none() {
            continue;
        }
        let _ = writeln!(out, "{} \"{}\" ({})", s.source, s.title, s.text);
        let _ = writeln!(
            out,
            "  ✓ cited by a clause   – not encoded, with the reason   ✗ uncited\n"
        );
        for st in shown(s, view) {
            let mark = match st.covered {
                Covered::Cited => "✓",
                Covered::NotEncoded => "–",
                Covered::Uncited => "✗",
            };
            let _ = writeln!(
                out,
                "{:>7} {mark} {:<12} {}",
                lines_of(st),
                st.kind.label(),
                cut(&st.text, SHOWN_CHARS)
            );
            for c in st.cited_by.iter().take(SHOWN_CITATIONS) {
                let part = if c.whole { "" } else { " (in part)" };
                let _ = writeln!(
                    out,
                    "{INDENT}cited by {} {}{part}",
                    c.location,
                    cut(&c.clause, SHOWN_CHARS - 30)
                );
            }
            if st.cited_by.len() > SHOWN_CITATIONS {
                let _ = writeln!(
                    out,
                    "{INDENT}and {} more (--format json or markdown lists them)",
                    st.cited_by.len() - SHOWN_CITATIONS
                );
            }
            if let Some(m) = &st.not_encoded {
                let _ = writeln!(out, "{INDENT}not encoded: {} [{}]", m.reason, m.location);
            }
        }
        out.push('\n');
    }
    for s in &r.sources {
        let _ = writeln!(out, "{}", summary(s));
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report as Markdown: a table per source.
pub fn markdown(r: &CoverageReport, view: CoverageView) -> String {
    let mut out = String::from("# Coverage\n\n");
    for s in &r.sources {
        let _ = writeln!(out, "- {}", summary(s));
    }
    for s in &r.sources {
        let _ = writeln!(
            out,
            "\n## {} — {}\n\nText: `{}`\n\n| line | kind | statement | covered by |\n| --- | --- | --- | --- |",
            s.source,
            cell(&s.title),
            s.text
        );
        for st in shown(s, view) {
            let by = match st.covered {
                Covered::Cited => st
                    .cited_by
                    .iter()
                    .map(|c| {
                        let part = if c.whole { "" } else { " (in part)" };
                        format!("`{}` {}{part}", c.location, cell(&c.clause))
                    })
                    .collect::<Vec<_>>()
                    .join("<br>"),
                Covered::NotEncoded => st.not_encoded.as_ref().map_or_else(String::new, |m| {
                    format!("not encoded: {} (`{}`)", cell(&m.reason), m.location)
                }),
                Covered::Uncited => "**uncited**".to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {by} |",
                lines_of(st),
                st.kind.label(),
                cell(&st.text)
            );
        }
    }
    out
}

impl Render for CoverageDoc<'_> {
    fn text(&self) -> String {
        text(self.report, self.view)
    }
    fn markdown(&self) -> String {
        markdown(self.report, self.view)
    }
    fn json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self.report).unwrap_or_default();
        if self.view.uncovered_only
            && let Some(sources) = v.get_mut("sources").and_then(|s| s.as_array_mut())
        {
            for s in sources {
                if let Some(list) = s.get_mut("statements").and_then(|l| l.as_array_mut()) {
                    list.retain(|st| st["covered"] == "uncited");
                }
            }
        }
        v
    }
}
