//! Verification: a trace re-checked against the knowledge base of today. The files and the
//! pinned source texts, and the files facts were read from (`--inventory`, `--facts`), are
//! compared by hash; the question is asked again the way the trace
//! asked it, and the answer of today is compared with the traced one field by field — goal,
//! verdict, rows, every proof's conclusions, rules, substitutions, citations and places (a
//! proof missing or added included); every traced proof is re-checked by the independent
//! checker. A trace edited after it was written cannot verify.

use super::trace::{
    TRACE_SCHEMAS_READ, Trace, TracedFile, traced_files, traced_inputs, traced_source_texts,
};
use crate::query::{QueryError, Session};
use crate::source::{Code, Diagnostic};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// How a file of the trace compares with today's knowledge base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Same bytes.
    Unchanged,
    /// Same key, other bytes.
    Changed,
    /// In the trace, not in the knowledge base.
    Missing,
    /// In the knowledge base, not in the trace.
    Added,
}

/// One file's comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCheck {
    /// The file's key (for a pinned source text: `source NAME`).
    pub key: String,
    /// How it compares.
    pub status: FileStatus,
    /// Hash in the trace.
    pub traced: Option<String>,
    /// Hash now.
    pub current: Option<String>,
}

/// One proof of the trace, re-checked against today's knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofCheck {
    /// The proof's conclusion.
    pub conclusion: String,
    /// `None` when it checks; otherwise why not.
    pub problem: Option<String>,
}

/// A field of the traced answer that differs from today's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// What kind of field: `goal`, `verdict`, `rows`, `proofs`, `conclusion`, `rule`,
    /// `substitution`, `citations`, `place`, or `answer` for anything else.
    pub field: String,
    /// Where in the trace (`answer.proofs[0].conclusion`).
    pub path: String,
    /// The traced value (JSON; empty when absent).
    pub traced: String,
    /// Today's value (JSON; empty when absent).
    pub now: String,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verification {
    /// The trace's question.
    pub question: String,
    /// Which knowledge base it was verified against.
    pub knowledge_base: String,
    /// File by file, the pinned source texts last.
    pub files: Vec<FileCheck>,
    /// Verdict then.
    pub traced_verdict: String,
    /// Verdict now (or the error that stops the question).
    pub current_verdict: String,
    /// Whether the verdict and the answer rows are the same now.
    pub answer_stands: bool,
    /// The fields of the traced answer that today's answer does not have.
    pub differences: Vec<Difference>,
    /// Every proof of the trace, re-checked.
    pub proofs: Vec<ProofCheck>,
    /// Every file has its traced hash, the answer stands, no field differs, and every
    /// proof checks.
    pub ok: bool,
}

/// Re-checks `trace` against the knowledge base of `session` (named `against` in the
/// report).
///
/// Errors: a trace of a schema this build does not read.
pub fn verify(
    session: &mut Session,
    trace: &Trace,
    against: &str,
) -> Result<Verification, Diagnostic> {
    if !TRACE_SCHEMAS_READ.contains(&trace.schema.as_str()) {
        return Err(Diagnostic::unplaced(
            Code::Trace,
            format!(
                "this build reads traces of schema {}, not {}",
                TRACE_SCHEMAS_READ.join(" or "),
                trace.schema
            ),
        ));
    }
    let mut files = compare_files(&trace.knowledge_base, &traced_files(&session.kb), "");
    files.extend(compare_files(
        &trace.source_texts,
        &traced_source_texts(&session.kb),
        "source ",
    ));
    let inputs = traced_inputs(&session.kb).files;
    files.extend(compare_files(&trace.inputs.files, &inputs, "input "));
    let traced_verdict = trace.answer.verdict();
    let opts = trace.options.ask();
    let (current_verdict, answer_stands, differences) = match session.ask(&trace.question, opts) {
        Ok(a) => {
            let stands = a.verdict() == traced_verdict && a.rows() == trace.answer.rows();
            let paths = path_keys(trace, &traced_files(&session.kb), &inputs);
            let then = normalized(serde_json::to_value(&trace.answer), &paths.0);
            let now = normalized(serde_json::to_value(&a), &paths.1);
            let mut differences = Vec::new();
            diff(&then, &now, "answer", &mut differences);
            (a.verdict(), stands, differences)
        }
        Err(e) => {
            let msg = match &e {
                QueryError::Eval(e) => e.to_string(),
                e => e
                    .diagnostics()
                    .first()
                    .map_or("invalid question".into(), |d| d.message.clone()),
            };
            (format!("error: {msg}"), false, Vec::new())
        }
    };
    let proofs = trace
        .answer
        .proofs()
        .into_iter()
        .map(|p| ProofCheck {
            conclusion: p.conclusion.clone(),
            problem: session.recheck(p).err(),
        })
        .collect::<Vec<_>>();
    // A file whose hash differs is a field of the trace that does not re-derive.
    let files_same = files.iter().all(|f| f.status == FileStatus::Unchanged);
    let ok = answer_stands
        && files_same
        && differences.is_empty()
        && proofs.iter().all(|p| p.problem.is_none());
    Ok(Verification {
        question: trace.question.clone(),
        knowledge_base: against.to_string(),
        files,
        traced_verdict,
        current_verdict,
        answer_stands,
        differences,
        proofs,
        ok,
    })
}

fn compare_files(then: &[TracedFile], now: &[TracedFile], prefix: &str) -> Vec<FileCheck> {
    let now: BTreeMap<&str, &str> = now
        .iter()
        .map(|f| (f.key.as_str(), f.sha256.as_str()))
        .collect();
    let then_map: BTreeMap<&str, &str> = then
        .iter()
        .map(|f| (f.key.as_str(), f.sha256.as_str()))
        .collect();
    let mut out = Vec::new();
    for (key, old) in &then_map {
        let current = now.get(key).map(|h| h.to_string());
        let status = match &current {
            None => FileStatus::Missing,
            Some(h) if h == old => FileStatus::Unchanged,
            Some(_) => FileStatus::Changed,
        };
        out.push(FileCheck {
            key: format!("{prefix}{key}"),
            status,
            traced: Some(old.to_string()),
            current,
        });
    }
    for (key, new) in &now {
        if !then_map.contains_key(key) {
            out.push(FileCheck {
                key: format!("{prefix}{key}"),
                status: FileStatus::Added,
                traced: None,
                current: Some(new.to_string()),
            });
        }
    }
    out
}

/// Paths of knowledge-base files as the trace and today's knowledge base name them, each
/// mapped to its key, so a knowledge base verified from another folder compares equal.
fn path_keys(
    trace: &Trace,
    now: &[TracedFile],
    inputs_now: &[TracedFile],
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let map = |files: &[TracedFile], inputs: &[TracedFile]| {
        let kb = files.iter().map(|f| (f.path.clone(), f.key.clone()));
        let input = inputs
            .iter()
            .map(|f| (f.path.clone(), format!("input {}", f.key)));
        kb.chain(input).collect()
    };
    (
        map(&trace.knowledge_base, &trace.inputs.files),
        map(now, inputs_now),
    )
}

/// An answer as JSON, with every `location.file` replaced by its key.
fn normalized(v: Result<Value, serde_json::Error>, keys: &BTreeMap<String, String>) -> Value {
    fn walk(v: &mut Value, keys: &BTreeMap<String, String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(loc)) = m.get_mut("location")
                    && let Some(Value::String(f)) = loc.get_mut("file")
                    && let Some(k) = keys.get(f.as_str())
                {
                    *f = k.clone();
                }
                for x in m.values_mut() {
                    walk(x, keys);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, keys)),
            _ => {}
        }
    }
    let mut v = v.unwrap_or_default();
    walk(&mut v, keys);
    v
}

/// The kind of field a JSON path names.
fn field_of(path: &str) -> &'static str {
    let last = path
        .rsplit('.')
        .next()
        .unwrap_or(path)
        .split('[')
        .next()
        .unwrap_or("");
    match last {
        "goal" | "question" | "query" => "goal",
        "verdict" => "verdict",
        "rows" | "columns" | "vars" | "matches" | "holds" => "rows",
        "conclusion" | "atom" | "args" | "pred" => "conclusion",
        "rule" => "rule",
        "substitution" => "substitution",
        "cites" | "notes" | "quote" | "section" | "source" | "title" | "url" | "verified" => {
            "citations"
        }
        "location" | "file" | "line" | "column" => "place",
        "proofs" | "premises" | "instead" | "stated" | "height" | "by" | "kind" => "proofs",
        _ => "answer",
    }
}

/// Every leaf or shape that differs between `a` (traced) and `b` (today), by path.
fn diff(a: &Value, b: &Value, path: &str, out: &mut Vec<Difference>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => diff(u, v, &p, out),
                    (u, v) => out.push(difference(&p, u, v)),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{path}[{i}]");
                match (x.get(i), y.get(i)) {
                    (Some(u), Some(v)) => diff(u, v, &p, out),
                    (u, v) => out.push(difference(&p, u, v)),
                }
            }
        }
        (u, v) if u != v => out.push(difference(path, Some(u), Some(v))),
        _ => {}
    }
}

fn difference(path: &str, traced: Option<&Value>, now: Option<&Value>) -> Difference {
    let show = |v: Option<&Value>| v.map(|v| v.to_string()).unwrap_or_default();
    Difference {
        field: field_of(path).to_string(),
        path: path.to_string(),
        traced: show(traced),
        now: show(now),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_their_field() {
        let a: Value = serde_json::json!({"goal": "p(a)", "proofs": [{"conclusion": "p(a)", "by": {"cites": [{"quote": "x"}]}}]});
        let b: Value = serde_json::json!({"goal": "p(a)", "proofs": [{"conclusion": "p(b)", "by": {"cites": [{"quote": "y"}]}}, {"conclusion": "q"}]});
        let mut d = Vec::new();
        diff(&a, &b, "answer", &mut d);
        let fields: Vec<&str> = d.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, vec!["citations", "conclusion", "proofs"], "{d:?}");
        assert_eq!(d[1].path, "answer.proofs[0].conclusion");
    }
}
