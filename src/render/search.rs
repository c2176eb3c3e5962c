//! Search results ([`SearchReport`]) as text and Markdown: each hit with its place, the
//! clauses citing it and a question to ask.

use super::Render;
use crate::query::search::{HitKind, SearchHit, SearchReport};
use std::fmt::Write;

/// Citing clauses shown per hit in text (JSON lists them all).
const SHOWN_CITATIONS: usize = 3;

/// Where a hit stands: `cmg line 59 (table row)`, `predicate supported/3`.
pub fn place(h: &SearchHit) -> String {
    let lines = match (h.line, h.end_line) {
        (Some(l), Some(e)) if e > l => format!(" lines {l}-{e}"),
        (Some(l), _) => format!(" line {l}"),
        _ => String::new(),
    };
    match h.kind {
        HitKind::Predicate => format!("predicate {}", h.predicate.as_deref().unwrap_or("")),
        HitKind::Statement => format!(
            "{}{lines} ({})",
            h.source.as_deref().unwrap_or(""),
            h.statement_kind.map_or("statement", |k| k.label())
        ),
        HitKind::Quote | HitKind::Note => format!(
            "{}{lines} ({})",
            h.source.as_deref().unwrap_or(""),
            if h.kind == HitKind::Note {
                "note"
            } else {
                "quote"
            }
        ),
    }
}

/// Characters of the words searched that a report repeats; the rest is counted, not shown.
const SHOWN_QUERY: usize = 80;

/// The words searched as a report repeats them: a long search is cut, with its length.
fn shown(query: &str) -> String {
    match query.char_indices().nth(SHOWN_QUERY) {
        Some((at, _)) => format!("{}… ({} characters)", &query[..at], query.chars().count()),
        None => query.to_string(),
    }
}

/// The report as text.
pub fn text(r: &SearchReport) -> String {
    let mut out = String::new();
    if r.hits.is_empty() && crate::query::search::index::words(&r.query).is_empty() {
        let _ = writeln!(
            out,
            "{:?} has only words too common to search for (such as \"the\", \"is\", \"with\"); give words of what you look for",
            shown(&r.query)
        );
        return out;
    }
    if r.hits.is_empty() && r.matched > 0 {
        let _ = writeln!(
            out,
            "0 of {} matches for {:?} shown (the limit is 0)",
            r.matched,
            shown(&r.query)
        );
        return out;
    }
    if r.hits.is_empty() {
        let _ = writeln!(
            out,
            "nothing in the pinned texts, quotes, notes or predicate documentation mentions {:?}",
            shown(&r.query)
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{} of {} matches for {:?}, best first\n",
        r.hits.len(),
        r.matched,
        shown(&r.query)
    );
    for (i, h) in r.hits.iter().enumerate() {
        let _ = writeln!(out, "{:>2}. {}: {}", i + 1, place(h), h.text);
        for c in h.cited_by.iter().take(SHOWN_CITATIONS) {
            let _ = writeln!(out, "      cited by {} {}", c.location, c.clause);
        }
        if h.cited_by.len() > SHOWN_CITATIONS {
            let _ = writeln!(
                out,
                "      and {} more (--format json lists them)",
                h.cited_by.len() - SHOWN_CITATIONS
            );
        }
        if let Some(m) = &h.not_encoded {
            let _ = writeln!(out, "      not encoded: {m}");
        } else if h.cited_by.is_empty() && h.kind != HitKind::Predicate {
            let _ = writeln!(out, "      no clause cites it");
        }
        if !h.same_text.is_empty() {
            let _ = writeln!(out, "      the same text at {}", h.same_text.join(", "));
        }
        if let Some(q) = &h.ask {
            let _ = writeln!(out, "      ask: {q}");
        }
    }
    out
}

/// The report as Markdown.
pub fn markdown(r: &SearchReport) -> String {
    let mut out = format!("# Search: {}\n\n", shown(&r.query));
    if r.hits.is_empty() {
        out.push_str("No match.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "{} of {} matches, best first.\n",
        r.hits.len(),
        r.matched
    );
    for (i, h) in r.hits.iter().enumerate() {
        let _ = writeln!(out, "{}. **{}**: {}", i + 1, place(h), h.text);
        for c in &h.cited_by {
            let _ = writeln!(out, "   - cited by `{}` `{}`", c.location, c.clause);
        }
        if let Some(m) = &h.not_encoded {
            let _ = writeln!(out, "   - not encoded: {m}");
        }
        if !h.same_text.is_empty() {
            let _ = writeln!(out, "   - the same text at {}", h.same_text.join(", "));
        }
        if let Some(q) = &h.ask {
            let _ = writeln!(out, "   - ask: `{q}`");
        }
    }
    out
}

impl Render for SearchReport {
    fn text(&self) -> String {
        text(self)
    }
    fn markdown(&self) -> String {
        markdown(self)
    }
    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}
