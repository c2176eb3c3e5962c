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
