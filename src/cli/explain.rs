//! `supportkb explain Q -o trace.json|trace.md` and `supportkb verify trace.json`.

use super::Context;
use super::output::{self, Exit};
use std::path::Path;
use supportkb::audit::{Trace, explain as trace_of, verify as verify_trace};
use supportkb::render::{Format, render};
use supportkb::source::{Code, Diagnostic, io_reason, read_text, write_atomic};

pub fn explain(cx: &Context, question: &str, out: Option<&Path>) -> Exit {
    let mut session = match cx.session() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let trace = match trace_of(&mut session, question, cx.opts) {
        Ok(t) => t,
        Err(e) => return output::query_error(cx.format, &session.kb.sources, &e),
    };
    // --format json, markdown or html chooses; otherwise the extension (.json, .md, .html), and text.
    let ext = out.and_then(|p| p.extension()).and_then(|e| e.to_str());
    let as_html = cx.format == Format::Html
        || (cx.format == Format::Text && ext.is_some_and(|e| e.eq_ignore_ascii_case("html")));
    let format = match (cx.format, ext) {
        (Format::Json | Format::Markdown, _) => cx.format,
        (Format::Html, _) => Format::Text,
        (Format::Text, Some("json")) => Format::Json,
        (Format::Text, Some("md" | "markdown")) => Format::Markdown,
        (Format::Text, _) => Format::Text,
    };
    let body = if as_html {
        supportkb::render::html::trace(&trace, &pinned_lines(&session.kb))
    } else {
        render(format, &trace)
    };
    match out {
        None if cx.format == Format::Json => {
            output::json_document(supportkb::render::Render::json(&trace))
        }
        None => output::print(&body),
        Some(path) => {
            if let Err(e) = write_atomic(path, body.as_bytes()) {
                let d = Diagnostic::unplaced(
                    Code::Io,
                    format!("cannot write {}: {}", path.display(), io_reason(&e)),
                );
                return output::rejected(cx.format, d);
            }
            supportkb::render::emit_err(&format!(
                "wrote {} ({}, verdict {})\n",
                path.display(),
                match format {
                    _ if as_html => "HTML",
                    Format::Json => "JSON",
                    Format::Markdown => "Markdown",
                    Format::Text | Format::Html => "text",
                },
                trace.answer.verdict()
            ));
        }
    }
    Exit::Ok
}

/// The pinned texts of `kb`, for citations shown in context.
pub fn pinned_lines(kb: &supportkb::query::KnowledgeBase) -> supportkb::render::html::PinnedLines {
    supportkb::render::html::PinnedLines::new(
        kb.pinned.iter().map(|(n, t)| (n.as_str(), t.text.as_str())),
    )
}

pub fn verify(cx: &Context, path: &Path) -> Exit {
    let text = match read_text(path) {
        Ok(t) => t.text,
        Err(d) => return output::rejected(cx.format, d),
    };
    let trace: Trace = match serde_json::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::unplaced(
                Code::Trace,
                format!("{}:{}:{}: not a JSON trace: {e}", path.display(), e.line(), e.column()),
            )
            .with_help("`supportkb explain QUESTION -o trace.json` writes one; Markdown traces are for reading, not verifying");
            return output::rejected(cx.format, d);
        }
    };
    // The knowledge base to verify against: --kb, else the one the trace records.
    let (paths, against) = if !cx.kb.is_empty() {
        let shown: Vec<String> = cx.kb.iter().map(|p| p.display().to_string()).collect();
        (cx.kb.clone(), format!("--kb {}", shown.join(" ")))
    } else if trace.embedded {
        (
            Vec::new(),
            format!(
                "the embedded knowledge base (supportkb {})",
                env!("CARGO_PKG_VERSION")
            ),
        )
    } else {
        let files: Vec<std::path::PathBuf> = trace
            .knowledge_base
            .iter()
            .map(|f| std::path::PathBuf::from(&f.path))
            .collect();
        let gone: Vec<String> = files
            .iter()
            .filter(|f| !f.is_file())
            .map(|f| f.display().to_string())
            .collect();
        if !gone.is_empty() {
            let d = Diagnostic::unplaced(
                Code::Trace,
                format!(
                    "{}: the trace was made with files that are not here: {}",
                    path.display(),
                    gone.join(", ")
                ),
            )
            .with_help("pass --kb PATH to verify it against a knowledge base of your choice");
            return output::rejected(cx.format, d);
        }
        (files, "the files the trace names".to_string())
    };
    let mut session = match cx.session_at(&paths) {
        Ok(s) => s,
        Err(e) => return e,
    };
    match verify_trace(&mut session, &trace, &against) {
        Ok(v) => {
            output::doc(cx.format, &v);
            if v.ok { Exit::Ok } else { Exit::Failed }
        }
        Err(mut d) => {
            d.message = format!("{}: {}", path.display(), d.message);
            output::rejected(cx.format, d)
        }
    }
}
