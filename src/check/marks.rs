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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Quoting {
    /// The annotation (`@cite` or `@note`), by its span.
    pub annotation: Span,
    /// Whether the quote covers the whole statement (else a part of it).
    pub whole: bool,
}

/// A pinned text as statements, with what covers each.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    let mut out: Vec<SourceStatements> = program
        .sources
        .iter()
        .filter_map(|s| statements_of(program, texts, citations, &s.name))
        .collect();
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
                    .map(|s| crate::check::did_you_mean_text(&[s])),
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

/// One source's statements with the annotations quoting each; `None` when the
/// source pins no text that loaded.
fn statements_of(
    program: &Program,
    texts: &PinnedTexts,
    citations: &CitationCheck,
    source: &str,
) -> Option<SourceStatements> {
    let (Some(lines), Some(Ok(loaded))) = (citations.lines.get(source), texts.get(source)) else {
        return None;
    };
    let path = &loaded.path;
    let statements = split(&loaded.text, lines, path.ends_with(".md"));
    let mut cited = vec![Vec::new(); statements.len()];
    let annotations = program
        .clauses
        .iter()
        .flat_map(|c| c.cites.iter().chain(&c.notes))
        .filter(|a| a.source == source);
    for a in annotations {
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
    Some(SourceStatements {
        source: source.to_string(),
        path: path.clone(),
        lines: lines.len(),
        marked: vec![None; statements.len()],
        statements,
        cited,
    })
}

/// Applies mark `index` to `text`; the warning when it is misplaced or not needed.
fn apply(
    program: &Program,
    text: &mut SourceStatements,
    index: usize,
    m: &UnencodedDecl,
    citations: &CitationCheck,
) -> Option<Diagnostic> {
    let chosen = match &m.place {
        MarkPlace::Line { line, quote } => {
            line_statements(program, text, m, *line, quote.as_deref(), citations)
        }
        MarkPlace::Lines { from, to } => range_statements(text, m, *from, *to),
        MarkPlace::Whole => whole_statements(text, m),
    };
    match chosen {
        Ok(chosen) => {
            for i in chosen {
                text.marked[i] = Some(index);
            }
            None
        }
        Err(d) => Some(d),
    }
}

/// A warning about the mark's line or lines.
fn line_warning(m: &UnencodedDecl, message: String) -> Diagnostic {
    Diagnostic::warning(Code::MarkLine, message, m.place_span)
}

/// The message for a line past the end of the marked text.
fn past_end(m: &UnencodedDecl, text: &SourceStatements, l: i64) -> String {
    format!(
        "line {l} is past the end of `{}`'s text ({} lines)",
        m.source, text.lines
    )
}

/// The statements `line N ["QUOTE"]` marks, or why it marks none.
fn line_statements(
    program: &Program,
    text: &SourceStatements,
    m: &UnencodedDecl,
    line: i64,
    quote: Option<&str>,
    citations: &CitationCheck,
) -> Result<Vec<usize>, Diagnostic> {
    let l = line;
    if l <= 0 {
        return Err(line_warning(
            m,
            format!("line {l} is not a line of a text (lines count from 1)"),
        )
        .with_label("not a line"));
    }
    let Some(l) = usize::try_from(l).ok().filter(|&l| l <= text.lines) else {
        return Err(line_warning(m, past_end(m, text, l)).with_label("past the end"));
    };
    let chosen: Vec<usize> = match quote {
        Some(q) => {
            let Some(lines) = citations.lines.get(&m.source) else {
                return Ok(Vec::new());
            };
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
                return Err(d);
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
        return Err(line_warning(
            m,
            match within {
                Some(s) => format!(
                    "line {l} starts no statement: it continues the one of line {}",
                    s.line()
                ),
                None => format!("line {l} of `{}`'s text is blank", m.source),
            },
        ));
    }
    match taken(program, text, m, l, &chosen) {
        Some(d) => Err(d),
        None => Ok(chosen),
    }
}

/// The warning when a statement line `l` marks is cited or marked already.
fn taken(
    program: &Program,
    text: &SourceStatements,
    m: &UnencodedDecl,
    l: usize,
    chosen: &[usize],
) -> Option<Diagnostic> {
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
    None
}

/// The statements `lines A-B` marks: those starting in the range not cited or marked yet.
fn range_statements(
    text: &SourceStatements,
    m: &UnencodedDecl,
    from: i64,
    to: i64,
) -> Result<Vec<usize>, Diagnostic> {
    if from <= 0 || from > to {
        return Err(line_warning(
            m,
            format!(
                "lines {from}-{to} are not a range of lines (lines count from 1, the first no later than the last)"
            ),
        ));
    }
    if usize::try_from(to).map_or(true, |t| t > text.lines) {
        return Err(line_warning(m, past_end(m, text, to)).with_label("past the end"));
    }
    let range = (from as usize)..=(to as usize);
    let chosen: Vec<usize> = (0..text.statements.len())
        .filter(|&i| range.contains(&text.statements[i].line()))
        .filter(|&i| text.cited[i].is_empty() && text.marked[i].is_none())
        .collect();
    if chosen.is_empty() {
        return Err(Diagnostic::warning(
            Code::MarkCited,
            format!(
                "no statement of lines {from}-{to} is left to mark: each is cited or marked already"
            ),
            m.place_span,
        )
        .with_label("not needed"));
    }
    Ok(chosen)
}

/// The statements a whole-text mark covers: every one not cited or marked yet.
fn whole_statements(text: &SourceStatements, m: &UnencodedDecl) -> Result<Vec<usize>, Diagnostic> {
    let chosen: Vec<usize> = (0..text.statements.len())
        .filter(|&i| text.cited[i].is_empty() && text.marked[i].is_none())
        .collect();
    if chosen.is_empty() {
        return Err(Diagnostic::warning(
            Code::MarkCited,
            format!(
                "no statement of `{}`'s text is left to mark: each is cited or marked already",
                m.source
            ),
            m.place_span,
        )
        .with_label("not needed"));
    }
    Ok(chosen)
}

/// The clause an annotation belongs to, as written.
fn clause_of(program: &Program, annotation: Span) -> Option<String> {
    program
        .clauses
        .iter()
        .find(|c| c.cites.iter().chain(&c.notes).any(|a| a.span == annotation))
        .map(|c| c.head.to_string())
}
