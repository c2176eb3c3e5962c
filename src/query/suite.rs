//! Test suites: every query file (`.kbq`) under some paths, each run against the knowledge
//! base it names (`kb "PATH".`) or the default one, with totals, JUnit XML for CI systems,
//! and coverage: the clauses of each knowledge base that no proof used (as
//! `opa test --coverage` lists unevaluated lines).

use super::script::{ScriptReport, run_script, script_kb};
use super::{AskOptions, LoadConfig, LoadError, Session};
use crate::source::{
    Code, Diagnostic, SourceText, collect_files, io_reason, read_paths, read_text,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The knowledge base a query file runs against: the one it names (`kb "PATH".`, relative
/// to the file), else `explicit` (`--kb`), else (both empty) the embedded one.
pub fn kb_paths_for(file: &Path, text: &str, explicit: &[PathBuf]) -> Vec<PathBuf> {
    match script_kb(file, text) {
        Some(p) => vec![p],
        None => explicit.to_vec(),
    }
}

/// The texts of the knowledge base at `paths`, or the embedded one when there are none.
///
/// Errors: as [`read_paths`].
pub fn kb_texts(paths: &[PathBuf]) -> Result<Vec<SourceText>, Diagnostic> {
    kb_texts_for(paths, false)
}

/// As [`kb_texts`]; with `inventory`, the embedded knowledge base comes with the estate
/// rules (`rules/cmg/estate.kb`). Files given in `paths` are read as they are: they hold
/// estate rules of their own, or none.
///
/// Errors: as [`read_paths`].
pub fn kb_texts_for(paths: &[PathBuf], inventory: bool) -> Result<Vec<SourceText>, Diagnostic> {
    if paths.is_empty() {
        let mut texts = super::embedded::sources();
        if inventory {
            texts.extend(super::embedded::estate_sources());
        }
        Ok(texts)
    } else {
        read_paths(paths, "kb")
    }
}

/// One query file's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    /// The file.
    pub path: String,
    /// The knowledge base it ran against: its paths (none: the default one).
    pub kb: Vec<String>,
    /// Its report, unless it could not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ScriptReport>,
    /// Why it could not run (rendered diagnostics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FileOutcome {
    /// Checks passed in this file.
    pub fn passed(&self) -> usize {
        self.report.as_ref().map_or(0, |r| r.passed)
    }

    /// Checks failed in this file (a file that could not run counts as one).
    pub fn failed(&self) -> usize {
        self.report.as_ref().map_or(1, |r| r.failed)
    }
}

/// Whether a clause is a fact or a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClauseKind {
    /// No body.
    Fact,
    /// A body.
    Rule,
}

/// A clause no proof used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uncovered {
    /// `file:line:col`.
    pub location: String,
    /// Fact or rule.
    pub kind: ClauseKind,
    /// The clause as written.
    pub clause: String,
}

/// Coverage of one knowledge base.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The knowledge base: its paths (none: the default one).
    pub kb: Vec<String>,
    /// Its clauses.
    pub clauses: usize,
    /// Clauses some proof used.
    pub covered: usize,
    /// The others, in file order.
    pub uncovered: Vec<Uncovered>,
}

/// The outcome of a suite.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteReport {
    /// File by file.
    pub files: Vec<FileOutcome>,
    /// Checks passed.
    pub passed: usize,
    /// Checks failed.
    pub failed: usize,
    /// Per knowledge base, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Vec<Coverage>>,
    /// True when a resource limit stopped a query.
    #[serde(skip)]
    pub limit_hit: bool,
    /// True when a file or a query in it was rejected as input.
    #[serde(skip)]
    pub rejected: bool,
}

/// Every `.kbq` file under `paths` (folders recursively), sorted.
///
/// Errors: a path that does not exist or cannot be read, or no `.kbq` file at all.
pub fn collect_query_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let io = |m: String| Diagnostic::unplaced(Code::Io, m);
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p)
            .map_err(|e| io(format!("cannot read {}: {}", p.display(), io_reason(&e))))?;
        if meta.is_dir() {
            collect_files(p, "kbq", &mut out)
                .map_err(|e| io(format!("cannot read {}: {}", p.display(), io_reason(&e))))?;
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        return Err(io(format!(
            "no .kbq query file under {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(out)
}

/// Runs the query files, each against [`kb_paths_for`] with `explicit` (`--kb`); a
/// knowledge base is loaded once for all the files that ask it.
pub fn run_suite(
    files: &[PathBuf],
    explicit: &[PathBuf],
    config: &LoadConfig,
    opts: AskOptions,
    coverage: bool,
) -> SuiteReport {
    let mut kbs: BTreeMap<Vec<String>, Result<Session, String>> = BTreeMap::new();
    let mut used: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    let mut outcomes = Vec::new();
    let mut limit_hit = false;
    for path in files {
        let shown = path.display().to_string();
        let text = match read_text(path) {
            Ok(t) => t.text,
            Err(d) => {
                let error = d.message;
                outcomes.push(FileOutcome {
                    path: shown,
                    kb: Vec::new(),
                    report: None,
                    error: Some(error),
                });
                continue;
            }
        };
        let kb_paths = kb_paths_for(path, &text, explicit);
        let inventory = super::script::script_inventory(path, &text).or(config.inventory.clone());
        let mut key: Vec<String> = kb_paths.iter().map(|p| p.display().to_string()).collect();
        if let Some(dir) = &inventory {
            key.push(format!("inventory {}", dir.display()));
        }
        let kb = kbs.entry(key.clone()).or_insert_with(|| {
            let config = LoadConfig {
                inventory: inventory.clone(),
                ..config.clone()
            };
            kb_texts_for(&kb_paths, inventory.is_some())
                .map_err(LoadError::from)
                .and_then(|t| Session::load(t, config))
                .map_err(|e| e.sources.render(&e.diagnostics, false))
        });
        let kb = match kb {
            Ok(kb) => kb,
            Err(e) => {
                outcomes.push(FileOutcome {
                    path: shown,
                    kb: key,
                    report: None,
                    error: Some(e.clone()),
                });
                continue;
            }
        };
        match run_script(kb, &shown, &text, opts) {
            Ok(report) => {
                limit_hit |= report.limit_hit;
                let set = used.entry(key.clone()).or_default();
                for item in &report.items {
                    for p in item.answer.iter().flat_map(|a| a.proofs()) {
                        p.walk(&mut |n| {
                            if let Some(location) = n.location() {
                                set.insert(location.to_string());
                            }
                        });
                    }
                }
                outcomes.push(FileOutcome {
                    path: shown,
                    kb: key,
                    report: Some(report),
                    error: None,
                });
            }
            Err(d) => {
                let error = kb.kb.sources.render(&[d], false);
                outcomes.push(FileOutcome {
                    path: shown,
                    kb: key,
                    report: None,
                    error: Some(error),
                });
            }
        }
    }
    let coverage = coverage.then(|| {
        kbs.iter()
            .filter_map(|(key, kb)| kb.as_ref().ok().map(|kb| (key, &kb.kb)))
            .map(|(key, kb)| {
                let set = used.get(key).cloned().unwrap_or_default();
                let clauses = &kb.checked.program.clauses;
                let uncovered: Vec<Uncovered> = clauses
                    .iter()
                    .map(|c| (kb.sources.location(c.span).to_string(), c))
                    .filter(|(loc, _)| !set.contains(loc))
                    .map(|(location, c)| Uncovered {
                        location,
                        kind: if c.is_fact() {
                            ClauseKind::Fact
                        } else {
                            ClauseKind::Rule
                        },
                        clause: c.to_string(),
                    })
                    .collect();
                Coverage {
                    kb: key.clone(),
                    clauses: clauses.len(),
                    covered: clauses.len() - uncovered.len(),
                    uncovered,
                }
            })
            .collect()
    });
    let rejected = outcomes
        .iter()
        .any(|f| f.error.is_some() || f.report.as_ref().is_some_and(|r| r.rejected));
    let passed = outcomes.iter().map(FileOutcome::passed).sum();
    let failed = outcomes.iter().map(FileOutcome::failed).sum();
    SuiteReport {
        files: outcomes,
        passed,
        failed,
        coverage,
        limit_hit,
        rejected,
    }
}
