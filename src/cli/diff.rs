//! `supportkb diff A B [--queries Q.kbq] [--full-proofs] [-o FILE]`.

use super::Context;
use super::output::{self, Exit};
use std::path::{Path, PathBuf};
use supportkb::diff::{Aliases, default_questions, diff as diff_of, script_questions};
use supportkb::render::{Format, render};
use supportkb::source::{Code, Diagnostic, io_reason, read_text, write_atomic};
use supportkb::syntax::{Query, parse_script};

pub fn diff(
    cx: &Context,
    (a, b): (&Path, &Path),
    queries: Option<&Path>,
    full_proofs: bool,
    out: Option<&Path>,
) -> Exit {
    // The format of `-o FILE`: its extension, or --format (one rule, `file_format`).
    let format = match output::written_format(cx, "diff", out) {
        Ok(f) => f,
        Err(m) => return output::rejected(cx.format, Diagnostic::unplaced(Code::Input, m)),
    };
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
        Some(q) => match script_of(cx, q, &mut sa, &sb) {
            Ok(qs) => qs,
            Err(e) => return e,
        },
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
            let body = match format {
                Format::Html => page(),
                format => render(format, &d),
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

/// The questions of the query file `q`, located in it: a syntax error or a predicate
/// neither side declares is an error at its place (exit 2); a query that is not a question
/// (`?- …`, `why …`) is skipped with a warning naming it and its line.
fn script_of(
    cx: &Context,
    q: &Path,
    sa: &mut supportkb::query::Session,
    sb: &supportkb::query::Session,
) -> Result<Vec<supportkb::diff::Asked>, Exit> {
    let text = read_text(q).map_err(|d| output::rejected(cx.format, d))?;
    let file = sa.kb.sources.add(&text.name, &text.text);
    let script = parse_script(&text.text, file).map_err(|d| {
        output::diagnostics(cx.format, &sa.kb.sources, &[d]);
        Exit::Rejected
    })?;
    for i in &script.items {
        let at = sa.kb.sources.location(i.query.span());
        match &i.query {
            Query::Question { pred, span, .. } => {
                let declared =
                    |s: &supportkb::query::Session| s.kb.checked.preds.contains_key(pred);
                if !declared(sa) && !declared(sb) {
                    let d = Diagnostic::error(
                        Code::UnknownPredicate,
                        format!("unknown predicate `{pred}`: neither knowledge base declares it"),
                        *span,
                    );
                    output::diagnostics(cx.format, &sa.kb.sources, &[d]);
                    return Err(Exit::Rejected);
                }
            }
            other => supportkb::render::emit_err(&format!(
                "warning: {at}: `{other}` skipped: diff asks only questions (`p? a …`)\n"
            )),
        }
    }
    Ok(script_questions(&script.items, &sa.kb, &sb.kb))
}
