//! Reports as text: query files, suites, and trace verifications.

use super::answer::answer;
use crate::audit::{FileStatus, Trace, Verification};
use crate::query::script::{ItemResult, ScriptReport};
use crate::query::suite::{ClauseKind, SuiteReport, coverage_name};
use std::fmt::Write;
use tabled::builder::Builder;
use tabled::settings::Style;

/// Renders a query file's report: each query with its answer and expectation outcomes
/// (expected and actual side by side for failures), then `N passed, M failed`.
pub fn script_report(r: &ScriptReport) -> String {
    let mut out = String::new();
    for item in &r.items {
        let _ = writeln!(out, "── {}   [{}]", item.query, item.location);
        if let Some(a) = &item.answer {
            out.push_str(&answer(a));
        }
        if let Some(e) = &item.error {
            // A rendered diagnostic names itself (`error[code]: …`); a bare message gets the
            // prefix. Either way, one `error`.
            let e = e.trim_end();
            if e.starts_with("error") {
                let _ = writeln!(out, "{e}");
            } else {
                let _ = writeln!(out, "error: {e}");
            }
        }
        expectations(item, &mut out);
        out.push('\n');
    }
    let _ = writeln!(out, "{} passed, {} failed", r.passed, r.failed);
    out
}

fn expectations(item: &ItemResult, out: &mut String) {
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
/// side), coverage when asked (in percent, then the clauses no proof used), and last `N
/// passed, M failed`. With `verbose`, every query of each file is listed first, with its
/// result (`ok`, `FAIL`, or `ran`: a query without expectations) and its time.
pub fn suite_report(r: &SuiteReport, verbose: bool) -> String {
    let mut out = String::new();
    for f in &r.files {
        let kb = if f.kb.is_empty() {
            String::new()
        } else {
            format!(" (kb {})", f.kb.join(", "))
        };
        match &f.report {
            Some(rep) => {
                let mark = if rep.failed == 0 { "ok  " } else { "FAIL" };
                let _ = writeln!(
                    out,
                    "{mark} {}{kb}: {} passed, {} failed",
                    f.path, rep.passed, rep.failed
                );
                if verbose {
                    for item in &rep.items {
                        let failed =
                            item.error.is_some() || item.expectations.iter().any(|e| !e.passed);
                        let result = match (failed, item.expectations.is_empty()) {
                            (true, _) => "FAIL",
                            (false, true) => "ran ",
                            (false, false) => "ok  ",
                        };
                        let _ = writeln!(
                            out,
                            "  {result} {:>9.3} ms  {}   [{}]",
                            item.seconds * 1000.0,
                            item.query,
                            item.location
                        );
                    }
                }
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
        let _ = writeln!(
            out,
            "\ncoverage of {}: {:.1}% ({} of {} clauses used by some proof; facts {:.1}%, {} of {}; rules {:.1}%, {} of {}); never used:",
            coverage_name(&c.kb),
            c.percent,
            c.covered,
            c.clauses,
            c.facts_percent,
            c.facts_covered,
            c.facts,
            c.rules_percent,
            c.rules_covered,
            c.rules
        );
        for u in &c.uncovered {
            let kind = match u.kind {
                ClauseKind::Fact => "fact",
                ClauseKind::Rule => "rule",
            };
            let _ = writeln!(out, "  {}  {kind}  {}", u.location, u.clause);
        }
    }
    let _ = writeln!(out, "{} passed, {} failed", r.passed, r.failed);
    out
}

/// Renders a trace verification.
pub fn verification(v: &Verification) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "question: {}", v.question);
    let _ = writeln!(out, "against: {}", v.knowledge_base);
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
    for d in &v.differences {
        let _ = writeln!(
            out,
            "  DIFFERS ({}) at {}: traced {}, now {}",
            d.field,
            d.path,
            brief(&d.traced),
            brief(&d.now)
        );
    }
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

/// An audit trace as plain text: what was asked, when and by which tool, the hash of every
/// file, then the answer as `query` prints it.
pub fn trace(t: &Trace) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "audit trace: {}", t.question);
    let _ = writeln!(out, "verdict: {}", t.answer.verdict());
    let _ = writeln!(
        out,
        "written {} by {} {} (schema {}); re-check with `supportkb verify TRACE.json`",
        t.created, t.tool.name, t.tool.version, t.schema
    );
    let _ = writeln!(out, "knowledge base (SHA-256):");
    for f in t.knowledge_base.iter().chain(&t.source_texts) {
        let _ = writeln!(out, "  {}  {}", f.sha256, f.path);
    }
    out.push('\n');
    out.push_str(&answer(&t.answer));
    out
}

/// Longest value a `DIFFERS` line shows in full (the JSON output keeps it whole).
const BRIEF_CHARS: usize = 100;

/// A traced or current value (JSON) in a few words: `nothing` when absent, a proof node as
/// its conclusion and how it holds (`a proof of p(a) by rule at f.kb:3:1`), anything else
/// cut at [`BRIEF_CHARS`] with `…`.
fn brief(json: &str) -> String {
    if json.is_empty() {
        return "nothing".into();
    }
    if json.chars().count() <= BRIEF_CHARS {
        return json.to_string();
    }
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let node = |n: &serde_json::Value| -> Option<String> {
        let conclusion = n.get("conclusion")?.as_str()?;
        let by = n.get("by");
        let kind = by.and_then(|b| b.get("kind")).and_then(|k| k.as_str());
        let place = by.and_then(|b| b.get("location")).and_then(|l| {
            Some(format!(
                "{}:{}:{}",
                l.get("file")?.as_str()?,
                l.get("line")?,
                l.get("column")?
            ))
        });
        let mut s = format!("a proof of {conclusion}");
        if let Some(k) = kind {
            s.push_str(&format!(" by {k}"));
        }
        if let Some(p) = place {
            s.push_str(&format!(" at {p}"));
        }
        Some(s)
    };
    let said = match &v {
        serde_json::Value::Array(a) => {
            let nodes: Vec<String> = a.iter().filter_map(node).collect();
            (nodes.len() == a.len() && !a.is_empty()).then(|| format!("[{}]", nodes.join("; ")))
        }
        n => node(n),
    };
    match said {
        Some(s) if s.chars().count() <= 3 * BRIEF_CHARS => s,
        Some(s) => cut(&s, 3 * BRIEF_CHARS),
        None => cut(json, BRIEF_CHARS),
    }
}

/// `s` cut to `max` characters, with `… (N characters)` saying how long it was.
fn cut(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max).collect();
    format!("{head}… ({n} characters)")
}

#[cfg(test)]
mod tests {
    use super::brief;

    #[test]
    fn a_proof_that_differs_is_named_by_its_conclusion_not_dumped() {
        let cites = "x".repeat(5000);
        let proof = serde_json::json!({
            "conclusion": "blocked(16777240, ipv6_only)",
            "by": {"kind": "rule", "location": {"file": "estate.kb", "line": 244, "column": 1}},
            "premises": [{"conclusion": "client_has_ipv4(16777240, false)", "quote": cites}],
        })
        .to_string();
        let said = brief(&proof);
        assert_eq!(
            said,
            "a proof of blocked(16777240, ipv6_only) by rule at estate.kb:244:1"
        );
        let other = brief(&format!("\"{cites}\""));
        assert!(
            other.len() < 200 && other.ends_with("(5002 characters)"),
            "{other}"
        );
        assert_eq!(brief(""), "nothing");
        assert_eq!(brief("17"), "17");
    }
}
