//! `supportkb query Q…`: answers each query, in order; `--fail-unless` / `--fail-on` turn
//! verdicts into exit 1.

use super::Context;
use super::args::FailOn;
use super::output::{self, Exit};
use supportkb::query::Answer;
use supportkb::render::{Format, render};

/// The queries to answer with where each is written: the arguments (`<query>`), or for `-`
/// the statements of standard input, each at its line (`<stdin>`, with the lines before it
/// blank so that diagnostics give the input's line).
/// A line of standard input that is not UTF-8 is reported at its place, not read, and makes
/// the exit status 2 (`bad`); the other lines are answered.
fn queries_of(
    args: &[String],
    bad: &mut bool,
) -> Result<Vec<(String, &'static str, String)>, Exit> {
    let mut out = Vec::new();
    for a in args {
        if a != "-" {
            out.push((a.clone(), "<query>", a.clone()));
            continue;
        }
        let mut bytes = Vec::new();
        if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes) {
            supportkb::render::emit_err(&format!("error: cannot read standard input: {e}\n"));
            return Err(Exit::Rejected);
        }
        let (text, errors) = supportkb::repl::script_text(&bytes);
        for (_, e) in &errors {
            supportkb::render::emit_err(e);
        }
        *bad |= !errors.is_empty();
        for (line, stmt) in supportkb::repl::split_statements(&text) {
            let shown = stmt.trim().to_string();
            out.push((shown, "<stdin>", format!("{}{stmt}", "\n".repeat(line - 1))));
        }
    }
    Ok(out)
}

pub fn query(cx: &Context, args: &[String], fail: &FailOn) -> Exit {
    let mut bad = false;
    let queries = match queries_of(args, &mut bad) {
        Ok(q) => q,
        Err(e) => return e,
    };
    // `why` and `why not` on a SQL engine answer from the model the database holds when it
    // is current (other questions evaluate the knowledge base as before).
    let load = supportkb::query::LoadConfig {
        reuse_stored: true,
        ..cx.load.clone()
    };
    let mut session = match cx.load_with(&cx.kb, &load) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if let Some(e) = fail.unknown_verdict(session.kb.interner.values()) {
        supportkb::render::emit_err(&format!("error: {e}\n"));
        return Exit::Rejected;
    }
    output::warnings(&session.kb.sources, &session.kb.evaluation_warnings());
    let mut exit = if bad { Exit::Rejected } else { Exit::Ok };
    let mut docs = Vec::new();
    for (i, (q, name, text)) in queries.iter().enumerate() {
        let answer = session
            .parse_query(text, name)
            .and_then(|parsed| session.answer(&parsed, cx.opts.for_reading()));
        for note in session.take_notes() {
            supportkb::render::emit_err(&format!("note: {note}\n"));
        }
        match answer {
            Ok(a) => {
                show(cx, &mut docs, queries.len(), i, q, &a);
                if let Some(flag) = fail.fails(&a.verdict_kind()) {
                    supportkb::render::emit_err(&format!(
                        "failed: `{q}` answered {} ({flag})\n",
                        a.verdict()
                    ));
                    exit = exit.max(Exit::Failed);
                }
            }
            Err(e) => {
                exit = exit.max(output::query_error_of(
                    cx.format,
                    &session.kb.sources,
                    &e,
                    Some(q),
                ))
            }
        }
    }
    // One document for one query or many: `answers` in order, `errors` beside them.
    if cx.format == Format::Json {
        output::json_document(serde_json::json!({ "answers": docs }));
    }
    exit
}

/// Prints answer `i` of `n` (text: headed by its query when there are several), or keeps
/// it for the one JSON document.
fn show(cx: &Context, docs: &mut Vec<serde_json::Value>, n: usize, i: usize, q: &str, a: &Answer) {
    match cx.format {
        Format::Json => docs.push(supportkb::render::Render::json(a)),
        _ => {
            if n > 1 && cx.format == Format::Text {
                output::print(&format!("{}{q}\n", if i > 0 { "\n" } else { "" }));
            }
            output::print(&render(cx.format, a));
        }
    }
}
