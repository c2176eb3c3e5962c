//! `supportkb explain Q -o trace.json|trace.md` and `supportkb verify trace.json`.

use super::Context;
use super::output::{self, Exit};
use std::path::Path;
use supportkb::audit::trace::lists_estate_rules;
use supportkb::audit::{Trace, explain as trace_of, verify as verify_trace};
use supportkb::render::{Format, render};
use supportkb::source::{Code, Diagnostic, io_reason, read_text, write_atomic};

pub fn explain(cx: &Context, question: &str, out: Option<&Path>) -> Exit {
    // The format of `-o FILE`: its extension, or --format (one rule, `file_format`).
    let format = match output::written_format(cx, "trace", out) {
        Ok(f) => f,
        Err(m) => return output::rejected(cx.format, Diagnostic::unplaced(Code::Input, m)),
    };
    let mut session = match cx.session() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let trace = match trace_of(&mut session, question, cx.opts) {
        Ok(t) => t,
        Err(e) => return output::query_error(cx.format, &session.kb.sources, &e),
    };
    let as_html = format == Format::Html;
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
                    Format::Html => "HTML",
                    Format::Json => "JSON",
                    Format::Markdown => "Markdown",
                    Format::Text => "text",
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

/// The deepest nesting of arrays and objects `verify` reads: about two levels per proof step,
/// so a proof 100,000 steps deep, more than a trace the limits let `explain` write. The parse
/// grows its stack on the heap (serde_stacker), so the bound is of memory, not of the stack.
pub const MAX_TRACE_DEPTH: usize = 200_000;

/// The byte offset where `text` first nests deeper than [`MAX_TRACE_DEPTH`], if it does
/// (brackets inside strings not counted).
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_TRACE_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses a trace without serde_json's 128-level limit, on a stack that grows as it needs.
fn read_trace(text: &str) -> Result<Trace, serde_json::Error> {
    use serde::Deserialize;
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let trace = Trace::deserialize(serde_stacker::Deserializer::new(&mut de))?;
    de.end()?;
    Ok(trace)
}

pub fn verify(cx: &Context, path: &Path) -> Exit {
    let text = match read_text(path) {
        Ok(t) => t.text,
        Err(d) => return output::rejected(cx.format, d),
    };
    if let Some(at) = too_deep(&text) {
        let d = Diagnostic::unplaced(
            Code::Trace,
            format!(
                "{}: not a JSON trace: nested deeper than {MAX_TRACE_DEPTH} levels (byte {at})",
                path.display()
            ),
        )
        .with_help("a trace supportkb writes nests about two levels per proof step");
        return output::rejected(cx.format, d);
    }
    let trace: Trace = match read_trace(&text) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::unplaced(
                Code::Trace,
                // serde_json says column 0 before a line's first character (an empty
                // file): columns are 1-based here, and the place is said once, in front.
                {
                    let said = e.to_string();
                    let what = said.rsplit_once(" at line ").map_or(said.as_str(), |(w, _)| w);
                    format!(
                        "{}:{}:{}: not a JSON trace: {what}",
                        path.display(),
                        e.line(),
                        e.column().max(1)
                    )
                },
            )
            .with_help("`supportkb explain QUESTION -o trace.json` writes one; Markdown traces are for reading, not verifying");
            return output::rejected(cx.format, d);
        }
    };
    // The knowledge base to verify against: --kb, else the one the trace records.
    let mut embedded = None;
    let (paths, against) = if !cx.kb.is_empty() {
        let shown: Vec<String> = cx.kb.iter().map(|p| p.display().to_string()).collect();
        (cx.kb.clone(), format!("--kb {}", shown.join(" ")))
    } else if trace.embedded {
        // With the estate rules when the trace lists them (or an inventory is given),
        // whatever the folder: the files are the binary's.
        let mut texts = supportkb::query::embedded::sources();
        if lists_estate_rules(&trace.knowledge_base)
            || cx.load.inventory.is_some()
            || trace.inputs.inventory.is_some()
        {
            texts.extend(supportkb::query::embedded::estate_sources());
        }
        embedded = Some(texts);
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
    // The inputs: --inventory / --facts, else the folders the trace records.
    let mut load = cx.load.clone();
    if load.inventory.is_none() && load.facts_dir.is_none() {
        // Recorded as canonical paths; a relative one (an older trace) is looked for from
        // the current folder, then from the trace's.
        let beside = path.parent().unwrap_or(Path::new(""));
        let folder = |f: &Option<String>| {
            f.as_ref().map(|f| {
                let f = std::path::PathBuf::from(f);
                if f.is_relative() && !f.is_dir() && beside.join(&f).is_dir() {
                    beside.join(f)
                } else {
                    f
                }
            })
        };
        load.inventory = folder(&trace.inputs.inventory);
        load.facts_dir = folder(&trace.inputs.facts);
        let gone: Vec<String> = [&load.inventory, &load.facts_dir]
            .into_iter()
            .flatten()
            .filter(|d| !d.is_dir())
            .map(|d| d.display().to_string())
            .collect();
        if !gone.is_empty() {
            let d = Diagnostic::unplaced(
                Code::Trace,
                format!(
                    "{}: the trace was made with input folders that are not here: {}",
                    path.display(),
                    gone.join(", ")
                ),
            )
            .with_help(
                "pass --inventory DIR (or --facts DIR) to verify it against inputs of your choice",
            );
            return output::rejected(cx.format, d);
        }
    }
    let loaded = match embedded {
        Some(texts) => cx.load_texts(texts, &load),
        None => cx.load_with(&paths, &load),
    };
    let mut session = match loaded {
        Ok(s) => s,
        Err(e) => return e,
    };
    output::warnings(&session.kb.sources, &session.kb.evaluation_warnings());
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
