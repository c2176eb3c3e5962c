//! Diagnostics as data: every pass returns the problems it finds as [`Diagnostic`]s, and
//! [`SourceMap::render`] prints them once, each with `file:line:col` and a caret under the
//! offending text (through miette's graphical report handler).

use crate::syntax::Span;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; does not stop anything.
    Warning,
    /// The input is rejected.
    Error,
}

/// One problem found in a source text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code, e.g. `syntax`, `arity`, `unsafe-variable`, `unstratifiable`.
    pub code: &'static str,
    /// One sentence saying what is wrong.
    pub message: String,
    /// Where; `None` for problems of no single place.
    #[serde(skip)]
    pub span: Option<Span>,
    /// The text under the caret.
    pub label: Option<String>,
    /// What to do about it (e.g. "did you mean `status`?").
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: Some(span),
            label: None,
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span)
        }
    }

    /// Sets the text under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// One source text: a file's path (or a name such as `<query>`) and its contents.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path or name shown in diagnostics.
    pub name: String,
    /// Full text.
    pub text: String,
}

/// Every source text a run has read; a [`Span`]'s `file` indexes into it.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
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

impl SourceMap {
    /// Adds a text; returns its index for [`Span::file`].
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> usize {
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        self.files.len() - 1
    }

    /// The text numbered `file`. Panics on an index this map did not hand out.
    pub fn file(&self, file: usize) -> &SourceFile {
        &self.files[file]
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
        let before = &f.text[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = f.text[line_start..start].chars().count() + 1;
        Location {
            file: f.name.clone(),
            line,
            column,
        }
    }

    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        let Some(f) = self.files.get(span.file) else {
            return "";
        };
        let s = floor_char_boundary(&f.text, span.start);
        let e = floor_char_boundary(&f.text, span.end.max(s));
        &f.text[s..e]
    }

    /// Renders diagnostics for a terminal or a log: a header `error[code]: file:line:col:
    /// message`, then the source line with a caret under the span, then the help.
    pub fn render(&self, diags: &[Diagnostic], color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
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
            let Some(span) = d.span.filter(|s| s.file < self.files.len()) else {
                if let Some(h) = &d.help {
                    out.push_str(&format!("  help: {h}\n"));
                }
                continue;
            };
            let f = &self.files[span.file];
            let start = floor_char_boundary(&f.text, span.start);
            let end = floor_char_boundary(&f.text, span.end.max(start));
            let mut md = MietteDiagnostic::new(d.message.clone()).with_label(LabeledSpan::new(
                Some(d.label.clone().unwrap_or_else(|| "here".into())),
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
            let report = miette::Report::new(md)
                .with_source_code(NamedSource::new(f.name.clone(), f.text.clone()));
            let mut s = String::new();
            if handler.render_report(&mut s, report.as_ref()).is_ok() {
                // The first line repeats the message we already printed in the header.
                let body: Vec<&str> = s.lines().skip(1).collect();
                out.push_str(&body.join("\n"));
                out.push('\n');
            }
        }
        out
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// True if any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}
