//! Citations against the texts they quote: every `@cite` and `@note` of a source that pins
//! its text (`source … text "FILE" sha256 "…"`) is matched at its line ([`super::quotes`]);
//! the lints of citations (a fact citing nothing, an empty quote, a line that is not one).
//! Everything here is a warning; `check --strict` makes warnings errors.

use super::quotes::{Lines, Pos, squash, word_diff};
use crate::source::{Code, Diagnostic, Span, sha256};
use crate::syntax::{Citation, Program};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The text of a pinned source, as the loader read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoadedText {
    /// The file, as shown in messages.
    pub path: String,
    /// Its contents.
    pub text: String,
}

/// Pinned texts by source name; `Err` says why a pinned file could not be read.
pub type PinnedTexts = HashMap<String, Result<LoadedText, String>>;

/// What was verified: the spans of the annotations whose quote is in the pinned text at the
/// cited line.
pub type Verified = BTreeSet<Span>;

/// Where each verified annotation's quote stands in its source's text (from its first
/// character to just past its last), by the annotation's span.
pub type QuotedAt = BTreeMap<Span, (Pos, Pos)>;

/// What checking the citations found.
#[derive(Debug, Clone, Default)]
pub struct CitationCheck {
    /// The annotations verified.
    pub verified: Verified,
    /// Where their quotes stand.
    pub quoted: QuotedAt,
    /// The normalised lines of every pinned text read, by source name.
    pub lines: HashMap<String, Lines>,
}

/// Checks every source's pinned text and every citation; returns the citations verified.
pub fn check_citations(
    program: &Program,
    texts: &PinnedTexts,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> CitationCheck {
    let lines = pinned_lines(program, texts, errors, warnings);
    let cites_anything = program
        .clauses
        .iter()
        .any(|c| !c.cites.is_empty() || !c.notes.is_empty());
    let mut verified = Verified::new();
    let mut quoted = QuotedAt::new();
    for c in &program.clauses {
        if c.is_fact() && c.cites.is_empty() && !program.sources.is_empty() && cites_anything {
            warnings.push(
                Diagnostic::warning(
                    Code::UncitedFact,
                    format!("fact `{}` cites nothing", c.head),
                    c.span,
                )
                .with_help(
                    "add @cite(SOURCE, \"section\", \"the sentence it encodes\", LINE) before it",
                ),
            );
        }
        for a in c.cites.iter().chain(&c.notes) {
            if let Some(range) = verify(a, lines.get(a.source.as_str()), warnings) {
                verified.insert(a.span);
                quoted.insert(a.span, range);
            }
        }
    }
    CitationCheck {
        verified,
        quoted,
        lines,
    }
}

/// The normalised lines of each source's pinned text, by source name; a warning when
/// a text's hash is missing or differs from the pinned one, an error when it cannot be read.
fn pinned_lines(
    program: &Program,
    texts: &PinnedTexts,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> HashMap<String, Lines> {
    let mut lines: HashMap<String, Lines> = HashMap::new();
    for s in &program.sources {
        let Some(pin) = &s.text else { continue };
        match texts.get(&s.name) {
            Some(Ok(t)) => {
                let actual = sha256(&t.text);
                if let Some(want) = &pin.sha256
                    && *want != actual
                {
                    warnings.push(
                        Diagnostic::warning(
                            Code::SourceChanged,
                            format!(
                                "the text of source `{}` ({}) has SHA-256 {actual}, not the pinned {want}",
                                s.name, t.path
                            ),
                            pin.span,
                        )
                        .with_help("the text changed since it was pinned: check every citation of it, then pin the new hash"),
                    );
                }
                if pin.sha256.is_none() {
                    warnings.push(
                        Diagnostic::warning(
                            Code::SourceUnpinned,
                            format!("the text of source `{}` is not pinned by a hash", s.name),
                            pin.span,
                        )
                        .with_help(format!("add sha256 \"{actual}\" after the file name")),
                    );
                }
                let markdown = t.path.ends_with(".md");
                lines.insert(s.name.clone(), Lines::new(&t.text, markdown));
            }
            Some(Err(why)) => errors.push(
                Diagnostic::error(
                    Code::SourceText,
                    format!("cannot read the text of source `{}`: {why}", s.name),
                    pin.span,
                )
                .with_label("pinned here"),
            ),
            None => {}
        }
    }
    lines
}

/// Checks one annotation; where its quote stands when it is at its line.
fn verify(
    a: &Citation,
    text: Option<&Lines>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<(Pos, Pos)> {
    let quote = squash(&a.quote);
    if quote.is_empty() {
        warnings.push(Diagnostic::warning(
            Code::EmptyQuote,
            "the citation quotes nothing",
            a.span,
        ));
        return None;
    }
    if let Some(l) = a.line
        && l <= 0
    {
        warnings.push(Diagnostic::warning(
            Code::CitationLine,
            format!("line {l} is not a line of a text (lines count from 1)"),
            a.span,
        ));
        return None;
    }
    let text = text?;
    let line = a.line.and_then(|l| usize::try_from(l).ok());
    if let Some(l) = line
        && l > text.len()
    {
        warnings.push(Diagnostic::warning(
            Code::CitationLine,
            format!(
                "line {l} is past the end of `{}`'s text ({} lines)",
                a.source,
                text.len()
            ),
            a.span,
        ));
        return None;
    }
    let found = match line {
        Some(l) => text.match_range(&quote, l),
        None => text.find(&quote).and_then(|l| text.match_range(&quote, l)),
    };
    if found.is_some() {
        return found;
    }
    if let Some(at) = text.find(&quote) {
        warnings.push(
            Diagnostic::warning(
                Code::QuoteElsewhere,
                format!(
                    "the quote is in `{}`'s text at line {at}, not at line {}",
                    a.source,
                    line.unwrap_or(0)
                ),
                a.span,
            )
            .with_help(format!("cite line {at}")),
        );
        return None;
    }
    let mut d = Diagnostic::warning(
        Code::QuoteNotFound,
        format!("the quote is not in `{}`'s text", a.source),
        a.span,
    );
    if let Some((at, passage)) = text.closest(&quote) {
        d = d.with_help(format!(
            "closest passage, line {at}: \"{passage}\"; word diff: {}",
            word_diff(&quote, &passage)
        ));
    }
    warnings.push(d);
    None
}
