//! Text rendering: answers, proof trees drawn with box characters, why-not reports, and
//! tables of bindings (tabled).

use crate::explain::{BlockCause, Justification, Proof, Quote, WhyNot};
use crate::query::{Answer, BindingsAnswer, QuestionAnswer, WhyAnswer};
use crate::syntax::Const;
use std::fmt::Write;
use tabled::builder::Builder;
use tabled::settings::Style;

/// Renders an answer as text.
pub fn answer(a: &Answer) -> String {
    let (mut out, errors) = match a {
        Answer::Question(q) => (question(q), &q.proof_errors),
        Answer::Bindings(b) => (bindings(b), &b.proof_errors),
        Answer::Why(w) => (why(w), &w.proof_errors),
        Answer::WhyNot(w) => (why_not_answer(w), &w.proof_errors),
    };
    for e in errors {
        let _ = writeln!(out, "warning: a proof failed the independent check: {e}");
    }
    out
}

fn cell(c: &Const) -> String {
    match c {
        Const::Str(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// A table with a header row, in the style every command uses.
pub fn table(header: &[String], rows: &[Vec<Const>]) -> String {
    let mut b = Builder::default();
    b.push_record(header.iter().cloned());
    for r in rows {
        b.push_record(r.iter().map(cell));
    }
    let mut t = b.build();
    t.with(Style::rounded());
    // On a terminal, wrap long cells to its width; in pipes and files, keep rows whole.
    if std::io::IsTerminal::is_terminal(&std::io::stdout())
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size()
    {
        t.with(
            tabled::settings::Width::wrap(usize::from(w).max(40))
                .priority(tabled::settings::peaker::PriorityMax::right())
                .keep_words(true),
        );
    }
    t.to_string()
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
        let _ = writeln!(out, "no bindings: nothing in the knowledge base matches");
        return out;
    }
    let _ = writeln!(out, "{}", table(&b.vars, &b.rows));
    let _ = writeln!(
        out,
        "{} row{}",
        b.rows.len(),
        if b.rows.len() == 1 { "" } else { "s" }
    );
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
            "\n({} more rows; `why` proves any of their atoms)",
            b.rows.len() - 3
        );
    }
    out
}

fn question(q: &QuestionAnswer) -> String {
    let mut out = String::new();
    if q.rows.is_empty() && !q.instead.is_empty() {
        let _ = writeln!(
            out,
            "no: {} does not hold; the knowledge base states otherwise",
            q.goal
        );
        for p in &q.instead {
            let _ = writeln!(out, "\ninstead");
            out.push_str(&proof(p));
        }
        return out;
    }
    if q.rows.is_empty() {
        let _ = writeln!(
            out,
            "unknown: the knowledge base states nothing about {}",
            q.goal
        );
        if !q.suggestions.is_empty() {
            let s: Vec<String> = q.suggestions.iter().map(|s| format!("`{s}`")).collect();
            let _ = writeln!(out, "  did you mean {}?", s.join(" or "));
        }
        return out;
    }
    let _ = writeln!(out, "{}", q.verdict);
    if q.rows.len() == 1 && q.columns.len() > 1 {
        for (name, v) in q.columns.iter().zip(&q.rows[0]).skip(1) {
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
            "\n({} tuples match; the first {} are proved — give more arguments to narrow it)",
            w.matches,
            w.proofs.len()
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

fn quote_line(q: &Quote) -> String {
    let line = q.line.map(|l| format!(", line {l}")).unwrap_or_default();
    format!("{} § {}{line}: \"{}\"", q.source, q.section, q.quote)
}

/// Draws a proof tree.
pub fn proof(p: &Proof) -> String {
    let mut out = String::new();
    node(p, "", "", &mut out);
    out
}

fn node(p: &Proof, first: &str, rest: &str, out: &mut String) {
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
                let s: Vec<String> = substitution
                    .iter()
                    .map(|(v, c)| format!("{v} = {c}"))
                    .collect();
                let _ = writeln!(out, "{rest}  with {}", s.join(", "));
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
    }
    if let Some(h) = p.handle {
        let _ = writeln!(
            out,
            "{rest}  … premises cut at the depth limit: `why #{h}` shows them"
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
            |h| format!("`why #{h}` continues"),
        );
        let _ = writeln!(
            out,
            "{ind}{} does not hold (not explained further: depth limit; {more})",
            w.goal
        );
        return;
    }
    if !w.instead.is_empty() {
        let _ = writeln!(
            out,
            "{ind}{} does not hold — no: the knowledge base says otherwise",
            w.goal
        );
    } else if !w.has_rules {
        let _ = writeln!(
            out,
            "{ind}{} is stated nowhere — unknown: no fact gives it",
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
        let _ = writeln!(out, "{ind}  instead it states:");
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
            "{ind}    blocked at `{}` [{}]: {} binding{} reached it, none passed",
            b.literal,
            b.location,
            b.reached,
            if b.reached == 1 { "" } else { "s" }
        );
        if !b.example.is_empty() {
            let s: Vec<String> = b
                .example
                .iter()
                .map(|(v, c)| format!("{v} = {c}"))
                .collect();
            let _ = writeln!(out, "{ind}    e.g. with {}: {}", s.join(", "), b.instance);
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
        }
    }
}

/// Renders a query file's report: each query with its answer and expectation outcomes
/// (expected and actual side by side for failures), then `N passed, M failed`.
pub fn script_report(r: &crate::query::script::ScriptReport) -> String {
    let mut out = String::new();
    for item in &r.items {
        let _ = writeln!(out, "── {}   [{}]", item.query, item.location);
        if let Some(a) = &item.answer {
            out.push_str(&answer(a));
        }
        if let Some(e) = &item.error {
            let _ = writeln!(out, "error: {}", e.trim_end());
        }
        expectations(item, &mut out);
        out.push('\n');
    }
    let _ = writeln!(out, "{} passed, {} failed", r.passed, r.failed);
    out
}

fn expectations(item: &crate::query::script::ItemResult, out: &mut String) {
    for e in item.expectations.iter().filter(|e| e.passed) {
        let _ = writeln!(out, "  ✓ {}", e.expectation);
    }
    let failed: Vec<_> = item.expectations.iter().filter(|e| !e.passed).collect();
    if failed.is_empty() {
        return;
    }
    let mut b = Builder::default();
    b.push_record(["✗ failed", "expected", "actual"]);
    for e in failed {
        b.push_record([
            e.location.to_string(),
            e.expectation.trim_start_matches("expect ").to_string(),
            e.actual.clone(),
        ]);
    }
    let mut t = b.build();
    t.with(Style::rounded());
    for line in t.to_string().lines() {
        let _ = writeln!(out, "  {line}");
    }
}

/// Renders a test suite: a line per file, the failures of each (expected and actual side by
/// side), coverage when asked, and last `N passed, M failed`.
pub fn suite_report(r: &crate::query::suite::SuiteReport) -> String {
    let mut out = String::new();
    for f in &r.files {
        let kb = if f.kb == "default" {
            String::new()
        } else {
            format!(" (kb {})", f.kb)
        };
        match &f.report {
            Some(rep) => {
                let mark = if rep.failed == 0 { "ok  " } else { "FAIL" };
                let _ = writeln!(
                    out,
                    "{mark} {}{kb}: {} passed, {} failed",
                    f.path, rep.passed, rep.failed
                );
                for item in rep
                    .items
                    .iter()
                    .filter(|i| i.error.is_some() || i.expectations.iter().any(|e| !e.passed))
                {
                    let _ = writeln!(out, "  ── {}   [{}]", item.query, item.location);
                    if let Some(e) = &item.error {
                        for line in e.trim_end().lines() {
                            let _ = writeln!(out, "  {line}");
                        }
                    }
                    expectations(item, &mut out);
                }
            }
            None => {
                let _ = writeln!(out, "FAIL {}{kb}: could not run", f.path);
                for line in f.error.as_deref().unwrap_or("").trim_end().lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
    }
    for c in r.coverage.iter().flatten() {
        let kb = if c.kb == "default" {
            "the knowledge base"
        } else {
            c.kb.as_str()
        };
        let _ = writeln!(
            out,
            "\ncoverage of {kb}: {} of {} clauses used by some proof; never used:",
            c.covered, c.clauses
        );
        for u in &c.uncovered {
            let _ = writeln!(out, "  {}  {}  {}", u.location, u.kind, u.clause);
        }
    }
    let _ = writeln!(out, "{} passed, {} failed", r.passed, r.failed);
    out
}

/// Renders a trace verification.
pub fn verification(v: &crate::explain::trace::Verification) -> String {
    use crate::explain::trace::FileStatus;
    let mut out = String::new();
    let _ = writeln!(out, "question: {}", v.question);
    for f in &v.files {
        let what = match f.status {
            FileStatus::Unchanged => "unchanged",
            FileStatus::Changed => "CHANGED (SHA-256 differs)",
            FileStatus::Missing => "MISSING from today's knowledge base",
            FileStatus::Added => "ADDED since the trace",
        };
        let _ = writeln!(out, "  file {}: {what}", f.key);
    }
    let _ = writeln!(
        out,
        "answer: traced {}, now {}: {}",
        v.traced_verdict,
        v.current_verdict,
        if v.answer_stands {
            "it stands"
        } else {
            "IT CHANGED"
        }
    );
    for p in &v.proofs {
        match &p.problem {
            None => {
                let _ = writeln!(out, "  proof of {}: checks", p.conclusion);
            }
            Some(e) => {
                let _ = writeln!(out, "  proof of {}: FAILS: {e}", p.conclusion);
            }
        }
    }
    let _ = writeln!(
        out,
        "{}",
        if v.ok {
            "verified: the answer still stands"
        } else {
            "not verified"
        }
    );
    out
}
