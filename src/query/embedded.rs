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
    owned(files::EMBEDDED)
}

/// The estate rules (`rules/cmg/estate*.kb`): the embedded knowledge base read against an
/// inventory (`input … from inventory "clients.csv"`), loaded only when one is given.
pub fn estate_sources() -> Vec<SourceText> {
    owned(files::ESTATE)
}

fn owned(list: &[(&str, &str, u64)]) -> Vec<SourceText> {
    list.iter()
        .map(|(n, t, _)| SourceText {
            name: n.to_string(),
            text: t.to_string(),
        })
        .collect()
}

/// Whether `texts` are the embedded knowledge base's texts ([`sources`]), unchanged.
pub fn are_sources(texts: &[SourceText]) -> bool {
    texts.len() == files::EMBEDDED.len()
        && texts
            .iter()
            .zip(files::EMBEDDED)
            .all(|(t, (n, text, _))| *n == t.name && *text == t.text)
}

/// Whether `t` is one of the embedded knowledge base's texts (or the estate rules'),
/// unchanged.
pub fn is_embedded(t: &SourceText) -> bool {
    files::EMBEDDED
        .iter()
        .chain(files::ESTATE)
        .any(|(n, text, _)| *n == t.name && *text == t.text)
}

/// An embedded file other than the knowledge base's (a pinned source text), by its path.
pub fn file(path: &str) -> Option<&'static str> {
    files::EMBEDDED_TEXTS
        .iter()
        .find(|(n, _, _)| *n == path)
        .map(|(_, t, _)| *t)
}

/// Every embedded file: the knowledge base's, the estate rules', the pinned texts, in this
/// order; each with its hash (`fnv::extend_words` of its bytes, made when it was embedded).
fn all() -> impl Iterator<Item = &'static (&'static str, &'static str, u64)> {
    files::EMBEDDED
        .iter()
        .chain(files::ESTATE)
        .chain(files::EMBEDDED_TEXTS)
}

/// The place of `text` among [every embedded file](all), if it is one's contents exactly.
pub(super) fn place_of(text: &str) -> Option<usize> {
    all().position(|(_, t, _)| *t == text)
}

/// The contents of the embedded file at `place` and their hash.
pub(super) fn at(place: usize) -> Option<(&'static str, u64)> {
    all().nth(place).map(|(_, t, h)| (*t, *h))
}

/// The predicates of the estate rules (`rules/cmg/estate*.kb`: heads, `decl`s, `input`s),
/// which exist only when an inventory is given.
fn estate_preds() -> BTreeSet<String> {
    let mut preds = BTreeSet::new();
    for (_, text, _) in files::ESTATE {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_and_hashes_name_the_embedded_files() {
        let mut n = 0;
        while let Some((text, hash)) = at(n) {
            assert_eq!(
                place_of(text),
                Some(n),
                "file {n}: another has its contents"
            );
            let made = crate::source::fnv::extend_words(crate::source::fnv::START, text.as_bytes());
            assert_eq!(hash, made, "file {n}: the hash is not of its contents");
            n += 1;
        }
        assert!(n > files::EMBEDDED.len() + files::ESTATE.len(), "{n} files");
        assert_eq!(place_of("no such text"), None);
        assert!(are_sources(&sources()));
        let mut changed = sources();
        changed[0].text.push(' ');
        assert!(!are_sources(&changed) && !are_sources(&sources()[1..]));
    }
}
