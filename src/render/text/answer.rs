//! Answers as text: the verdict, the answer rows as a table, and the proofs.

use super::proof::{proof, why_not};
use super::{cell, table};
use crate::query::{Answer, BindingsAnswer, QuestionAnswer, WhyAnswer};
use crate::source::plural;
use std::fmt::Write;

/// Renders an answer as text.
pub fn answer(a: &Answer) -> String {
    let (mut out, errors) = match a {
        Answer::Question(q) => (question(q), &q.proof_errors),
        Answer::Bindings(b) => (bindings(b), &b.proof_errors),
        Answer::Why(w) => (why(w), &w.proof_errors),
        Answer::WhyNot(w) => (why_not_answer(w), &w.proof_errors),
    };
    let unused = match a {
        Answer::Question(q) => &q.unused_rules[..],
        Answer::Bindings(b) => &b.unused_rules[..],
        Answer::Why(w) | Answer::WhyNot(w) => &w.unused_rules[..],
    };
    let answered = !a.rows().is_empty();
    for u in unused {
        let _ = writeln!(
            out,
            "\nnote: {} of `{}` not used: {} the {} to be given",
            plural(u.rules.len(), "rule"),
            u.pred,
            if u.rules.len() == 1 {
                "it needs"
            } else {
                "they need"
            },
            u.needs.join(" and "),
        );
        // With an answer, the note is enough; without one, the rules say what to ask.
        if !answered {
            for r in &u.rules {
                let _ = writeln!(out, "  {}   [{}]", r.rule, r.location);
            }
        }
    }
    for e in errors {
        let _ = writeln!(out, "warning: a proof failed the independent check: {e}");
    }
    // What a question may not mean comes first, before a table it would scroll past; what
    // a query's evaluation ran into follows its (empty) answer.
    match a {
        Answer::Question(q) if !q.warnings.is_empty() => {
            let head: String = q
                .warnings
                .iter()
                .map(|w| format!("warning: {w}\n"))
                .collect();
            out.insert_str(0, &head);
        }
        Answer::Bindings(b) => {
            for w in &b.warnings {
                let _ = writeln!(out, "warning: {w}");
            }
        }
        _ => {}
    }
    out
}

fn bindings(b: &BindingsAnswer) -> String {
    let mut out = String::new();
    if b.vars.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if b.rows.is_empty() {
                "no match"
            } else {
                "yes: the query holds"
            }
        );
        for p in b.proofs.iter().flatten() {
            let _ = writeln!(out, "\nbecause");
            out.push_str(&proof(p));
        }
        return out;
    }
    if b.rows.is_empty() {
        if b.warnings.is_empty() {
            let _ = writeln!(out, "no bindings: nothing in the knowledge base matches");
        } else {
            // The warnings, printed below, say which arithmetic failed.
            let _ = writeln!(
                out,
                "no bindings: the query's arithmetic has no value (an overflow or a division by zero), so its literal gives no row"
            );
        }
        return out;
    }
    let _ = writeln!(out, "{}", table(&b.vars, &b.rows));
    let _ = writeln!(out, "{}", plural(b.rows.len(), "row"));
    // The first rows' atoms, proved; `why` proves any other.
    for (row, proofs) in b
        .rows
        .iter()
        .zip(&b.proofs)
        .filter(|(_, p)| !p.is_empty())
        .take(3)
    {
        let vals: Vec<String> = b
            .vars
            .iter()
            .zip(row)
            .map(|(v, c)| format!("{v} = {c}"))
            .collect();
        let _ = writeln!(out, "\nbecause, for {}:", vals.join(", "));
        for p in proofs {
            out.push_str(&proof(p));
        }
    }
    if b.rows.len() > 3 {
        let _ = writeln!(
            out,
            "\n({} more; `why` proves any of their atoms)",
            plural(b.rows.len() - 3, "row")
        );
    }
    out
}

fn question(q: &QuestionAnswer) -> String {
    let mut out = String::new();
    if q.rows.is_empty() && q.contradiction.is_some() {
        let _ = writeln!(
            out,
            "no: {} does not hold; the knowledge base states otherwise",
            q.goal
        );
        if let Some(why) = &q.contradiction {
            let _ = writeln!(out, "  ({why})");
        }
        if let Some(p) = q.instead.first() {
            let _ = writeln!(out, "\ninstead");
            out.push_str(&proof(p));
        }
        if q.instead.len() > 1 {
            let more: Vec<&str> = q.instead[1..]
                .iter()
                .map(|p| p.conclusion.as_str())
                .collect();
            let _ = writeln!(
                out,
                "\n(it also states {}; `why` proves each)",
                more.join(", ")
            );
        }
        return out;
    }
    if q.rows.is_empty() {
        let _ = writeln!(
            out,
            "unknown: the knowledge base states nothing about {}",
            q.goal
        );
        for a in q.absent.iter().chain(&q.held) {
            let _ = writeln!(out, "  {a}");
        }
        if !q.stated.is_empty() {
            let _ = writeln!(
                out,
                "  what it does state about the subject (information, not an answer):"
            );
            for p in &q.stated {
                out.push('\n');
                out.push_str(&proof(p));
            }
        }
        if !q.suggestions.is_empty() {
            let _ = writeln!(out, "  {}", crate::check::did_you_mean_text(&q.suggestions));
        }
        out.push_str(&crate::render::pointers::text(&q.pointers));
        return out;
    }
    let _ = writeln!(out, "{}", q.verdict);
    if q.rows.len() == 1 && q.columns.len() > 1 {
        // The first column is the verdict, unless the verdict counts subjects (`1 subject`).
        let skip = usize::from(q.rows[0][0].plain_text() == q.verdict);
        for (name, v) in q.columns.iter().zip(&q.rows[0]).skip(skip) {
            let _ = writeln!(out, "  {name}: {}", cell(v));
        }
    } else if q.rows.len() > 1 {
        let _ = writeln!(out, "{}", table(&q.columns, &q.rows));
    }
    // A long list shows a few proofs; `why` gives any other.
    let shown = if q.rows.len() > 1 { 3 } else { q.proofs.len() };
    for p in q.proofs.iter().take(shown) {
        let _ = writeln!(out, "\nbecause");
        out.push_str(&proof(p));
    }
    if q.rows.len() > shown {
        let _ = writeln!(
            out,
            "\n({} more answers; `why {}` with the values proves any of them)",
            q.rows.len() - shown,
            q.goal
        );
    }
    out
}

fn why(w: &WhyAnswer) -> String {
    let mut out = String::new();
    if !w.holds {
        let _ = writeln!(out, "does not hold");
        if let Some(n) = &w.why_not {
            out.push_str(&why_not(n));
        }
        return out;
    }
    for (i, p) in w.proofs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&proof(p));
    }
    if w.proofs.is_empty() {
        let _ = writeln!(
            out,
            "it holds, but the proof search gave up (too many steps); ask about its premises with `why`"
        );
    } else if w.matches > w.proofs.len() {
        let _ = writeln!(
            out,
            "\n(proved {} of the {} matching tuples: --prove N proves more, more arguments narrow it)",
            w.proofs.len(),
            w.matches
        );
    }
    out
}

fn why_not_answer(w: &WhyAnswer) -> String {
    let mut out = String::new();
    if w.holds {
        let _ = writeln!(out, "it holds:");
        for p in &w.proofs {
            out.push_str(&proof(p));
        }
        return out;
    }
    if let Some(n) = &w.why_not {
        out.push_str(&why_not(n));
    }
    out
}
