//! The texts a run has read, and positions in them: a [`Span`] resolves to a [`Location`]
//! (`file:line:col`), and diagnostics render once with the offending line and a caret.

use super::{Diagnostic, Severity, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use std::fmt;

/// One source text: a file's path (or a name such as `<query>`) and its contents.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SourceFile {
    /// Path or name shown in diagnostics.
    pub name: String,
    /// Full text.
    pub text: String,
}

/// Every source text a run has read; a [`Span`]'s `file` indexes into it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// Per file, the byte offset where each line starts: a location is a binary search, not a
    /// scan from the start (a query file of 100,000 checks asks for one per check).
    line_starts: Vec<Vec<usize>>,
}

/// A resolved position: file name, 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// File path or name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Lines longer than this (in bytes) are shown as a window around the caret, not whole: a
/// generated file with one huge line must give a short message.
const MAX_SHOWN_LINE: usize = 200;

/// Characters shown on each side of the caret in a long line.
const WINDOW: usize = 60;

impl SourceMap {
    /// Adds a text; returns its index for [`Span::file`].
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> usize {
        let text = text.into();
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.line_starts.push(starts);
        self.files.push(SourceFile {
            name: name.into(),
            text,
        });
        self.files.len() - 1
    }

    /// The text numbered `file`, if this map handed out that number.
    pub fn get(&self, file: usize) -> Option<&SourceFile> {
        self.files.get(file)
    }

    /// The name of text `file` (`<unknown>` for a number this map did not hand out).
    pub fn name(&self, file: usize) -> &str {
        self.files
            .get(file)
            .map_or("<unknown>", |f| f.name.as_str())
    }

    /// All texts, in the order they were added.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// File, line and column of a span's start.
    pub fn location(&self, span: Span) -> Location {
        let Some(f) = self.files.get(span.file) else {
            return Location {
                file: "<unknown>".into(),
                line: 0,
                column: 0,
            };
        };
        let start = floor_char_boundary(&f.text, span.start);
        let starts = &self.line_starts[span.file];
        // The last line start at or before `start`.
        let line = starts.partition_point(|&s| s <= start);
        let line_start = starts[line - 1];
        let column = f.text[line_start..start].chars().count() + 1;
        Location {
            file: f.name.clone(),
            line,
            column,
        }
    }

    /// Renders diagnostics for a terminal or a log: a header `error[code]: file:line:col:
    /// message`, then the source line with a caret under the span, then the help. Long lines
    /// are cut to a window around the caret.
    pub fn render(&self, diags: &[Diagnostic], color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let mut out = String::new();
        for d in diags {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let loc = d
                .span
                .map(|s| format!("{}: ", self.location(s)))
                .unwrap_or_default();
            out.push_str(&format!("{kind}[{}]: {loc}{}\n", d.code, d.message));
            let Some((span, f)) = d.span.and_then(|s| self.files.get(s.file).map(|f| (s, f)))
            else {
                if let Some(h) = &d.help {
                    out.push_str(&format!("  help: {}\n", h.replace('\n', "\n        ")));
                }
                continue;
            };
            let start = floor_char_boundary(&f.text, span.start);
            let end = floor_char_boundary(&f.text, span.end.max(start));
            let line_start = f.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = f.text[start..]
                .find('\n')
                .map_or(f.text.len(), |i| start + i);
            // A span running on into a long line is shown on its first line only.
            let end = if f.text[start..end].lines().any(|l| l.len() > MAX_SHOWN_LINE) {
                end.min(line_end)
            } else {
                end
            };
            // The lines around the caret are shown only when short: a huge neighbouring line
            // (generated text) would make the message huge, and past 65,535 columns the
            // renderer cannot format it at all.
            if line_end - line_start > MAX_SHOWN_LINE
                || !neighbours_are_short(&f.text, line_start, line_end)
            {
                out.push_str(&window(
                    d,
                    &f.text[line_start..line_end],
                    start - line_start,
                ));
                continue;
            }
            let mut md = MietteDiagnostic::new(d.message.clone()).with_label(LabeledSpan::new(
                Some(d.label_text().to_string()),
                start,
                end - start,
            ));
            if let Some(h) = &d.help {
                md = md.with_help(h.clone());
            }
            md = md.with_severity(match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            });
            let handler = GraphicalReportHandler::new_themed(theme.clone()).with_context_lines(1);
            let report = miette::Report::new(md)
                .with_source_code(NamedSource::new(f.name.clone(), f.text.clone()));
            let mut s = String::new();
            if handler.render_report(&mut s, report.as_ref()).is_ok() {
                // The first lines repeat the message printed in the header, wrapped to the
                // terminal's width: the snippet starts at its frame (`╭─[file:line:col]`).
                let lines: Vec<&str> = s.lines().collect();
                let frame = lines.iter().position(|l| l.contains("╭─[")).unwrap_or(1);
                let body = &lines[frame..];
                out.push_str(&body.join("\n"));
                out.push('\n');
            }
        }
        out
    }
}

impl SourceMap {
    /// Renders diagnostics as plain text, for JUnit XML and logs: the header `error[code]:
    /// file:line:col: message`, the source line (cut to a window around the caret when long)
    /// as `LINE | text` with `^` under the span and its label, then `help: …`. ASCII frames,
    /// no colour.
    pub fn render_plain(&self, diags: &[Diagnostic]) -> String {
        let mut out = String::new();
        for d in diags {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let loc = d
                .span
                .map(|s| format!("{}: ", self.location(s)))
                .unwrap_or_default();
            out.push_str(&format!("{kind}[{}]: {loc}{}\n", d.code, d.message));
            if let Some((span, f)) = d.span.and_then(|s| self.files.get(s.file).map(|f| (s, f))) {
                let start = floor_char_boundary(&f.text, span.start);
                let line_start = f.text[..start].rfind('\n').map_or(0, |i| i + 1);
                let line_end = f.text[start..]
                    .find('\n')
                    .map_or(f.text.len(), |i| start + i);
                let end = floor_char_boundary(&f.text, span.end.clamp(start, line_end));
                let line = &f.text[line_start..line_end];
                let before: Vec<char> = line[..start - line_start].chars().collect();
                let skip = before.len().saturating_sub(WINDOW);
                let lead = if skip > 0 { "..." } else { "" };
                let rest: Vec<char> = line[start - line_start..].chars().collect();
                let tail = if rest.len() > WINDOW { "..." } else { "" };
                let shown: String = before[skip..]
                    .iter()
                    .chain(rest.iter().take(WINDOW))
                    .collect();
                let number = self.location(span).line.to_string();
                let gutter = " ".repeat(number.len());
                let pad = lead.len() + before.len() - skip;
                let carets = f.text[start..end].chars().count().clamp(1, WINDOW);
                out.push_str(&format!("  {number} | {lead}{shown}{tail}\n"));
                out.push_str(&format!(
                    "  {gutter} | {}{} {}\n",
                    " ".repeat(pad),
                    "^".repeat(carets),
                    d.label_text()
                ));
            }
            if let Some(h) = &d.help {
                out.push_str(&format!("  help: {}\n", h.replace('\n', "\n        ")));
            }
        }
        out
    }
}

/// A long line as a window of [`WINDOW`] characters each side of the caret at byte `at`.
fn window(d: &Diagnostic, line: &str, at: usize) -> String {
    let before: Vec<char> = line[..at].chars().collect();
    let after: Vec<char> = line[at..].chars().collect();
    let skip = before.len().saturating_sub(WINDOW);
    let lead = if skip > 0 { "…" } else { "" };
    let tail = if after.len() > WINDOW { "…" } else { "" };
    let shown_before: String = before[skip..].iter().collect();
    let shown_after: String = after.iter().take(WINDOW).collect();
    let pad = lead.chars().count() + before.len() - skip;
    let mut out = format!("  │ {lead}{shown_before}{shown_after}{tail}\n");
    out.push_str(&format!("  │ {}^ {}\n", " ".repeat(pad), d.label_text()));
    if let Some(h) = &d.help {
        out.push_str(&format!("  help: {h}\n"));
    }
    out
}

/// True when the lines just before `line_start` and just after `line_end` are at most
/// [`MAX_SHOWN_LINE`] bytes long.
fn neighbours_are_short(text: &str, line_start: usize, line_end: usize) -> bool {
    let before = text[..line_start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .unwrap_or("");
    let after = text
        .get(line_end + 1..)
        .and_then(|t| t.split('\n').next())
        .unwrap_or("");
    before.len() <= MAX_SHOWN_LINE && after.len() <= MAX_SHOWN_LINE
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Code;

    #[test]
    fn locations_count_lines_and_characters() {
        let mut m = SourceMap::default();
        let f = m.add("a.kb", "p(a).\nq(é, b).");
        let loc = m.location(Span::new(f, 13, 14));
        assert_eq!(loc.to_string(), "a.kb:2:7");
    }

    #[test]
    fn plain_rendering_has_no_frames_and_cuts_long_lines() {
        let mut m = SourceMap::default();
        let f = m.add("q.kbq", "p(a).\nnosuch? x.\n");
        let d = Diagnostic::error(Code::Input, "unknown predicate", Span::new(f, 6, 12))
            .with_help("did you mean `p`");
        let s = m.render_plain(&[d]);
        assert_eq!(
            s,
            "error[input]: q.kbq:2:1: unknown predicate\n  2 | nosuch? x.\n    | ^^^^^^ read here\n  help: did you mean `p`\n"
        );
        let long = format!("p({}?).", "a, ".repeat(1000));
        let f = m.add("l.kb", long.as_str());
        let at = long.find('?').unwrap();
        let s = m.render_plain(&[Diagnostic::error(
            Code::Input,
            "bad",
            Span::new(f, at, at + 1),
        )]);
        assert!(s.lines().all(|l| l.len() < 3 * WINDOW), "{s}");
        assert!(s.contains("  1 | ...a, a, "), "{s}");
        assert!(s.contains(", a, ?).\n"), "{s}");
    }

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let mut m = SourceMap::default();
        let text = format!("p({}, ?).", "a, ".repeat(30_000));
        let at = text.find('?').unwrap();
        let f = m.add("long.kb", text);
        let d = Diagnostic::error(Code::Syntax, "syntax error", Span::new(f, at, at + 1));
        let out = m.render(&[d], false);
        assert!(out.len() < 1000, "{} bytes", out.len());
        assert!(out.contains("long.kb:1:90005"), "{out}");
        assert!(out.contains("…"), "{out}");
    }

    #[test]
    fn a_huge_line_next_to_the_error_is_not_shown() {
        // The line before and the line after the error are 90,000 columns long; the error's own
        // line is short. Neither neighbour may be printed (and the renderer must not panic).
        let long = format!("p({}a).", "a, ".repeat(30_000));
        let text = format!("{long}\nq(?).\n{long}\n");
        let at = text.find('?').unwrap();
        let mut m = SourceMap::default();
        let f = m.add("ctx.kb", text);
        let d = Diagnostic::error(Code::Syntax, "syntax error", Span::new(f, at, at + 1));
        let out = m.render(&[d], false);
        assert!(out.len() < 1000, "{} bytes", out.len());
        assert!(out.contains("ctx.kb:2:3") && out.contains("q(?)."), "{out}");
        // A span from a short line into a long one is cut at the end of its first line.
        let d = Diagnostic::error(Code::Syntax, "syntax error", Span::new(f, at, at + 50_000));
        assert!(m.render(&[d], false).len() < 1000);
    }
}
