//! Test suites: every query file (`.kbq`) under some paths, each run against the knowledge
//! base it names (`kb "PATH".`) or the default one, with totals, JUnit XML for CI systems,
//! and coverage: the clauses of each knowledge base that no proof used (as
//! `opa test --coverage` lists unevaluated lines).

use super::AskOptions;
use super::script::{ScriptReport, run_script, script_kb};
use crate::explain::Justification;
use crate::kb::{KnowledgeBase, LoadError, read_paths, read_text};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// One query file's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    /// The file.
    pub path: String,
    /// The knowledge base it ran against (`embedded` or a path).
    pub kb: String,
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

/// A clause no proof used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uncovered {
    /// `file:line:col`.
    pub location: String,
    /// `fact` or `rule`.
    pub kind: &'static str,
    /// The clause as written.
    pub clause: String,
}

/// Coverage of one knowledge base.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The knowledge base (`embedded` or a path).
    pub kb: String,
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
pub fn collect_query_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        if meta.is_dir() {
            crate::kb::collect_files(p, "kbq", &mut out)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        return Err(format!(
            "no .kbq query file under {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(out)
}

/// Runs the query files; `default_kb` loads the knowledge base of files that name none.
pub fn run_suite(
    files: &[PathBuf],
    default_kb: &dyn Fn() -> Result<KnowledgeBase, LoadError>,
    config: &crate::engine::EvalConfig,
    opts: AskOptions,
    coverage: bool,
) -> SuiteReport {
    let mut kbs: BTreeMap<String, Result<KnowledgeBase, String>> = BTreeMap::new();
    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut outcomes = Vec::new();
    let mut limit_hit = false;
    for path in files {
        let shown = path.display().to_string();
        let text = match read_text(path) {
            Ok(t) => t.text,
            Err(e) => {
                let error = e
                    .diagnostics
                    .iter()
                    .map(|d| d.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                outcomes.push(FileOutcome {
                    path: shown,
                    kb: String::new(),
                    report: None,
                    error: Some(error),
                });
                continue;
            }
        };
        let kb_path = script_kb(path, &text);
        let key = kb_path
            .as_ref()
            .map_or_else(|| "default".to_string(), |p| p.display().to_string());
        let kb = kbs.entry(key.clone()).or_insert_with(|| {
            let loaded = match &kb_path {
                Some(p) => read_paths(std::slice::from_ref(p))
                    .and_then(|t| KnowledgeBase::load(t, config.clone())),
                None => default_kb(),
            };
            loaded.map_err(|e| e.sources.render(&e.diagnostics, false))
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
                            if let Justification::Fact { location, .. }
                            | Justification::Rule { location, .. } = &n.by
                            {
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
                let error = kb.sources.render(&[d], false);
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
            .filter_map(|(key, kb)| kb.as_ref().ok().map(|kb| (key, kb)))
            .map(|(key, kb)| {
                let set = used.get(key).cloned().unwrap_or_default();
                let clauses = &kb.checked.program.clauses;
                let uncovered: Vec<Uncovered> = clauses
                    .iter()
                    .map(|c| (kb.sources.location(c.span).to_string(), c))
                    .filter(|(loc, _)| !set.contains(loc))
                    .map(|(location, c)| Uncovered {
                        location,
                        kind: if c.is_fact() { "fact" } else { "rule" },
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

/// The suite as JUnit XML: a test suite per file, a test case per check (a query with
/// expectations), failures with expected and actual.
pub fn junit(r: &SuiteReport) -> String {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("supportkb");
    for f in &r.files {
        let mut suite = TestSuite::new(f.path.clone());
        match (&f.report, &f.error) {
            (Some(rep), _) => {
                for item in &rep.items {
                    if item.expectations.is_empty() && item.error.is_none() {
                        continue;
                    }
                    let failures: Vec<String> = item
                        .expectations
                        .iter()
                        .filter(|e| !e.passed)
                        .map(|e| {
                            format!(
                                "{} at {}: expected {}, actual {}",
                                e.expectation,
                                e.location,
                                e.expectation.trim_start_matches("expect "),
                                e.actual
                            )
                        })
                        .chain(item.error.iter().cloned())
                        .collect();
                    let status = if failures.is_empty() {
                        TestCaseStatus::success()
                    } else {
                        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                        s.set_message(failures.first().cloned().unwrap_or_default());
                        s.set_description(failures.join("\n"));
                        s
                    };
                    let mut case = TestCase::new(item.query.clone(), status);
                    case.set_classname(f.path.clone());
                    case.set_assertions(item.expectations.len());
                    suite.add_test_case(case);
                }
            }
            (None, error) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(error.clone().unwrap_or_default());
                let mut case = TestCase::new("load", s);
                case.set_classname(f.path.clone());
                suite.add_test_case(case);
            }
        }
        report.add_test_suite(suite);
    }
    report.to_string().unwrap_or_default()
}
