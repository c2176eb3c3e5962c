//! Proof trees drawn with box characters, and why-not reports.

use crate::explain::{BlockCause, Justification, Proof, Quote, WhyNot};
use crate::source::plural;
use std::fmt::Write;

/// `source § section, line N ✓: "quote"`; the mark says the quote was found at that line
/// of the source's pinned text.
fn quote_line(q: &Quote) -> String {
    let line = q.line.map(|l| format!(", line {l}")).unwrap_or_default();
    let mark = if q.verified { " ✓" } else { "" };
    format!("{} § {}{line}{mark}: \"{}\"", q.source, q.section, q.quote)
}

/// Draws a proof tree.
pub fn proof(p: &Proof) -> String {
    let mut out = String::new();
    node(p, "", "", &mut out);
    out
}

pub(super) fn node(p: &Proof, first: &str, rest: &str, out: &mut String) {
    match &p.by {
        Justification::Fact {
            location,
            cites,
            notes,
        } => {
            let _ = writeln!(out, "{first}{}   [fact, {location}]", p.conclusion);
            for c in cites {
                let _ = writeln!(out, "{rest}  cites {}", quote_line(c));
            }
            for n in notes {
                let _ = writeln!(out, "{rest}  note  {}", quote_line(n));
            }
        }
        Justification::Rule {
            rule,
            location,
            substitution,
            cites,
            notes,
        } => {
            let _ = writeln!(out, "{first}{}", p.conclusion);
            let _ = writeln!(out, "{rest}  by rule {rule}   [{location}]");
            if !substitution.is_empty() {
                let _ = writeln!(out, "{rest}  with {}", substitution.text());
            }
            for c in cites {
                let _ = writeln!(out, "{rest}  cites {}", quote_line(c));
            }
            for n in notes {
                let _ = writeln!(out, "{rest}  note  {}", quote_line(n));
            }
        }
        Justification::Builtin => {
            let _ = writeln!(out, "{first}{}   [holds]", p.conclusion);
        }
        Justification::Absent => {
            let _ = writeln!(out, "{first}{}   [no such tuple]", p.conclusion);
        }
        Justification::Aggregate { .. } => {
            let members = plural(p.premises.len(), "member");
            let _ = writeln!(out, "{first}{}   [{members}]", p.conclusion);
        }
        Justification::Member { .. } => {
            let _ = writeln!(out, "{first}member {}", p.conclusion);
        }
    }
    if let Some(h) = p.handle {
        let _ = writeln!(
            out,
            "{rest}  … premises cut at the depth limit: `why #{h}` shows them (in a later command: `why {}`)",
            p.conclusion
        );
    }
    let n = p.premises.len();
    for (i, c) in p.premises.iter().enumerate() {
        let last = i + 1 == n;
        let f = format!("{rest}{}", if last { "└─ " } else { "├─ " });
        let r = format!("{rest}{}", if last { "   " } else { "│  " });
        node(c, &f, &r, out);
    }
}

/// Renders a why-not report.
pub fn why_not(w: &WhyNot) -> String {
    let mut out = String::new();
    why_not_into(w, "", &mut out);
    out
}

fn why_not_into(w: &WhyNot, ind: &str, out: &mut String) {
    if w.depth_limited {
        let more = w.handle.map_or_else(
            || "raise --depth".to_string(),
            |h| {
                format!(
                    "`why #{h}` continues; in a later command: `why not {}`",
                    w.goal
                )
            },
        );
        let verdict = if w.contradicted {
            " — no: the knowledge base says otherwise"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{ind}{} does not hold{verdict} (not explained further: depth limit; {more})",
            w.goal
        );
        return;
    }
    if w.contradicted {
        let _ = writeln!(
            out,
            "{ind}{} does not hold — no: the knowledge base says otherwise",
            w.goal
        );
    } else if !w.has_rules {
        let because = w.unknown_because.as_deref().unwrap_or("no fact gives it");
        let _ = writeln!(
            out,
            "{ind}{} is stated nowhere — unknown: {because}",
            w.goal
        );
    } else if w.rules.is_empty() {
        let _ = writeln!(
            out,
            "{ind}{} does not hold — unknown: no fact or rule gives it",
            w.goal
        );
    } else {
        let _ = writeln!(out, "{ind}{} does not hold:", w.goal);
    }
    if !w.instead.is_empty() {
        let _ = writeln!(
            out,
            "{ind}  {}:",
            if w.contradicted {
                "instead it states"
            } else {
                "it states about the subject (information, not an answer)"
            }
        );
        for p in &w.instead {
            let sub_first = format!("{ind}    ");
            node(p, &sub_first, &sub_first, out);
        }
    }
    for t in &w.rules {
        let b = &t.blocked;
        let _ = writeln!(out, "{ind}  rule {}   [{}]", t.rule, t.location);
        let _ = writeln!(
            out,
            "{ind}    blocked at `{}` [{}]: {} reached it, none passed",
            b.literal,
            b.location,
            plural(b.reached, "binding")
        );
        if !b.example.is_empty() {
            let _ = writeln!(
                out,
                "{ind}    e.g. with {}: {}",
                b.example.text(),
                b.instance
            );
        }
        match &b.cause {
            BlockCause::Missing { why_not } => why_not_into(why_not, &format!("{ind}    "), out),
            BlockCause::BlockedBy { proof } => {
                let _ = writeln!(out, "{ind}    blocked because this holds:");
                let sub = format!("{ind}      ");
                node(proof, &sub, &sub, out);
            }
            BlockCause::Fails => {
                let _ = writeln!(out, "{ind}    {} is false", b.instance);
            }
            BlockCause::Undefined { reason } => {
                let _ = writeln!(
                    out,
                    "{ind}    {reason}, so the comparison has no value and fails"
                );
            }
            BlockCause::Reached { reason } => {
                let _ = writeln!(out, "{ind}    {reason}");
            }
            BlockCause::Circular => {
                let _ = writeln!(
                    out,
                    "{ind}    {} is the goal being explained further up: it would need itself",
                    b.instance
                );
            }
        }
    }
}
