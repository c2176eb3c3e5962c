//! `supportkb diff A B [--queries Q.kbq] [--full-proofs] [-o FILE]`.

use super::Context;
use super::output::{self, Exit};
use std::path::{Path, PathBuf};
use supportkb::diff::{Aliases, default_questions, diff as diff_of, script_questions};
use supportkb::render::{Format, render};
use supportkb::source::{Code, Diagnostic, io_reason, read_text, write_atomic};
use supportkb::syntax::parse_script;

pub fn diff(
    cx: &Context,
    (a, b): (&Path, &Path),
    queries: Option<&Path>,
    full_proofs: bool,
    out: Option<&Path>,
) -> Exit {
    let mut sa = match cx.session_at(&[PathBuf::from(a)]) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let mut sb = match cx.session_at(&[PathBuf::from(b)]) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let aliases = Aliases::of(&sa.kb, &sb.kb);
    let questions = match queries {
        None => default_questions(&sa.kb, &sb.kb, &aliases),
        Some(q) => {
            let text = match read_text(q) {
                Ok(t) => t,
                Err(d) => return output::rejected(cx.format, d),
            };
            match parse_script(&text.text, 0) {
                Ok(s) => script_questions(&s.items),
                Err(mut d) => {
                    d.message = format!("{}: {}", q.display(), d.message);
                    return output::rejected(cx.format, d);
                }
            }
        }
    };
    let names = (a.display().to_string(), b.display().to_string());
    let mut d = match diff_of(
        &mut sa,
        &mut sb,
        (&names.0, &names.1),
        &questions,
        &aliases,
        cx.opts,
    ) {
        Ok(d) => d,
        Err(e) => return output::query_error(cx.format, &sb.kb.sources, &e),
    };
    d.full_proofs = full_proofs;
    let changed = !d.changes.is_empty();
    let page = || {
        supportkb::render::html::diff(
            &d,
            (
                &super::explain::pinned_lines(&sa.kb),
                &super::explain::pinned_lines(&sb.kb),
            ),
        )
    };
    match out {
        None if cx.format == Format::Html => output::print(&page()),
        None => output::doc(cx.format, &d),
        Some(path) => {
            let body = match (cx.format, path.extension().and_then(|e| e.to_str())) {
                (Format::Json, _) | (Format::Text, Some("json")) => render(Format::Json, &d),
                (Format::Markdown, _) | (Format::Text, Some("md")) => render(Format::Markdown, &d),
                (Format::Html, _) | (Format::Text, Some("html")) => page(),
                _ => render(Format::Text, &d),
            };
            if let Err(e) = write_atomic(path, body.as_bytes()) {
                let d = Diagnostic::unplaced(
                    Code::Io,
                    format!("cannot write {}: {}", path.display(), io_reason(&e)),
                );
                return output::rejected(cx.format, d);
            }
            supportkb::render::emit_err(&format!(
                "wrote {} ({} changed)\n",
                path.display(),
                d.changes.len()
            ));
        }
    }
    if changed { Exit::Failed } else { Exit::Ok }
}
