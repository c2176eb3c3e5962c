//! Audit traces: a question, its answer with every proof, and the exact knowledge base that
//! gave it (each file's SHA-256), written as versioned JSON or as Markdown for a reviewer;
//! and their verification against the knowledge base of today.
//!
//! The JSON schema is the serde shape of [`Trace`], named by [`TRACE_SCHEMA`]; a change
//! that breaks readers bumps the version.

use crate::kb::KnowledgeBase;
use crate::query::{Answer, AskOptions, QueryError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The schema name and version of traces this build writes and reads.
pub const TRACE_SCHEMA: &str = "supportkb-trace/1";

/// The program that wrote a trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `supportkb`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// One knowledge-base file as it was when the trace was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracedFile {
    /// The path (or embedded name) the file was read from.
    pub path: String,
    /// The path relative to the knowledge base's folder: how verification pairs files.
    pub key: String,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

/// An audit trace.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Trace {
    /// [`TRACE_SCHEMA`].
    pub schema: String,
    /// The program that wrote it.
    pub tool: Tool,
    /// When, in RFC 3339 (UTC).
    pub created: String,
    /// The knowledge base's files.
    pub knowledge_base: Vec<TracedFile>,
    /// The question as asked.
    pub question: String,
    /// The answer, with its proofs (never cut by a depth limit).
    pub answer: Answer,
}

/// SHA-256 of `text`, lowercase hex.
pub fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The files of `kb` with their keys: names with their longest common folder removed.
pub fn traced_files(kb: &KnowledgeBase) -> Vec<TracedFile> {
    let names: Vec<&str> = kb.texts.iter().map(|t| t.name.as_str()).collect();
    let common = common_folder(&names);
    kb.texts
        .iter()
        .map(|t| TracedFile {
            path: t.name.clone(),
            key: t.name[common..].to_string(),
            sha256: sha256(&t.text),
        })
        .collect()
}

fn common_folder(names: &[&str]) -> usize {
    let Some(first) = names.first() else { return 0 };
    let mut len = first.rfind('/').map_or(0, |i| i + 1);
    for n in names {
        while len > 0
            && !(n.len() >= len
                && n.as_bytes()[..len] == first.as_bytes()[..len]
                && n.as_bytes()[len - 1] == b'/')
        {
            len = first[..len - 1].rfind('/').map_or(0, |i| i + 1);
        }
    }
    len
}

/// Answers `question` over `kb` with whole proofs and wraps it in a trace.
///
/// Errors: as [`KnowledgeBase::ask`].
pub fn explain(kb: &mut KnowledgeBase, question: &str, proofs: usize) -> Result<Trace, QueryError> {
    let answer = kb.ask(
        question,
        AskOptions {
            depth: None,
            proofs,
        },
    )?;
    Ok(Trace {
        schema: TRACE_SCHEMA.to_string(),
        tool: Tool {
            name: "supportkb".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        created: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        knowledge_base: traced_files(kb),
        question: question.to_string(),
        answer,
    })
}

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
pub fn verify(kb: &mut KnowledgeBase, trace: &Trace) -> Result<Verification, String> {
    if trace.schema != TRACE_SCHEMA {
        return Err(format!(
            "this build reads traces of schema {TRACE_SCHEMA}, not {}",
            trace.schema
        ));
    }
    let now: BTreeMap<String, String> = traced_files(kb)
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
    let (current_verdict, answer_stands) = match kb.ask(&trace.question, AskOptions::default()) {
        Ok(a) => {
            let stands = a.verdict() == traced_verdict && a.rows() == trace.answer.rows();
            (a.verdict(), stands)
        }
        Err(QueryError::Invalid(d)) => (
            format!(
                "error: {}",
                d.first().map_or("invalid question", |d| d.message.as_str())
            ),
            false,
        ),
        Err(QueryError::Eval(e)) => (format!("error: {e}"), false),
    };
    let proofs = trace
        .answer
        .proofs()
        .into_iter()
        .map(|p| ProofCheck {
            conclusion: p.conclusion.clone(),
            problem: kb.recheck(p).err(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_drop_the_common_folder() {
        assert_eq!(
            common_folder(&["rules/cmg/a.kb", "rules/cmg/b.kb"]),
            "rules/cmg/".len()
        );
        assert_eq!(
            common_folder(&["/tmp/x/a.kb", "/tmp/x/sub/b.kb"]),
            "/tmp/x/".len()
        );
        assert_eq!(common_folder(&["a.kb"]), 0);
        assert_eq!(common_folder(&["d/a.kb", "e/b.kb"]), 0);
        assert_eq!(
            sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
