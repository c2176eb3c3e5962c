//! Where an unknown answer points ([`Pointers`]), as text and Markdown: the subjects the
//! question could mean, each with its question and line, and the document's nearest
//! statements.

use crate::query::pointers::{LinePointer, Meant, Pointers};
use std::fmt::Write;

fn line_text(l: &LinePointer) -> String {
    format!("{} line {}: \"{}\"", l.source, l.line, l.text)
}

fn meant_text(m: &Meant) -> String {
    match &m.line {
        Some(l) => format!("{}   ({})", m.ask, line_text(l)),
        None => m.ask.clone(),
    }
}

fn nearest_heading(p: &Pointers) -> String {
    if p.under_predicate {
        format!(
            "the document mentions none of the words {}; what it says under this predicate",
            p.words.join(", ")
        )
    } else {
        format!(
            "the document's statements nearest \"{}\"",
            p.words.join(" ")
        )
    }
}

/// As text, indented under the verdict.
pub fn text(p: &Pointers) -> String {
    let mut out = String::new();
    if !p.could_mean.is_empty() {
        let _ = writeln!(
            out,
            "  \"{}\" could mean any of these {} subjects; ask about one:",
            p.words.join(" "),
            p.could_mean.len()
        );
        for m in &p.could_mean {
            let _ = writeln!(out, "    {}", meant_text(m));
        }
    }
    if !p.near.is_empty() {
        let _ = writeln!(out, "  did you mean:");
        for m in &p.near {
            let _ = writeln!(out, "    {}", meant_text(m));
        }
    }
    if !p.nearest.is_empty() {
        let _ = writeln!(out, "  {}:", nearest_heading(p));
        for l in &p.nearest {
            let _ = writeln!(out, "    {}", line_text(l));
            if let Some(a) = &l.ask {
                let _ = writeln!(out, "      ask: {a}");
            }
        }
    }
    out
}

/// As Markdown lists.
pub fn markdown(p: &Pointers) -> String {
    let mut out = String::new();
    let meant = |m: &Meant| match &m.line {
        Some(l) => format!(
            "- `{}` ({} line {}: \"{}\")",
            m.ask, l.source, l.line, l.text
        ),
        None => format!("- `{}`", m.ask),
    };
    if !p.could_mean.is_empty() {
        let _ = writeln!(
            out,
            "\n\"{}\" could mean any of these {} subjects:\n",
            p.words.join(" "),
            p.could_mean.len()
        );
        for m in &p.could_mean {
            let _ = writeln!(out, "{}", meant(m));
        }
    }
    if !p.near.is_empty() {
        let _ = writeln!(out, "\nDid you mean:\n");
        for m in &p.near {
            let _ = writeln!(out, "{}", meant(m));
        }
    }
    if !p.nearest.is_empty() {
        let mut h = nearest_heading(p);
        if let Some(first) = h.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        let _ = writeln!(out, "\n{h}:\n");
        for l in &p.nearest {
            let ask = l
                .ask
                .as_ref()
                .map_or_else(String::new, |a| format!(" — ask `{a}`"));
            let _ = writeln!(out, "- {} line {}: \"{}\"{ask}", l.source, l.line, l.text);
        }
    }
    out
}
