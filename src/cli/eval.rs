//! `supportkb eval [--output DIR]`: evaluates the knowledge base, writes its outputs, and
//! prints the tuple counts.

use super::Context;
use super::output::{self, Exit};
use serde::Serialize;
use std::path::Path;
use supportkb::query::{OutputPolicy, WrittenOutput};
use supportkb::render::Render;
use supportkb::source::plural;

/// What an evaluation derived and wrote.
#[derive(Serialize)]
struct EvalReport {
    kind: &'static str,
    /// Tuples per predicate.
    tuples: std::collections::BTreeMap<String, usize>,
    written: Vec<Written>,
}

#[derive(Serialize)]
struct Written {
    predicate: String,
    file: String,
    rows: usize,
}

impl From<&WrittenOutput> for Written {
    fn from(w: &WrittenOutput) -> Self {
        Written {
            predicate: w.pred.clone(),
            file: w.path.display().to_string(),
            rows: w.rows,
        }
    }
}

impl Render for EvalReport {
    fn text(&self) -> String {
        let mut out = String::new();
        for (p, n) in &self.tuples {
            out.push_str(&format!("{p}: {}\n", plural(*n, "tuple")));
        }
        for w in &self.written {
            out.push_str(&format!(
                "wrote {} ({}, {})\n",
                w.file,
                w.predicate,
                plural(w.rows, "row")
            ));
        }
        out
    }
    fn markdown(&self) -> String {
        let mut out = String::from("| predicate | tuples |\n| --- | --- |\n");
        for (p, n) in &self.tuples {
            out.push_str(&format!("| {p} | {n} |\n"));
        }
        for w in &self.written {
            out.push_str(&format!(
                "\nwrote `{}` ({}, {})\n",
                w.file,
                w.predicate,
                plural(w.rows, "row")
            ));
        }
        out
    }
    fn json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

pub fn eval(cx: &Context, out: Option<&Path>, anywhere: bool) -> Exit {
    let session = match cx.session() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let kb = &session.kb;
    let _output = supportkb::source::timings::phase(|| "output".into());
    let policy = OutputPolicy { dir: out, anywhere };
    let written = match kb.write_outputs(policy) {
        Ok(w) => w,
        Err(d) => {
            output::diagnostics(cx.format, &kb.sources, &[d]);
            return Exit::Rejected;
        }
    };
    let report = EvalReport {
        kind: "eval",
        tuples: kb
            .model
            .user_relations()
            .map(|(p, r)| (p.to_string(), r.len()))
            .collect(),
        written: written.iter().map(Written::from).collect(),
    };
    output::doc(cx.format, &report);
    Exit::Ok
}
