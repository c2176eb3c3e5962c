//! `supportkb check [PATH…] [--plan [PRED]]`: loads a knowledge base, prints its lints and a
//! summary; with `--plan`, its strata and the plan of each rule.

use super::Context;
use super::output::{self, Exit};
use serde::Serialize;
use std::path::PathBuf;
use supportkb::ir::Pred;
use supportkb::plan::{display::plan_text, plan_rules};
use supportkb::query::Session;
use supportkb::render::{Format, Render, json};
use supportkb::source::plural;

/// What `check` reports of a knowledge base that loads.
#[derive(Serialize)]
struct CheckSummary {
    kind: &'static str,
    ok: bool,
    files: Vec<String>,
    clauses: usize,
    predicates: usize,
    tuples: usize,
    goal_directed: Vec<String>,
    /// Citations and notes.
    quotes: usize,
    /// Of them, found at their line in their source's pinned text.
    quotes_verified: usize,
    /// Sources that pin their text.
    sources_pinned: usize,
    diagnostics: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<String>,
    #[serde(skip)]
    warnings_text: String,
}

impl Render for CheckSummary {
    fn text(&self) -> String {
        let mut out = format!(
            "ok: {}, {}, {}, {} in the model, {}\n",
            plural(self.files.len(), "file"),
            plural(self.clauses, "clause"),
            plural(self.predicates, "predicate"),
            plural(self.tuples, "tuple"),
            plural(self.diagnostics.len(), "warning")
        );
        if self.quotes > 0 {
            out.push_str(&format!(
                "quotes: {} of {} verified against the pinned texts of {}\n",
                self.quotes_verified,
                self.quotes,
                plural(self.sources_pinned, "source")
            ));
        }
        if !self.goal_directed.is_empty() {
            out.push_str(&format!(
                "goal-directed (rules that need these arguments apply when a question gives them): {}\n",
                self.goal_directed.join("; ")
            ));
        }
        if let Some(p) = &self.plan {
            out.push('\n');
            out.push_str(p);
        }
        out
    }
    fn markdown(&self) -> String {
        let mut out = format!("```text\n{}```\n", self.text());
        if !self.warnings_text.is_empty() {
            out.push_str(&format!(
                "\n## Warnings\n\n```text\n{}```\n",
                self.warnings_text
            ));
        }
        out
    }
    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// The strata and every rule's plan (only `pred`'s rules when given).
fn plans(session: &Session, pred: Option<&str>) -> String {
    let kb = &session.kb;
    let mut out = String::from("strata, in evaluation order:\n");
    for (i, s) in kb.checked.strata.iter().enumerate() {
        let names: Vec<String> = s.preds.iter().map(Pred::to_string).collect();
        out.push_str(&format!(
            "  {}: {}{}\n",
            i + 1,
            names.join(", "),
            if s.recursive { " (recursive)" } else { "" }
        ));
    }
    let mut interner = kb.interner.clone();
    let plans = match plan_rules(&kb.rules, &mut interner) {
        Ok(p) => p,
        Err(d) => {
            return format!(
                "{out}\nno plan: {}\n",
                d.first().map_or("", |d| d.message.as_str())
            );
        }
    };
    out.push_str("\nrules, as evaluated (slots of the binding row are #0, #1, …):\n");
    for p in plans {
        let wanted = pred.is_none_or(|w| {
            w.is_empty()
                || p.head_pred.original().to_string() == w
                || matches!(&p.head_pred, Pred::Demand(n) if n.original().to_string() == w)
        });
        if wanted {
            out.push_str(&format!("\n{}\n", kb.rules[p.rule]));
            out.push_str(&plan_text(&p, &interner));
        }
    }
    out
}

pub fn check(cx: &Context, paths: &[PathBuf], plan: Option<&str>, strict: bool) -> Exit {
    // Query files are checked as query files, each against its own knowledge base.
    let (scripts, paths): (Vec<PathBuf>, Vec<PathBuf>) = paths
        .iter()
        .cloned()
        .partition(|p| p.extension().is_some_and(|e| e == "kbq"));
    let mut exit = Exit::Ok;
    for s in &scripts {
        exit = exit.max(super::check_script::check_script(cx, s));
    }
    if !scripts.is_empty() && paths.is_empty() {
        return exit;
    }
    exit.max(check_kb(cx, &paths, plan, strict))
}

fn check_kb(cx: &Context, paths: &[PathBuf], plan: Option<&str>, strict: bool) -> Exit {
    let paths = if paths.is_empty() { &cx.kb } else { paths };
    let session = match cx.load_at(paths) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let kb = &session.kb;
    if let Some(p) = plan
        && !p.is_empty()
        && !kb.checked.preds.contains_key(p)
    {
        let d = supportkb::source::Diagnostic::unplaced(
            supportkb::source::Code::UnknownPredicate,
            format!("--plan {p}: unknown predicate"),
        );
        return output::rejected(cx.format, d);
    }
    let mut warnings = kb.warnings();
    if strict && !warnings.is_empty() {
        for w in &mut warnings {
            w.severity = supportkb::source::Severity::Error;
        }
        output::diagnostics(cx.format, &kb.sources, &warnings);
        supportkb::render::emit_err(&format!(
            "rejected under --strict: {}\n",
            plural(warnings.len(), "warning")
        ));
        return Exit::Rejected;
    }
    if cx.format != Format::Json {
        output::warnings(&kb.sources, &warnings);
    }
    let summary = CheckSummary {
        kind: "check",
        ok: true,
        files: kb.texts.iter().map(|t| t.name.clone()).collect(),
        clauses: kb.checked.program.clauses.len(),
        predicates: kb.checked.preds.len(),
        tuples: kb.model.tuple_count(),
        goal_directed: kb
            .pred_summaries()
            .into_iter()
            .filter(|p| !p.needs.is_empty())
            .map(|p| {
                let partly = kb
                    .checked
                    .preds
                    .get(&p.name)
                    .is_some_and(|i| i.answers_without_inputs);
                let how = if partly { "some rules need" } else { "needs" };
                format!("{} ({how} {})", p.name, p.needs.join(", "))
            })
            .collect(),
        quotes: kb
            .checked
            .program
            .clauses
            .iter()
            .map(|c| c.cites.len() + c.notes.len())
            .sum(),
        quotes_verified: kb.checked.verified.len(),
        sources_pinned: kb
            .checked
            .program
            .sources
            .iter()
            .filter(|s| s.text.is_some())
            .count(),
        diagnostics: warnings
            .iter()
            .map(|d| json::diagnostic(&kb.sources, d))
            .collect(),
        plan: plan.map(|p| plans(&session, Some(p))),
        warnings_text: kb.sources.render(&warnings, false),
    };
    output::doc(cx.format, &summary);
    Exit::Ok
}
