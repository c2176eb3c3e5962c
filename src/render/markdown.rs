//! Markdown for human reviewers: answers and audit traces as headings, tables and nested
//! lists, every citation as a block quote.

use crate::audit::{Trace, Verification};
use crate::explain::{BlockCause, Justification, Proof, Quote, WhyNot};
use crate::ir::Const;
use crate::query::Answer;
use std::fmt::Write;

/// `s` as one inline code span: fenced by one backtick more than its longest run of them
/// (a run as long as the fence would end the span), with spaces inside the fence then.
pub(crate) fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        format!("`{s}`")
    } else {
        let fence = "`".repeat(longest + 1);
        format!("{fence} {s} {fence}")
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `s` as plain text in a Markdown table cell: a pipe escaped, markup as entities (many
/// renderers pass raw HTML through), line breaks as spaces.
pub(crate) fn table_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

fn quote(q: &Quote, indent: &str, out: &mut String) {
    let line = q.line.map(|l| format!(", line {l}")).unwrap_or_default();
    let line = if q.verified {
        format!("{line} (verified)")
    } else {
        line
    };
    let _ = writeln!(
        out,
        "{indent}> {} — {}{line}: “{}”",
        q.source, q.section, q.quote
    );
}

fn proof(p: &Proof, indent: &str, out: &mut String) {
    match &p.by {
        Justification::Fact {
            location,
            cites,
            notes,
        } => {
            let _ = writeln!(out, "{indent}- {} — fact ({location})", code(&p.conclusion));
            for q in cites.iter().chain(notes) {
                quote(q, &format!("{indent}  "), out);
            }
        }
        Justification::Rule {
            rule,
            location,
            substitution,
            cites,
            notes,
        } => {
            let _ = writeln!(
                out,
                "{indent}- {} — by rule {} ({location})",
                code(&p.conclusion),
                code(rule)
            );
            if !substitution.is_empty() {
                let _ = writeln!(out, "{indent}  with {}", code(&substitution.text()));
            }
            for q in cites.iter().chain(notes) {
                quote(q, &format!("{indent}  "), out);
            }
        }
        Justification::Builtin => {
            let _ = writeln!(out, "{indent}- {} — holds", code(&p.conclusion));
        }
        Justification::Absent => {
            let _ = writeln!(out, "{indent}- {} — no such tuple", code(&p.conclusion));
        }
        Justification::Aggregate { .. } => {
            let members = crate::source::plural(p.premises.len(), "member");
            let _ = writeln!(out, "{indent}- {} — over {members}", code(&p.conclusion));
        }
        Justification::Member { .. } => {
            let _ = writeln!(out, "{indent}- member {}", code(&p.conclusion));
        }
    }
    if let Some(h) = p.handle {
        let _ = writeln!(
            out,
            "{indent}  (premises cut: `why #{h}`, in a later command `why {}`)",
            p.conclusion
        );
    }
    for c in &p.premises {
        proof(c, &format!("{indent}  "), out);
    }
}

fn why_not(w: &WhyNot, indent: &str, out: &mut String) {
    let state = if w.depth_limited && w.contradicted {
        "does not hold; the knowledge base says otherwise (not explained further: depth limit)"
            .to_string()
    } else if w.depth_limited {
        "does not hold (not explained further: depth limit)".to_string()
    } else if w.contradicted {
        "does not hold; the knowledge base says otherwise".to_string()
    } else if !w.has_rules {
        match &w.unknown_because {
            Some(why) => format!("is stated nowhere (unknown: {why})"),
            None => "is stated nowhere (unknown)".to_string(),
        }
    } else {
        "does not hold".to_string()
    };
    let _ = writeln!(out, "{indent}- {} {state}", code(&w.goal));
    for p in &w.instead {
        let _ = writeln!(out, "{indent}  - instead:");
        proof(p, &format!("{indent}    "), out);
    }
    for t in &w.rules {
        let b = &t.blocked;
        let _ = writeln!(
            out,
            "{indent}  - rule {} ({}) is blocked at {} ({}): {} binding(s) reached it, e.g. {}",
            code(&t.rule),
            t.location,
            code(&b.literal),
            b.location,
            b.reached,
            code(&b.instance)
        );
        match &b.cause {
            BlockCause::Missing { why_not: inner } => why_not(inner, &format!("{indent}    "), out),
            BlockCause::BlockedBy { proof: p } => {
                let _ = writeln!(out, "{indent}    - blocked because this holds:");
                proof(p, &format!("{indent}      "), out);
            }
            BlockCause::Fails => {
                let _ = writeln!(out, "{indent}    - {} is false", code(&b.instance));
            }
            BlockCause::Undefined { reason } => {
                let _ = writeln!(out, "{indent}    - {reason}, so the comparison fails");
            }
            BlockCause::Reached { reason } => {
                let _ = writeln!(out, "{indent}    - {reason}");
            }
            BlockCause::Circular => {
                let _ = writeln!(
                    out,
                    "{indent}    - {} is already being explained above",
                    code(&b.instance)
                );
            }
        }
    }
}

fn table(header: &[String], rows: &[Vec<Const>], out: &mut String) {
    let _ = writeln!(
        out,
        "| {} |",
        header
            .iter()
            .map(|h| cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
    for r in rows {
        let _ = writeln!(
            out,
            "| {} |",
            r.iter()
                .map(|c| cell(&c.to_string()))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
}

/// An answer in Markdown.
pub fn answer(a: &Answer) -> String {
    let mut out = String::new();
    match a {
        Answer::Question(q) => {
            let _ = writeln!(out, "**Verdict: {}**\n", q.verdict);
            for w in &q.warnings {
                let _ = writeln!(out, "> **Warning:** {w}\n");
            }
            if q.rows.is_empty() && q.contradiction.is_some() {
                let _ = writeln!(
                    out,
                    "{} does not hold; the knowledge base states otherwise ({}):\n",
                    code(&q.goal),
                    q.contradiction.as_deref().unwrap_or_default()
                );
                for p in &q.instead {
                    proof(p, "", &mut out);
                }
            } else if q.rows.is_empty() {
                let _ = writeln!(
                    out,
                    "The knowledge base states nothing about {}.",
                    code(&q.goal)
                );
                for a in q.absent.iter().chain(&q.held) {
                    let mut chars = a.chars();
                    let first = chars.next().map(|c| c.to_uppercase().to_string());
                    let _ = writeln!(out, "\n{}{}.", first.unwrap_or_default(), chars.as_str());
                }
                if !q.stated.is_empty() {
                    let _ = writeln!(
                        out,
                        "\nWhat it does state about the subject (information, not an answer):\n"
                    );
                    for p in &q.stated {
                        proof(p, "", &mut out);
                    }
                }
                if !q.suggestions.is_empty() {
                    let _ = writeln!(
                        out,
                        "Did you mean {}?",
                        q.suggestions
                            .iter()
                            .map(|s| code(s))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    );
                }
                out.push_str(&super::pointers::markdown(&q.pointers));
            } else if !q.columns.is_empty() {
                table(&q.columns, &q.rows, &mut out);
            }
            for (i, p) in q.proofs.iter().enumerate() {
                let _ = writeln!(out, "\n### Proof {}\n", i + 1);
                proof(p, "", &mut out);
            }
        }
        Answer::Bindings(b) => {
            let _ = writeln!(out, "{}\n", crate::source::plural(b.rows.len(), "row"));
            for w in &b.warnings {
                let _ = writeln!(out, "> **Warning:** {w}\n");
            }
            if !b.vars.is_empty() {
                table(&b.vars, &b.rows, &mut out);
            }
        }
        Answer::Why(w) | Answer::WhyNot(w) => {
            let _ = writeln!(
                out,
                "**{}**\n",
                if w.holds { "Holds" } else { "Does not hold" }
            );
            for (i, p) in w.proofs.iter().enumerate() {
                let _ = writeln!(out, "### Proof {}\n", i + 1);
                proof(p, "", &mut out);
                out.push('\n');
            }
            if let Some(n) = &w.why_not {
                let _ = writeln!(out, "### Why not\n");
                why_not(n, "", &mut out);
            }
        }
    }
    out
}

/// An audit trace in Markdown.
pub fn trace(t: &Trace) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Audit trace: {}\n", code(&t.question));
    let _ = writeln!(out, "- Verdict: **{}**", t.answer.verdict());
    let _ = writeln!(
        out,
        "- Written: {} by {} {} (schema `{}`)",
        t.created, t.tool.name, t.tool.version, t.schema
    );
    let _ = writeln!(
        out,
        "- Re-check: `supportkb verify TRACE.json` against the knowledge base below\n"
    );
    let _ = writeln!(
        out,
        "## Knowledge base\n\n| file | SHA-256 |\n| --- | --- |"
    );
    for f in &t.knowledge_base {
        let _ = writeln!(out, "| {} | `{}` |", cell(&f.path), f.sha256);
    }
    let _ = writeln!(
        out,
        "\n{}",
        if t.embedded {
            "The knowledge base embedded in the tool."
        } else {
            "Knowledge-base files read from disk."
        }
    );
    if !t.source_texts.is_empty() {
        let _ = writeln!(
            out,
            "\n## Source texts\n\n| source | text | SHA-256 |\n| --- | --- | --- |"
        );
        for f in &t.source_texts {
            let _ = writeln!(
                out,
                "| {} | {} | `{}` |",
                cell(&f.key),
                cell(&f.path),
                f.sha256
            );
        }
    }
    let _ = writeln!(
        out,
        "\nAsked with {} per answer, at most {} proved.",
        crate::source::plural(t.options.proofs, "derivation"),
        crate::source::plural(t.options.rows_proved, "row")
    );
    let _ = writeln!(out, "\n## Answer\n");
    out.push_str(&answer(&t.answer));
    out
}

/// A verification report in Markdown.
pub fn verification(v: &Verification) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Verification: {}\n", code(&v.question));
    let _ = writeln!(
        out,
        "- Answer then: **{}**; now: **{}** — {}",
        v.traced_verdict,
        v.current_verdict,
        if v.answer_stands {
            "it stands"
        } else {
            "it changed"
        }
    );
    let _ = writeln!(
        out,
        "- Result: **{}**\n",
        if v.ok { "verified" } else { "not verified" }
    );
    let _ = writeln!(out, "| file | status |\n| --- | --- |");
    for f in &v.files {
        let _ = writeln!(out, "| {} | {:?} |", cell(&f.key), f.status);
    }
    if !v.differences.is_empty() {
        let _ = writeln!(
            out,
            "\n| field | at | traced | now |\n| --- | --- | --- | --- |"
        );
        for d in &v.differences {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                d.field,
                code(&d.path),
                cell(&d.traced),
                cell(&d.now)
            );
        }
    }
    let _ = writeln!(out, "\n| proof | check |\n| --- | --- |");
    for p in &v.proofs {
        let _ = writeln!(
            out,
            "| {} | {} |",
            code(&p.conclusion),
            cell(p.problem.as_deref().unwrap_or("ok"))
        );
    }
    out
}

fn expectation_lines(item: &crate::query::script::ItemResult, out: &mut String) {
    for e in &item.expectations {
        if e.passed {
            let _ = writeln!(out, "- [x] {}", code(&e.expectation));
        } else {
            let _ = writeln!(
                out,
                "- [ ] {} ({}): actual {}",
                code(&e.expectation),
                e.location,
                code(&e.actual)
            );
        }
    }
}

/// A query file's report in Markdown: each query with its answer and its expectations as a
/// checklist, then the totals.
pub fn script_report(r: &crate::query::script::ScriptReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", cell(&r.file));
    for item in &r.items {
        let _ = writeln!(out, "## {} ({})\n", code(&item.query), item.location);
        if let Some(a) = &item.answer {
            out.push_str(&answer(a));
            out.push('\n');
        }
        if let Some(e) = &item.error {
            let _ = writeln!(out, "```text\n{}\n```\n", e.trim_end());
        }
        expectation_lines(item, &mut out);
        out.push('\n');
    }
    let _ = writeln!(out, "**{} passed, {} failed**", r.passed, r.failed);
    out
}

/// A suite's report in Markdown: a table of files, the failed checks, then the totals.
pub fn suite_report(r: &crate::query::suite::SuiteReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| file | passed | failed |\n| --- | --- | --- |");
    for f in &r.files {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            cell(&f.path),
            f.passed(),
            f.failed()
        );
    }
    for f in &r.files {
        if let Some(e) = &f.error {
            let _ = writeln!(
                out,
                "\n## {} could not run\n\n```text\n{}\n```",
                cell(&f.path),
                e.trim_end()
            );
        }
        for item in f.report.iter().flat_map(|rep| &rep.items) {
            if item.error.is_some() || item.expectations.iter().any(|e| !e.passed) {
                let _ = writeln!(out, "\n## {} ({})\n", code(&item.query), item.location);
                if let Some(e) = &item.error {
                    let _ = writeln!(out, "```text\n{}\n```", e.trim_end());
                }
                expectation_lines(item, &mut out);
            }
        }
    }
    let _ = writeln!(out, "\n**{} passed, {} failed**", r.passed, r.failed);
    out
}
