//! Verification: a trace re-checked against the knowledge base of today — the files
//! compared by hash, the question asked again, every proof re-checked.

use super::trace::{TRACE_SCHEMA, Trace, traced_files};
use crate::query::{AskOptions, QueryError, Session};
use crate::source::{Code, Diagnostic};
use serde::{Deserialize, Serialize};
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
    /// The file's key.
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

/// The outcome of [`verify`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verification {
    /// The trace's question.
    pub question: String,
    /// File by file.
    pub files: Vec<FileCheck>,
    /// Verdict then.
    pub traced_verdict: String,
    /// Verdict now (or the error that stops the question).
    pub current_verdict: String,
    /// Whether the verdict and the answer rows are the same now.
    pub answer_stands: bool,
    /// Every proof of the trace, re-checked.
    pub proofs: Vec<ProofCheck>,
    /// Answer stands and every proof checks.
    pub ok: bool,
}

/// Re-checks `trace` against `kb`: compares file hashes, asks the question again, and checks
/// every proof of the trace with the independent checker against today's model.
///
/// Errors: a trace of another schema.
pub fn verify(session: &mut Session, trace: &Trace) -> Result<Verification, Diagnostic> {
    if trace.schema != TRACE_SCHEMA {
        return Err(Diagnostic::unplaced(
            Code::Trace,
            format!(
                "this build reads traces of schema {TRACE_SCHEMA}, not {}",
                trace.schema
            ),
        ));
    }
    let now: BTreeMap<String, String> = traced_files(&session.kb)
        .into_iter()
        .map(|f| (f.key, f.sha256))
        .collect();
    let then: BTreeMap<String, String> = trace
        .knowledge_base
        .iter()
        .map(|f| (f.key.clone(), f.sha256.clone()))
        .collect();
    let mut files = Vec::new();
    for (key, old) in &then {
        let current = now.get(key).cloned();
        let status = match &current {
            None => FileStatus::Missing,
            Some(h) if h == old => FileStatus::Unchanged,
            Some(_) => FileStatus::Changed,
        };
        files.push(FileCheck {
            key: key.clone(),
            status,
            traced: Some(old.clone()),
            current,
        });
    }
    for (key, new) in &now {
        if !then.contains_key(key) {
            files.push(FileCheck {
                key: key.clone(),
                status: FileStatus::Added,
                traced: None,
                current: Some(new.clone()),
            });
        }
    }
    let traced_verdict = trace.answer.verdict();
    let (current_verdict, answer_stands) = match session.ask(&trace.question, AskOptions::default())
    {
        Ok(a) => {
            let stands = a.verdict() == traced_verdict && a.rows() == trace.answer.rows();
            (a.verdict(), stands)
        }
        Err(QueryError::Eval(e)) => (format!("error: {e}"), false),
        Err(e) => (
            format!(
                "error: {}",
                e.diagnostics()
                    .first()
                    .map_or("invalid question", |d| d.message.as_str())
            ),
            false,
        ),
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
    let ok = answer_stands && proofs.iter().all(|p| p.problem.is_none());
    Ok(Verification {
        question: trace.question.clone(),
        files,
        traced_verdict,
        current_verdict,
        answer_stands,
        proofs,
        ok,
    })
}
