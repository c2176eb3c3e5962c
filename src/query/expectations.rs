//! Mistakes in a query file's expectations: an expectation that no answer could meet is an
//! error in the test, not a failed check. `expect cites nosuch.` (no such source),
//! `expect uses nosuchpred.` (no such predicate, or no such file), and a row of another width
//! than the answer's are input errors (exit 2) at the expectation; `expect rows -1.` is
//! rejected by the parser.

use super::{Answer, KnowledgeBase};
use crate::check::did_you_mean;
use crate::source::{Code, Diagnostic, plural};
use crate::syntax::{Expectation, ExpectationAt, ScriptItem};

/// The expectations of `items` that name a source or a predicate `kb` does not have, in file
/// order. Checked before any query runs.
pub(super) fn unknown_names(kb: &KnowledgeBase, items: &[ScriptItem]) -> Vec<Diagnostic> {
    let sources: Vec<&str> = kb
        .checked
        .program
        .sources
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    // The knowledge base's files and the files its facts were read from (an inventory's
    // `clients.csv`): a proof's fact leaf may stand at a row of either.
    let fact_files: Vec<String> = kb
        .fact_files
        .values()
        .flatten()
        .map(|f| f.path.display().to_string())
        .collect();
    let files: Vec<&str> = kb
        .sources
        .files()
        .iter()
        .map(|f| f.name.as_str())
        .chain(fact_files.iter().map(String::as_str))
        .collect();
    let mut out = Vec::new();
    for e in items.iter().flat_map(|i| &i.expectations) {
        let problem = match &e.expectation {
            Expectation::Cites { source, .. } if !sources.contains(&source.as_str()) => {
                let known = if sources.is_empty() {
                    "the knowledge base declares no source".to_string()
                } else {
                    format!("its sources are {}", sources.join(", "))
                };
                Some((
                    format!(
                        "`{}`: the knowledge base declares no source `{source}`",
                        e.expectation
                    ),
                    did_you_mean(source, sources.iter().copied())
                        .map_or(known, |s| crate::check::did_you_mean_text(&[s])),
                ))
            }
            Expectation::Uses(target) => unknown_use(kb, &files, target),
            _ => None,
        };
        if let Some((message, help)) = problem {
            out.push(
                Diagnostic::error(Code::Expectation, message, e.span)
                    .with_label("names nothing in the knowledge base")
                    .with_help(help),
            );
        }
    }
    out
}

/// `expect uses TARGET` with a predicate the knowledge base does not have, or a `file:line`
/// whose file is none of its files: the message and the help.
fn unknown_use(kb: &KnowledgeBase, files: &[&str], target: &str) -> Option<(String, String)> {
    let place = target
        .rsplit_once(':')
        .filter(|(_, l)| l.parse::<usize>().is_ok());
    match place {
        Some((file, _)) => {
            if files.iter().any(|f| f.ends_with(file)) {
                return None;
            }
            let names: Vec<&str> = files
                .iter()
                .map(|f| f.rsplit('/').next().unwrap_or(f))
                .collect();
            Some((
                format!("`expect uses \"{target}\"`: no file of the knowledge base is `{file}`"),
                did_you_mean(file, names.iter().copied()).map_or_else(
                    || {
                        "write the end of a knowledge-base file's path and a line: `features.kb:39`"
                            .to_string()
                    },
                    |f| crate::check::did_you_mean_text(&[f]),
                ),
            ))
        }
        None => {
            if kb.checked.preds.contains_key(target) {
                return None;
            }
            let preds = kb.checked.preds.keys().map(|p| p.as_str());
            Some((
                format!("`expect uses {target}`: the knowledge base has no predicate `{target}`"),
                did_you_mean(target, preds).map_or_else(
                    || "name a predicate (`:preds` in the REPL lists them) or a place `\"file.kb:LINE\"`".to_string(),
                    |p| crate::check::did_you_mean_text(&[p]),
                ),
            ))
        }
    }
}

/// An `expect rows (…)` / `expect row (…)` whose rows have another number of values than the
/// answer has columns: no answer could have that row.
pub(super) fn row_width(e: &ExpectationAt, a: &Answer) -> Option<Diagnostic> {
    let (columns, names) = match a {
        Answer::Question(q) => (q.columns.len(), q.columns.join(", ")),
        Answer::Bindings(b) => (b.vars.len(), b.vars.join(", ")),
        Answer::Why(_) | Answer::WhyNot(_) => return None,
    };
    let rows: Vec<&Vec<_>> = match &e.expectation {
        Expectation::ExactRows(rows) => rows.iter().collect(),
        Expectation::Row(row) => vec![row],
        _ => return None,
    };
    let bad = rows.iter().find(|r| r.len() != columns)?;
    Some(
        Diagnostic::error(
            Code::Expectation,
            format!(
                "`{}`: a row of {}, but the answer has {} ({names})",
                e.expectation,
                plural(bad.len(), "value"),
                plural(columns, "column")
            ),
            e.span,
        )
        .with_label("no answer can have this row")
        .with_help("write one value for each column of the answer, in its order"),
    )
}
