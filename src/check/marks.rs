//! Coverage of pinned texts: every source that pins its text split into statements
//! ([`super::statements`]), each with the annotations whose verified quote spans it and the
//! `unencoded` mark that covers it; and the checks of those marks.
//!
//! A mark is checked against the text the way a citation is: its source must be declared
//! (an error otherwise) and pin a text, its lines must be lines of it, its quote must stand
//! at its line, and what it marks must not be cited already (warnings, as for citations;
//! `check --strict` makes them errors). Marks apply most specific first: `line` marks, then
//! `lines` ranges, then whole-text marks, each range or whole mark taking the statements no
//! clause cites and no earlier mark took.

use super::citations::{CitationCheck, PinnedTexts};
use super::did_you_mean;
use super::quotes::squash;
use super::statements::{Statement, split};
use crate::source::{Code, Diagnostic, Span, plural};
use crate::syntax::{MarkPlace, Program, UnencodedDecl};

/// An annotation whose verified quote spans a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoting {
    /// The annotation (`@cite` or `@note`), by its span.
    pub annotation: Span,
    /// Whether the quote covers the whole statement (else a part of it).
    pub whole: bool,
}

/// A pinned text as statements, with what covers each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceStatements {
    /// The source's name.
    pub source: String,
    /// The text's file, as shown in messages.
    pub path: String,
    /// Its number of lines.
    pub lines: usize,
    /// Its statements, in order.
    pub statements: Vec<Statement>,
    /// Per statement: the annotations quoting it, in program order.
    pub cited: Vec<Vec<Quoting>>,
    /// Per statement: the `unencoded` mark covering it (an index into
    /// `Program::unencoded`), for statements no annotation quotes.
    pub marked: Vec<Option<usize>>,
}

/// The texts' statements, attributed; warnings and errors for the marks.
pub fn attribute(
    program: &Program,
    texts: &PinnedTexts,
    citations: &CitationCheck,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<SourceStatements> {
    let mut out = Vec::new();
    for s in &program.sources {
        let (Some(lines), Some(Ok(loaded))) = (citations.lines.get(&s.name), texts.get(&s.name))
        else {
            continue;
        };
        let path = &loaded.path;
        let statements = split(&loaded.text, lines, path.ends_with(".md"));
        let mut cited = vec![Vec::new(); statements.len()];
        for c in &program.clauses {
            for a in c
                .cites
                .iter()
                .chain(&c.notes)
                .filter(|a| a.source == s.name)
            {
                let Some(&(from, to)) = citations.quoted.get(&a.span) else {
                    continue;
                };
                for (i, st) in statements.iter().enumerate() {
                    if st.overlaps(from, to) {
                        cited[i].push(Quoting {
                            annotation: a.span,
                            whole: st.within(from, to),
                        });
                    }
                }
            }
        }
        out.push(SourceStatements {
            source: s.name.clone(),
            path: path.clone(),
            lines: lines.len(),
            marked: vec![None; statements.len()],
            statements,
            cited,
        });
    }
    let declared: Vec<&str> = program.sources.iter().map(|s| s.name.as_str()).collect();
    // Most specific first.
    let mut order: Vec<(usize, &UnencodedDecl)> = program.unencoded.iter().enumerate().collect();
    order.sort_by_key(|(i, m)| {
        let rank = match m.place {
            MarkPlace::Line { .. } => 0,
            MarkPlace::Lines { .. } => 1,
            MarkPlace::Whole => 2,
        };
        (rank, *i)
    });
    for (i, m) in order {
        if !declared.contains(&m.source.as_str()) {
            let d = Diagnostic::error(
                Code::UnknownSource,
                format!("`{}` is not a declared source", m.source),
                m.source_span,
            )
            .with_label("marked here")
            .with_help_opt(
                did_you_mean(&m.source, declared.iter().copied())
                    .map(|s| format!("did you mean `{s}`?")),
            );
            errors.push(d);
            continue;
        }
        if m.reason.trim().is_empty() {
            warnings.push(Diagnostic::warning(
                Code::MarkReason,
                "the mark gives no reason",
                m.reason_span,
            ).with_help("say why the statement is not encoded: because \"navigation text\", \"points to another article\", …"));
        }
        let Some(text) = out.iter_mut().find(|t| t.source == m.source) else {
            warnings.push(
                Diagnostic::warning(
                    Code::MarkText,
                    format!("source `{}` pins no text to mark", m.source),
                    m.source_span,
                )
                .with_help(format!(
                    "pin its text: source {} \"Title\" text \"FILE\" sha256 \"…\".",
                    m.source
                )),
            );
            continue;
        };
        if let Some(d) = apply(program, text, i, m, citations) {
            warnings.push(d);
        }
    }
    out
}

/// Applies mark `index` to `text`; the warning when it is misplaced or not needed.
fn apply(
    program: &Program,
    text: &mut SourceStatements,
    index: usize,
    m: &UnencodedDecl,
    citations: &CitationCheck,
) -> Option<Diagnostic> {
    let line_warning =
        |message: String| Some(Diagnostic::warning(Code::MarkLine, message, m.place_span));
    let past_end = |l: i64| {
        format!(
            "line {l} is past the end of `{}`'s text ({} lines)",
            m.source, text.lines
        )
    };
    let chosen: Vec<usize> = match &m.place {
        MarkPlace::Line { line, quote } => {
            let l = *line;
            if l <= 0 {
                return line_warning(format!(
                    "line {l} is not a line of a text (lines count from 1)"
                ))
                .map(|d| d.with_label("not a line"));
            }
            let Some(l) = usize::try_from(l).ok().filter(|&l| l <= text.lines) else {
                return line_warning(past_end(l)).map(|d| d.with_label("past the end"));
            };
            let chosen: Vec<usize> = match quote {
                Some(q) => {
                    let lines = citations.lines.get(&m.source)?;
                    let q = squash(q);
                    let Some((from, to)) = lines.match_range(&q, l) else {
                        let mut d = Diagnostic::warning(
                            Code::QuoteNotFound,
                            format!("the quote is not at line {l} of `{}`'s text", m.source),
                            m.place_span,
                        );
                        if let Some(at) = lines.find(&q) {
                            d.code = Code::QuoteElsewhere;
                            d = d.with_help(format!("it is at line {at}"));
                        }
                        return Some(d);
                    };
                    (0..text.statements.len())
                        .filter(|&i| text.statements[i].overlaps(from, to))
                        .collect()
                }
                None => (0..text.statements.len())
                    .filter(|&i| text.statements[i].line() == l)
                    .collect(),
            };
            if chosen.is_empty() {
                let within = text
                    .statements
                    .iter()
                    .find(|s| s.line() < l && s.end_line() >= l);
                return line_warning(match within {
                    Some(s) => format!(
                        "line {l} starts no statement: it continues the one of line {}",
                        s.line()
                    ),
                    None => format!("line {l} of `{}`'s text is blank", m.source),
                });
            }
            let cited: Vec<usize> = chosen
                .iter()
                .copied()
                .filter(|&i| !text.cited[i].is_empty())
                .collect();
            if let Some(&i) = cited.first() {
                let by = clause_of(program, text.cited[i][0].annotation);
                return Some(
                    Diagnostic::warning(
                        Code::MarkCited,
                        format!(
                            "line {l} is cited ({}): the mark says it is not encoded",
                            by.map_or_else(
                                || plural(text.cited[i].len(), "citation"),
                                |c| format!("by `{c}`")
                            )
                        ),
                        m.place_span,
                    )
                    .with_label("cited elsewhere")
                    .with_help("remove the mark, or give the quote of the statement it means"),
                );
            }
            if let Some(&i) = chosen.iter().find(|&&i| text.marked[i].is_some()) {
                let earlier = text.marked[i].and_then(|e| program.unencoded.get(e));
                return Some(Diagnostic::warning(
                    Code::MarkTwice,
                    format!(
                        "the statement of line {} is already marked not encoded{}",
                        text.statements[i].line(),
                        earlier.map_or_else(String::new, |e| format!(" (because {:?})", e.reason))
                    ),
                    m.place_span,
                ));
            }
            chosen
        }
        MarkPlace::Lines { from, to } => {
            if *from <= 0 || from > to {
                return line_warning(format!(
                    "lines {from}-{to} are not a range of lines (lines count from 1, the first no later than the last)"
                ));
            }
            if usize::try_from(*to).map_or(true, |t| t > text.lines) {
                return line_warning(past_end(*to)).map(|d| d.with_label("past the end"));
            }
            let range = (*from as usize)..=(*to as usize);
            let chosen: Vec<usize> = (0..text.statements.len())
                .filter(|&i| range.contains(&text.statements[i].line()))
                .filter(|&i| text.cited[i].is_empty() && text.marked[i].is_none())
                .collect();
            if chosen.is_empty() {
                return Some(Diagnostic::warning(
                    Code::MarkCited,
                    format!("no statement of lines {from}-{to} is left to mark: each is cited or marked already"),
                    m.place_span,
                ).with_label("not needed"));
            }
            chosen
        }
        MarkPlace::Whole => {
            let chosen: Vec<usize> = (0..text.statements.len())
                .filter(|&i| text.cited[i].is_empty() && text.marked[i].is_none())
                .collect();
            if chosen.is_empty() {
                return Some(
                    Diagnostic::warning(
                        Code::MarkCited,
                        format!(
                            "no statement of `{}`'s text is left to mark: each is cited or marked already",
                            m.source
                        ),
                        m.place_span,
                    )
                    .with_label("not needed"),
                );
            }
            chosen
        }
    };
    for i in chosen {
        text.marked[i] = Some(index);
    }
    None
}

/// The clause an annotation belongs to, as written.
fn clause_of(program: &Program, annotation: Span) -> Option<String> {
    program
        .clauses
        .iter()
        .find(|c| c.cites.iter().chain(&c.notes).any(|a| a.span == annotation))
        .map(|c| c.head.to_string())
}
