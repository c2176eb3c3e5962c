//! `supportkb check FILE.kbq`: a query file checked as a query file, not as knowledge-base
//! text. Its syntax, the knowledge base it names (or `--kb`), every query against that
//! knowledge base and every expectation's names are checked; whether the expectations hold
//! is `run`'s business, so a failing one does not fail `check`.

use super::Context;
use super::output::{self, Exit};
use serde::Serialize;
use std::path::Path;
use supportkb::query::script::run_script;
use supportkb::query::suite::kb_paths_for;
use supportkb::render::Render;
use supportkb::source::{plural, read_text};

/// What `check` reports of a query file that checks.
#[derive(Serialize)]
struct ScriptCheck {
    kind: &'static str,
    ok: bool,
    file: String,
    /// The knowledge base asked: its files, or empty for the embedded one.
    kb: Vec<String>,
    queries: usize,
    expectations: usize,
}

impl Render for ScriptCheck {
    fn text(&self) -> String {
        let kb = if self.kb.is_empty() {
            "the embedded knowledge base".to_string()
        } else {
            self.kb.join(", ")
        };
        let queries = match self.queries {
            1 => "1 query".to_string(),
            n => format!("{n} queries"),
        };
        format!(
            "ok: {}: {queries}, {}, asked of {kb}\n",
            self.file,
            plural(self.expectations, "expectation")
        )
    }
    fn markdown(&self) -> String {
        format!("```text\n{}```\n", self.text())
    }
    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Checks the query file at `file`: exit 0 when it parses and every query is valid for its
/// knowledge base, 2 (with the errors) when not, 3 when a limit stopped a query.
pub fn check_script(cx: &Context, file: &Path) -> Exit {
    let src = match read_text(file) {
        Ok(s) => s,
        Err(d) => return output::rejected(cx.format, d),
    };
    let kb_paths = kb_paths_for(file, &src.text, &cx.kb);
    let mut session = match cx.load_at(&kb_paths) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let report = match run_script(&mut session, &src.name, &src.text, cx.opts) {
        Ok(r) => r,
        Err(d) => {
            output::diagnostics(cx.format, &session.kb.sources, &[d]);
            return Exit::Rejected;
        }
    };
    let errors: Vec<&str> = report
        .items
        .iter()
        .filter_map(|i| i.error.as_deref())
        .collect();
    if !errors.is_empty() {
        supportkb::render::emit_err(&errors.concat());
        return if report.limit_hit {
            Exit::Limit
        } else {
            Exit::Rejected
        };
    }
    let summary = ScriptCheck {
        kind: "check-query-file",
        ok: true,
        file: src.name.clone(),
        kb: kb_paths.iter().map(|p| p.display().to_string()).collect(),
        queries: report.items.len(),
        expectations: report.items.iter().map(|i| i.expectations.len()).sum(),
    };
    output::doc(cx.format, &summary);
    Exit::Ok
}
