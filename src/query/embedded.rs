//! The CMG knowledge base embedded in the binary (`rules/cmg/*.kb`, in path order), and the
//! estate rules (`rules/cmg/estate.kb`, `estate_open.kb`) that an inventory adds to it.

use crate::check::unknown_predicate_message;
use crate::source::{Code, Diagnostic, SourceText};
use std::collections::BTreeSet;

mod files {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The embedded knowledge base's texts, named by their paths in the repository.
pub fn sources() -> Vec<SourceText> {
    files::EMBEDDED
        .iter()
        .map(|(n, t)| SourceText {
            name: n.to_string(),
            text: t.to_string(),
        })
        .collect()
}

/// The estate rules (`rules/cmg/estate*.kb`): the embedded knowledge base read against an
/// inventory (`input … from inventory "clients.csv"`), loaded only when one is given.
pub fn estate_sources() -> Vec<SourceText> {
    files::ESTATE
        .iter()
        .map(|(n, t)| SourceText {
            name: n.to_string(),
            text: t.to_string(),
        })
        .collect()
}

/// Whether `t` is one of the embedded knowledge base's texts (or the estate rules'),
/// unchanged.
pub fn is_embedded(t: &SourceText) -> bool {
    files::EMBEDDED
        .iter()
        .chain(files::ESTATE)
        .any(|(n, text)| *n == t.name && *text == t.text)
}

/// An embedded file other than the knowledge base's (a pinned source text), by its path.
pub fn file(path: &str) -> Option<&'static str> {
    files::EMBEDDED_TEXTS
        .iter()
        .find(|(n, _)| *n == path)
        .map(|(_, t)| *t)
}

/// The predicates of the estate rules (`rules/cmg/estate*.kb`: heads, `decl`s, `input`s),
/// which exist only when an inventory is given.
fn estate_preds() -> BTreeSet<String> {
    let mut preds = BTreeSet::new();
    for (_, text) in files::ESTATE {
        if let Ok(p) = crate::syntax::parse_kb(text, 0) {
            preds.extend(p.clauses.into_iter().map(|c| c.head.pred));
            preds.extend(p.decls.into_iter().map(|d| d.name));
            preds.extend(p.inputs.into_iter().map(|i| i.pred));
        }
    }
    preds
}

/// Adds to each unknown-predicate error of `diags` that names a predicate of the estate
/// rules a help saying that it needs an inventory (for a load without one: `blocked? 1`
/// without `--inventory`).
pub fn hint_estate(diags: &mut [Diagnostic]) {
    let unknown = diags.iter().any(|d| d.code == Code::UnknownPredicate);
    if !unknown {
        return;
    }
    let preds = estate_preds();
    for d in diags
        .iter_mut()
        .filter(|d| d.code == Code::UnknownPredicate)
    {
        let Some(pred) = preds
            .iter()
            .find(|p| d.message == unknown_predicate_message(p))
        else {
            continue;
        };
        let hint = format!(
            "`{pred}` is a predicate of the estate rules, which read an inventory: give \
             `--inventory DIR` (in a query file, `inventory \"DIR\".`)"
        );
        d.help = Some(match d.help.take() {
            Some(h) => format!("{hint}\n{h}"),
            None => hint,
        });
    }
}
