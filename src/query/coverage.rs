//! Coverage of a source: does the knowledge base say everything its document says? Every
//! statement of each pinned text (split by [`crate::check::statements`]) with the clauses
//! whose `@cite` or `@note` quotes it, or the `unencoded` mark that says why none does, or
//! neither; and the share covered (cited or marked).

use super::kb::KnowledgeBase;
use crate::check::did_you_mean;
use crate::check::marks::SourceStatements;
use crate::check::statements::StatementKind;
use crate::source::{Code, Diagnostic, Location, Span};
use serde::Serialize;

/// How a statement is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Covered {
    /// A clause cites it.
    Cited,
    /// A mark says why it is not encoded.
    NotEncoded,
    /// Neither.
    Uncited,
}

/// A clause whose annotation quotes a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CitingClause {
    /// `cite` or `note`.
    pub annotation: &'static str,
    /// Where the annotation is written.
    pub location: Location,
    /// The clause's head (a rule as `head :- …`).
    pub clause: String,
    /// Whether the quote covers the whole statement, not only a part of it.
    pub whole: bool,
}

/// The mark that covers a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarkRef {
    /// Why it is not encoded.
    pub reason: String,
    /// Where the mark is written.
    pub location: Location,
}

/// One statement and what covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementCoverage {
    /// First line.
    pub line: usize,
    /// Last line (the same for a one-line statement).
    pub end_line: usize,
    /// What kind of statement.
    pub kind: StatementKind,
    /// The statement, normalised.
    pub text: String,
    /// Covered how.
    pub covered: Covered,
    /// The clauses citing it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cited_by: Vec<CitingClause>,
    /// The mark saying why it is not encoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_encoded: Option<MarkRef>,
}

/// The coverage of one source's pinned text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceCoverage {
    /// The source.
    pub source: String,
    /// Its title.
    pub title: String,
    /// The pinned text's file.
    pub text: String,
    /// Number of statements.
    pub total: usize,
    /// Statements a clause cites.
    pub cited: usize,
    /// Statements marked not encoded.
    pub not_encoded: usize,
    /// Statements neither cited nor marked.
    pub uncited: usize,
    /// Cited or marked, in percent, rounded down to a tenth (100 only when all are).
    pub covered_percent: f64,
    /// Every statement, in text order.
    pub statements: Vec<StatementCoverage>,
}

/// The coverage of every pinned text asked about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    /// Always `coverage`.
    pub kind: &'static str,
    /// Per source, in declaration order.
    pub sources: Vec<SourceCoverage>,
}

impl CoverageReport {
    /// The lowest share covered of any source, in percent (100 with no source).
    pub fn lowest_percent(&self) -> f64 {
        self.sources
            .iter()
            .map(|s| s.covered_percent)
            .fold(100.0, f64::min)
    }
}

/// `part` of `whole` in percent, rounded down to a tenth: 100 only when nothing is missing.
pub fn percent_down(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    ((part as f64) * 1000.0 / (whole as f64)).floor() / 10.0
}

impl KnowledgeBase {
    /// The coverage of `source`'s pinned text, or of every pinned text.
    ///
    /// Errors ([`Code::UnknownSource`]): `source` is not declared, or pins no text; no
    /// source pins a text.
    pub fn coverage(&self, source: Option<&str>) -> Result<CoverageReport, Diagnostic> {
        let program = &self.checked.program;
        if let Some(name) = source {
            if !program.sources.iter().any(|s| s.name == name) {
                let names = program.sources.iter().map(|s| s.name.as_str());
                let declared: Vec<&str> = names.clone().collect();
                let help = did_you_mean(name, names)
                    .map(|s| crate::check::did_you_mean_text(&[s]))
                    .unwrap_or_else(|| format!("its sources: {}", declared.join(", ")));
                return Err(Diagnostic::unplaced(
                    Code::UnknownSource,
                    format!("the knowledge base declares no source `{name}`"),
                )
                .with_help(help));
            }
            if !self.checked.statements.iter().any(|t| t.source == name) {
                return Err(Diagnostic::unplaced(
                    Code::UnknownSource,
                    format!("source `{name}` pins no text to cover"),
                )
                .with_help(format!(
                    "pin it: source {name} \"Title\" text \"FILE\" sha256 \"…\"."
                )));
            }
        }
        let sources: Vec<SourceCoverage> = self
            .checked
            .statements
            .iter()
            .filter(|t| source.is_none_or(|n| t.source == n))
            .map(|t| self.source_coverage(t))
            .collect();
        if sources.is_empty() {
            return Err(Diagnostic::unplaced(
                Code::UnknownSource,
                "no source of the knowledge base pins its text, so there is nothing to cover",
            )
            .with_help("pin a source's text: source NAME \"Title\" text \"FILE\" sha256 \"…\"."));
        }
        Ok(CoverageReport {
            kind: "coverage",
            sources,
        })
    }

    fn source_coverage(&self, t: &SourceStatements) -> SourceCoverage {
        let program = &self.checked.program;
        let title = program
            .sources
            .iter()
            .find(|s| s.name == t.source)
            .map(|s| s.title.clone())
            .unwrap_or_default();
        let statements: Vec<StatementCoverage> = t
            .statements
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let cited_by: Vec<CitingClause> = t.cited[i]
                    .iter()
                    .filter_map(|q| self.citing_clause(q.annotation, q.whole))
                    .collect();
                let not_encoded =
                    t.marked[i]
                        .and_then(|m| program.unencoded.get(m))
                        .map(|m| MarkRef {
                            reason: m.reason.clone(),
                            location: self.sources.location(m.span),
                        });
                let covered = if !cited_by.is_empty() {
                    Covered::Cited
                } else if not_encoded.is_some() {
                    Covered::NotEncoded
                } else {
                    Covered::Uncited
                };
                StatementCoverage {
                    line: s.line(),
                    end_line: s.end_line(),
                    kind: s.kind,
                    text: s.text.clone(),
                    covered,
                    cited_by,
                    not_encoded,
                }
            })
            .collect();
        let count = |c: Covered| statements.iter().filter(|s| s.covered == c).count();
        let (cited, not_encoded, uncited) = (
            count(Covered::Cited),
            count(Covered::NotEncoded),
            count(Covered::Uncited),
        );
        SourceCoverage {
            source: t.source.clone(),
            title,
            text: t.path.clone(),
            total: statements.len(),
            cited,
            not_encoded,
            uncited,
            covered_percent: percent_down(cited + not_encoded, statements.len()),
            statements,
        }
    }

    /// The clause carrying the annotation written at `span`.
    pub fn citing_clause(&self, span: Span, whole: bool) -> Option<CitingClause> {
        let c = self
            .checked
            .program
            .clauses
            .iter()
            .find(|c| c.cites.iter().chain(&c.notes).any(|a| a.span == span))?;
        let annotation = if c.notes.iter().any(|a| a.span == span) {
            "note"
        } else {
            "cite"
        };
        let clause = if c.is_fact() {
            c.head.to_string()
        } else {
            format!("{} :- …", c.head)
        };
        Some(CitingClause {
            annotation,
            location: self.sources.location(span),
            clause,
            whole,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_down() {
        assert_eq!(percent_down(0, 0), 100.0);
        assert_eq!(percent_down(2, 3), 66.6);
        assert_eq!(percent_down(9999, 10000), 99.9);
        assert_eq!(percent_down(5, 5), 100.0);
    }
}
