//! Source positions: a byte range in one text of a [`SourceMap`](super::SourceMap).

/// A byte range `start..end` in the source text numbered `file` of a
/// [`SourceMap`](super::SourceMap).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Span {
    /// Index of the source text in its [`SourceMap`](super::SourceMap).
    pub file: usize,
    /// First byte (inclusive).
    pub start: usize,
    /// Last byte (exclusive).
    pub end: usize,
}

impl Span {
    /// The span `start..end` of text `file`.
    pub fn new(file: usize, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }
}
