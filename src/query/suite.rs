//! Test suites: every query file (`.kbq`) under some paths, each run against the knowledge
//! base it names (`kb "PATH".`) or the default one, with totals, JUnit XML for CI systems,
//! and coverage: the clauses of each knowledge base that no proof used (as
//! `opa test --coverage` lists unevaluated lines).

use super::script::{ScriptReport, run_script_where, script_kb};
use super::selection::Selection;
use super::{AskOptions, LoadConfig, LoadError, Session};
use crate::source::{Diagnostic, SourceMap, SourceText, read_paths, read_text};
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
/// rules (`rules/cmg/estate.kb`, `estate_open.kb`). Files given in `paths` are read as they
/// are: they hold estate rules of their own, or none.
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
    /// The same as plain text (no box drawing, no colour), for JUnit and logs.
    #[serde(skip)]
    pub error_text: Option<String>,
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

/// Coverage of one knowledge base: of its clauses, facts and rules, how many some proof of
/// the suite used.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The knowledge base: its paths (none: the default one).
    pub kb: Vec<String>,
    /// Its clauses.
    pub clauses: usize,
    /// Clauses some proof used.
    pub covered: usize,
    /// `covered` in percent of `clauses`, rounded down to one decimal (100 for a knowledge base without
    /// clauses).
    pub percent: f64,
    /// Its facts (clauses without a body).
    pub facts: usize,
    /// Facts some proof used.
    pub facts_covered: usize,
    /// `facts_covered` in percent of `facts`, to one decimal.
    pub facts_percent: f64,
    /// Its rules.
    pub rules: usize,
    /// Rules some proof used.
    pub rules_covered: usize,
    /// `rules_covered` in percent of `rules`, to one decimal.
    pub rules_percent: f64,
    /// The others, in file order.
    pub uncovered: Vec<Uncovered>,
}

/// How a report names the knowledge base of `kb` (its paths; none: the default one).
pub fn coverage_name(kb: &[String]) -> String {
    if kb.is_empty() {
        "the knowledge base".to_string()
    } else {
        kb.join(", ")
    }
}

/// `part` in percent of `whole`, to one decimal; 100 when `whole` is 0 (nothing to cover).
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        (part as f64 * 1000.0 / whole as f64).floor() / 10.0
    }
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

/// Runs the query files, each against [`kb_paths_for`] with `explicit` (`--kb`); a
/// knowledge base is loaded once for all the files that ask it. Of each file only the
/// queries `selection` selects run; a file of which none does is left out.
pub fn run_suite(
    files: &[PathBuf],
    explicit: &[PathBuf],
    config: &LoadConfig,
    opts: AskOptions,
    coverage: bool,
    selection: &Selection,
) -> SuiteReport {
    let mut kbs: BTreeMap<Vec<String>, Result<Session, (String, String)>> = BTreeMap::new();
    let mut used: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    let mut outcomes = Vec::new();
    let mut limit_hit = false;
    for path in files {
        let shown = path.display().to_string();
        let text = match read_text(path) {
            Ok(t) => t.text,
            Err(d) => {
                outcomes.push(FileOutcome {
                    path: shown,
                    kb: Vec::new(),
                    report: None,
                    error: Some(d.message.clone()),
                    error_text: Some(d.message),
                });
                continue;
            }
        };
        if let Err(d) = super::script::check_script_paths(path, &text) {
            let mut map = SourceMap::default();
            map.add(shown.clone(), text.clone());
            outcomes.push(FileOutcome {
                path: shown,
                kb: Vec::new(),
                report: None,
                error: Some(map.render(std::slice::from_ref(&d), false)),
                error_text: Some(map.render_plain(&[d])),
            });
            continue;
        }
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
                .map_err(|e| {
                    (
                        e.sources.render(&e.diagnostics, false),
                        e.sources.render_plain(&e.diagnostics),
                    )
                })
        });
        let kb = match kb {
            Ok(kb) => kb,
            Err((e, plain)) => {
                outcomes.push(FileOutcome {
                    path: shown,
                    kb: key,
                    report: None,
                    error: Some(e.clone()),
                    error_text: Some(plain.clone()),
                });
                continue;
            }
        };
        let select = |q: &str| selection.selects(&shown, q);
        match run_script_where(kb, &shown, &text, opts, &select) {
            Ok(report) if report.items.is_empty() && selection.run_pattern().is_some() => {}
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
                    error_text: None,
                });
            }
            Err(d) => {
                outcomes.push(FileOutcome {
                    path: shown,
                    kb: key,
                    report: None,
                    error: Some(kb.kb.sources.render(std::slice::from_ref(&d), false)),
                    error_text: Some(kb.kb.sources.render_plain(&[d])),
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
                let facts = clauses.iter().filter(|c| c.is_fact()).count();
                let facts_uncovered = uncovered
                    .iter()
                    .filter(|u| u.kind == ClauseKind::Fact)
                    .count();
                let covered = clauses.len() - uncovered.len();
                let facts_covered = facts - facts_uncovered;
                let rules = clauses.len() - facts;
                let rules_covered = covered - facts_covered;
                Coverage {
                    kb: key.clone(),
                    clauses: clauses.len(),
                    covered,
                    percent: percent(covered, clauses.len()),
                    facts,
                    facts_covered,
                    facts_percent: percent(facts_covered, facts),
                    rules,
                    rules_covered,
                    rules_percent: percent(rules_covered, rules),
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
