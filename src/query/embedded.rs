//! The CMG knowledge base embedded in the binary (`rules/cmg/*.kb`, in path order), and the
//! estate rules (`rules/cmg/estate.kb`, `estate_open.kb`) that an inventory adds to it.

use crate::source::SourceText;

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
