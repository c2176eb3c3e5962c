//! The CMG knowledge base embedded in the binary (`rules/cmg/*.kb`, in path order).

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

/// Whether `t` is one of the embedded knowledge base's texts, unchanged.
pub fn is_embedded(t: &SourceText) -> bool {
    files::EMBEDDED
        .iter()
        .any(|(n, text)| *n == t.name && *text == t.text)
}

/// An embedded file other than the knowledge base's (a pinned source text), by its path.
pub fn file(path: &str) -> Option<&'static str> {
    files::EMBEDDED_TEXTS
        .iter()
        .find(|(n, _)| *n == path)
        .map(|(_, t)| *t)
}
