//! Audit traces: a question, its answer with every proof, and the exact knowledge base that
//! gave it (each file's SHA-256), written as versioned JSON or as Markdown for a reviewer;
//! and their verification against the knowledge base of today.
//!
//! The JSON schema is the serde shape of [`Trace`], named by [`TRACE_SCHEMA`]; a change
//! that breaks readers bumps the version.

use crate::query::{Answer, AskOptions, KnowledgeBase, QueryError, Session};
pub use crate::source::sha256;
use serde::{Deserialize, Serialize};

/// The schema name and version of traces this build writes.
pub const TRACE_SCHEMA: &str = "supportkb-trace/3";

/// Every schema this build reads (an older version lacks the fields later ones added: they
/// read as their defaults; version 3 added `inputs`).
pub const TRACE_SCHEMAS_READ: &[&str] = &["supportkb-trace/1", "supportkb-trace/2", TRACE_SCHEMA];

/// How the answer of a trace was asked, so verification asks it the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceOptions {
    /// Distinct derivations shown per answer (`--proofs`).
    pub proofs: usize,
    /// Most answer rows proved (`--prove`).
    #[serde(default = "default_rows_proved")]
    pub rows_proved: usize,
}

fn default_rows_proved() -> usize {
    crate::query::MAX_PROOFS
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            proofs: 1,
            rows_proved: default_rows_proved(),
        }
    }
}

impl TraceOptions {
    /// The options to ask the question with: whole proofs.
    pub fn ask(&self) -> AskOptions {
        AskOptions {
            depth: None,
            proofs: self.proofs.max(1),
            rows_proved: self.rows_proved,
        }
    }
}

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
    /// Whether the knowledge base was the one embedded in the tool (then `knowledge_base`
    /// names its files as the repository does).
    #[serde(default)]
    pub embedded: bool,
    /// The texts its sources pin, with their hashes (keyed by source name).
    #[serde(default)]
    pub source_texts: Vec<TracedFile>,
    /// The facts it was evaluated with besides the knowledge base's own.
    #[serde(default)]
    pub inputs: TracedInputs,
    /// How the question was asked.
    #[serde(default)]
    pub options: TraceOptions,
    /// The question as asked.
    pub question: String,
    /// The answer, with its proofs (never cut by a depth limit).
    pub answer: Answer,
}

/// The folders facts were read from (`--inventory`, `--facts`), and every file read, with
/// its hash.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracedInputs {
    /// The `--inventory` folder, as its canonical path (absolute, links resolved), so that
    /// verification finds it from any folder however it was spelled. (Traces written
    /// before recorded it as given: a relative one is looked for from the current folder,
    /// then from the trace's.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<String>,
    /// The `--facts` folder, as `inventory`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<String>,
    /// Every file facts were read from: the path as read (as the proofs' places name it),
    /// and the key, the path relative to the `--inventory` or `--facts` folder holding it,
    /// else relative to the knowledge base's common folder (an `input … from "FILE"` beside
    /// it), else the path; so a trace verifies from another folder. (A `from table` input
    /// has no file, and no hash.)
    #[serde(default)]
    pub files: Vec<TracedFile>,
}

/// The inputs `kb` was evaluated with ([`TracedInputs`]); a file that cannot be read now
/// is hashed as empty (so it never matches a file that can).
pub fn traced_inputs(kb: &KnowledgeBase) -> TracedInputs {
    let shown =
        |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| canonical(p).display().to_string());
    let names: Vec<&str> = kb.texts.iter().map(|t| t.name.as_str()).collect();
    let kb_folder =
        std::path::Path::new(&names.first().map_or("", |n| &n[..common_folder(&names)]))
            .to_path_buf();
    let folders: Vec<&std::path::Path> = [&kb.config.inventory, &kb.config.facts_dir]
        .into_iter()
        .flatten()
        .map(|p| p.as_path())
        .collect();
    let mut files: Vec<TracedFile> = kb
        .fact_files
        .values()
        .flatten()
        .filter(|f| f.table.is_none())
        .map(|f| {
            let key = folders
                .iter()
                .find_map(|d| f.path.strip_prefix(d).ok())
                .or_else(|| {
                    f.path
                        .strip_prefix(&kb_folder)
                        .ok()
                        .filter(|_| !kb_folder.as_os_str().is_empty())
                })
                .unwrap_or(&f.path);
            TracedFile {
                path: f.path.display().to_string(),
                key: key.display().to_string(),
                sha256: sha256_bytes(&std::fs::read(&f.path).unwrap_or_default()),
            }
        })
        .collect();
    files.sort_by(|a, b| a.key.cmp(&b.key));
    files.dedup_by(|a, b| a.key == b.key);
    TracedInputs {
        inventory: shown(&kb.config.inventory),
        facts: shown(&kb.config.facts_dir),
        files,
    }
}

/// `path` absolute, links resolved; when it cannot be resolved (gone), absolute only.
fn canonical(path: &std::path::Path) -> std::path::PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// SHA-256 of `bytes`, lowercase hex.
fn sha256_bytes(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `kb` is the embedded knowledge base, with the estate rules or without: the same
/// files (by key, the path below their common folder) with the same bytes, in any order
/// and however their folder was spelled (`--kb rules/cmg` in the repository reads them
/// too). Verification then loads the embedded files, and the estate rules when the trace
/// lists them ([`lists_estate_rules`]).
pub fn is_embedded(kb: &KnowledgeBase) -> bool {
    let files = traced_files(kb);
    let ours = file_set(&files);
    let mut texts = crate::query::embedded::sources();
    if ours == file_set(&files_of(&texts)) {
        return true;
    }
    texts.extend(crate::query::embedded::estate_sources());
    ours == file_set(&files_of(&texts))
}

/// Whether the files of a trace include the embedded estate rules (by key and hash).
pub fn lists_estate_rules(files: &[TracedFile]) -> bool {
    let embedded = crate::query::embedded::sources();
    let estate = crate::query::embedded::estate_sources();
    // Keyed together with the others, as a trace of them keys them.
    let all = files_of(&[embedded.clone(), estate].concat());
    let ours = file_set(files);
    file_set(&all[embedded.len()..])
        .iter()
        .any(|f| ours.contains(f))
}

fn file_set(files: &[TracedFile]) -> std::collections::BTreeSet<(&str, &str)> {
    files
        .iter()
        .map(|f| (f.key.as_str(), f.sha256.as_str()))
        .collect()
}

/// The pinned source texts of `kb`, keyed by source name.
pub fn traced_source_texts(kb: &KnowledgeBase) -> Vec<TracedFile> {
    kb.pinned
        .iter()
        .map(|(name, t)| TracedFile {
            path: t.path.clone(),
            key: name.clone(),
            sha256: sha256(&t.text),
        })
        .collect()
}

/// The files of `kb` with their keys: names with their longest common folder removed.
pub fn traced_files(kb: &KnowledgeBase) -> Vec<TracedFile> {
    files_of(&kb.texts)
}

/// As [`traced_files`], of these texts.
fn files_of(texts: &[crate::source::SourceText]) -> Vec<TracedFile> {
    let names: Vec<&str> = texts.iter().map(|t| t.name.as_str()).collect();
    let common = common_folder(&names);
    texts
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

/// Answers `question` over `kb` with whole proofs (`opts`' depth is ignored) and wraps it
/// in a trace.
///
/// Errors: as [`Session::ask`].
pub fn explain(
    session: &mut Session,
    question: &str,
    opts: AskOptions,
) -> Result<Trace, QueryError> {
    let options = TraceOptions {
        proofs: opts.proofs,
        rows_proved: opts.rows_proved,
    };
    let answer = session.ask(question, options.ask())?;
    Ok(Trace {
        schema: TRACE_SCHEMA.to_string(),
        tool: Tool {
            name: "supportkb".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        created: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        knowledge_base: traced_files(&session.kb),
        embedded: is_embedded(&session.kb),
        source_texts: traced_source_texts(&session.kb),
        inputs: traced_inputs(&session.kb),
        options,
        question: question.to_string(),
        answer,
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
