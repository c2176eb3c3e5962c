//! `unencoded SOURCE [line N ["QUOTE"] | lines N-M] because "REASON".`: statements of a
//! source's pinned text that the knowledge base deliberately does not encode, and why
//! (navigation text, a pointer to another article, a copy of a statement encoded from
//! another source). `supportkb coverage` counts them as covered, with their reason; the
//! checker verifies each mark against the text (`check::marks`).

use crate::source::Span;

/// Which statements a mark covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MarkPlace {
    /// `line N ["QUOTE"]`: the statements the quote spans, starting in line N; without a
    /// quote, every statement that starts on line N.
    Line {
        /// The line, as written (1-based; a bad one is a diagnostic, not a parse error).
        line: i64,
        /// The quote, when given.
        quote: Option<String>,
    },
    /// `lines N-M`: every statement starting in lines N to M that no clause cites.
    Lines {
        /// First line, 1-based.
        from: i64,
        /// Last line, inclusive.
        to: i64,
    },
    /// No place: every statement of the text that no clause cites.
    Whole,
}

/// One `unencoded` declaration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnencodedDecl {
    /// The declared source whose text it marks.
    pub source: String,
    /// Which statements.
    pub place: MarkPlace,
    /// Why they are not encoded.
    pub reason: String,
    /// Where it was written.
    pub span: Span,
    /// Where the source's name is written.
    pub source_span: Span,
    /// Where the place (`line …`, `lines …`) is written; the source's name for a whole text.
    pub place_span: Span,
    /// Where the reason is written.
    pub reason_span: Span,
}

impl std::fmt::Display for UnencodedDecl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unencoded {}", self.source)?;
        match &self.place {
            MarkPlace::Line { line, quote } => {
                write!(f, " line {line}")?;
                if let Some(q) = quote {
                    write!(f, " {q:?}")?;
                }
            }
            MarkPlace::Lines { from, to } => write!(f, " lines {from}-{to}")?,
            MarkPlace::Whole => {}
        }
        write!(f, " because {:?}.", self.reason)
    }
}
