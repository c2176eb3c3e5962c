//! A diff of two knowledge bases as text and Markdown: the renames, then each changed
//! answer grouped by what changed, with both answers and the lines they cite (or, with
//! `--full-proofs`, both proof trees).

use super::Render;
use crate::diff::{Change, ChangeKind, Diff};
use crate::explain::Quote;
use crate::query::{Answer, QuestionAnswer};
use std::fmt::Write;

const KINDS: [ChangeKind; 9] = [
    ChangeKind::Added,
    ChangeKind::Removed,
    ChangeKind::Verdict,
    ChangeKind::Condition,
    ChangeKind::Qualifier,
    ChangeKind::Note,
    ChangeKind::Premises,
    ChangeKind::PredicateAdded,
    ChangeKind::PredicateRemoved,
];

/// The answer in one line: the verdict and the rows, `unknown`, or `(no such predicate)`.
pub fn answer_line(a: Option<&QuestionAnswer>) -> String {
    match a {
        None => "(no such predicate)".into(),
        Some(a) if a.rows.is_empty() => "unknown".into(),
        Some(a) => {
            let rows: Vec<String> = a
                .rows
                .iter()
                .map(|r| {
                    let v: Vec<String> = r.iter().map(ToString::to_string).collect();
                    v.join(" ")
                })
                .collect();
            rows.join("; ")
        }
    }
}

/// One cited line of a source, with the quotes of it an answer's proofs rest on.
pub struct Cited<'a> {
    /// The first citation of the line.
    pub first: &'a Quote,
    /// Its quotes, in the order the proofs cite them, none part of another.
    pub quotes: Vec<&'a str>,
}

/// The citations (not the notes) an answer's proofs rest on, each cited line of a source once,
/// whatever section each citation names: a quote that is part of another quote of its line
/// is shown only within that one (one citation quotes a sentence, another the whole line).
/// A citation without a line is one per quote.
pub fn cited(a: Option<&QuestionAnswer>) -> Vec<Cited<'_>> {
    let mut out: Vec<Cited<'_>> = Vec::new();
    let same_line = |x: &Quote, y: &Quote| {
        x.source == y.source
            && x.line == y.line
            && x.verified == y.verified
            && (x.line.is_some() || x.quote == y.quote)
    };
    for p in a.map(|a| &a.proofs[..]).unwrap_or_default() {
        for q in p.quotes() {
            let Some(c) = out.iter_mut().find(|c| same_line(c.first, q)) else {
                out.push(Cited {
                    first: q,
                    quotes: vec![q.quote.as_str()],
                });
                continue;
            };
            if c.quotes.iter().any(|k| k.contains(q.quote.as_str())) {
                continue;
            }
            let new = q.quote.as_str();
            match c.quotes.iter().position(|k| new.contains(k)) {
                Some(i) => {
                    c.quotes[i] = new;
                    c.quotes.retain(|k| *k == new || !new.contains(k));
                }
                None => c.quotes.push(new),
            }
        }
    }
    out
}

fn quote_text(c: &Cited<'_>) -> String {
    let q = c.first;
    let line = q.line.map(|l| format!(" line {l}")).unwrap_or_default();
    let mark = if q.verified { " ✓" } else { "" };
    format!("{}{line}{mark}: \"{}\"", q.source, c.quotes.join("\"; \""))
}

fn summary(d: &Diff) -> String {
    format!(
        "{} → {}: {} asked of both, {} changed, {} renamed",
        d.a.name,
        d.b.name,
        crate::source::plural(d.asked, "question"),
        crate::source::plural(d.changes.len(), "answer"),
        crate::source::plural(d.renames.len(), "name"),
    )
}

fn side_text(out: &mut String, label: &str, q: &str, a: Option<&QuestionAnswer>, full: bool) {
    let _ = writeln!(out, "    {label}: {q}  →  {}", answer_line(a));
    if full {
        if let Some(a) = a {
            for l in super::text::answer(&Answer::Question(a.clone())).lines() {
                let _ = writeln!(out, "       {l}");
            }
        }
        return;
    }
    for c in cited(a) {
        let _ = writeln!(out, "       {}", quote_text(&c));
    }
}

fn change_text(out: &mut String, c: &Change, full: bool) {
    let _ = writeln!(out, "  {}", c.question_b);
    for d in &c.details {
        let _ = writeln!(out, "    {d}");
    }
    if asked(c) {
        side_text(out, "A", &c.question_a, c.a.as_ref(), full);
        side_text(out, "B", &c.question_b, c.b.as_ref(), full);
    }
}

/// Whether the change comes from a question asked of both (not a predicate only one side
/// declares and nothing asked).
fn asked(c: &Change) -> bool {
    !matches!(
        c.kind,
        ChangeKind::PredicateAdded | ChangeKind::PredicateRemoved
    )
}

/// The diff as text.
pub fn text(d: &Diff) -> String {
    let mut out = summary(d);
    out.push('\n');
    if !d.renames.is_empty() {
        out.push_str("\nrenamed (matched through aliases, not changes):\n");
        for r in &d.renames {
            let _ = writeln!(out, "  {} → {}", r.old, r.new);
        }
    }
    for k in KINDS {
        let of: Vec<&Change> = d.changes.iter().filter(|c| c.kind == k).collect();
        if of.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({}):", k.title(), of.len());
        for c in of {
            change_text(&mut out, c, d.full_proofs);
        }
    }
    if d.changes.is_empty() {
        out.push_str("\nno answer changed\n");
    }
    out
}

fn side_markdown(out: &mut String, label: &str, q: &str, a: Option<&QuestionAnswer>, full: bool) {
    let _ = writeln!(out, "- **{label}** `{q}` → `{}`", answer_line(a));
    for c in cited(a) {
        let _ = writeln!(out, "  - {}", quote_text(&c));
    }
    if full && let Some(a) = a {
        let _ = writeln!(out, "\n  ```text");
        for l in super::text::answer(&Answer::Question(a.clone())).lines() {
            let _ = writeln!(out, "  {l}");
        }
        let _ = writeln!(out, "  ```");
    }
}

/// The diff as Markdown.
pub fn markdown(d: &Diff) -> String {
    let mut out = format!("# Diff\n\n{}\n", summary(d));
    if !d.renames.is_empty() {
        out.push_str("\n## Renamed (matched through aliases, not changes)\n\n");
        for r in &d.renames {
            let _ = writeln!(out, "- `{}` → `{}`", r.old, r.new);
        }
    }
    for k in KINDS {
        let of: Vec<&Change> = d.changes.iter().filter(|c| c.kind == k).collect();
        if of.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {} ({})", k.title(), of.len());
        for c in of {
            let _ = writeln!(out, "\n### `{}`\n", c.question_b);
            for l in &c.details {
                let _ = writeln!(out, "- {l}");
            }
            if asked(c) {
                side_markdown(&mut out, "A", &c.question_a, c.a.as_ref(), d.full_proofs);
                side_markdown(&mut out, "B", &c.question_b, c.b.as_ref(), d.full_proofs);
            }
        }
    }
    if d.changes.is_empty() {
        out.push_str("\nNo answer changed.\n");
    }
    out
}

impl Render for Diff {
    fn text(&self) -> String {
        text(self)
    }
    fn markdown(&self) -> String {
        markdown(self)
    }
    fn json(&self) -> serde_json::Value {
        super::to_json(self)
    }
}
