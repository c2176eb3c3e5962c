//! Query files (`.kbq`): queries, each followed by `expect` lines, run in order against one
//! knowledge base. A query with expectations is one check: it passes when all of them hold.
//! A query without expectations is only printed, unless it fails to run, which counts as a
//! failed check.

use super::expectations;
use super::question::plain;
use super::{Answer, AskOptions, QueryError, Session};
use crate::engine::EvalError;
use crate::explain::{Justification, Proof};
use crate::source::{Diagnostic, Location};
use crate::syntax::{Const, Expectation, parse_script, row_text};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The outcome of one expectation.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectationResult {
    /// The expectation as written.
    pub expectation: String,
    /// Where it is written.
    pub location: Location,
    /// Whether it held.
    pub passed: bool,
    /// What the answer had instead (for failures).
    pub actual: String,
}

/// One query of the file and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    /// The query as written.
    pub query: String,
    /// Where it is written.
    pub location: Location,
    /// Its answer, unless it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    /// The error, if it failed (rendered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The same error as plain text (no box drawing, no colour), for JUnit and logs.
    #[serde(skip)]
    pub error_text: Option<String>,
    /// Outcomes of its expectations.
    pub expectations: Vec<ExpectationResult>,
    /// Wall time of the query and its expectations, in seconds.
    pub seconds: f64,
}

/// The outcome of a query file.
#[derive(Debug, Clone, Serialize)]
pub struct ScriptReport {
    /// File name.
    pub file: String,
    /// Every query, in order.
    pub items: Vec<ItemResult>,
    /// Checks (queries with expectations) whose expectations all held.
    pub passed: usize,
    /// Checks with a failed expectation, plus queries that failed to run.
    pub failed: usize,
    /// True when a resource limit stopped a query.
    #[serde(skip)]
    pub limit_hit: bool,
    /// True when a query was rejected as input (invalid for the knowledge base).
    #[serde(skip)]
    pub rejected: bool,
}

fn rows_summary(rows: &[Vec<Const>]) -> String {
    if rows.is_empty() {
        return "no rows".into();
    }
    let shown: Vec<String> = rows.iter().take(5).map(|r| row_text(r)).collect();
    let more = if rows.len() > 5 {
        format!(" and {} more", rows.len() - 5)
    } else {
        String::new()
    };
    format!("rows {}{more}", shown.join(", "))
}

/// Whether a proof node uses the clause `target` names: a predicate, or `file:line` (the
/// file's path may be given by its end).
fn uses(p: &Proof, target: &str) -> bool {
    let location = match &p.by {
        Justification::Fact { location, .. } | Justification::Rule { location, .. } => location,
        _ => return false,
    };
    match target
        .rsplit_once(':')
        .and_then(|(f, l)| l.parse::<usize>().ok().map(|l| (f, l)))
    {
        Some((file, line)) => location.line == line && location.file.ends_with(file),
        None => p.atom.as_ref().is_some_and(|a| a.pred == target),
    }
}

/// Whether an expectation held, and what the answer had.
struct Outcome {
    passed: bool,
    actual: String,
}

fn check(e: &Expectation, a: &Answer) -> Outcome {
    let (passed, actual) = check_pair(e, a);
    Outcome { passed, actual }
}

fn check_pair(e: &Expectation, a: &Answer) -> (bool, String) {
    match e {
        Expectation::Verdict(c) => {
            let v = a.verdict();
            (v == plain(c), format!("verdict {v}"))
        }
        Expectation::Rows(n) => {
            let rows = a.rows().len();
            (rows as i64 == *n, crate::source::plural(rows, "row"))
        }
        Expectation::ExactRows(want) => {
            let mut got = a.rows();
            got.sort();
            let mut want = want.clone();
            want.sort();
            (got == want, rows_summary(&got))
        }
        Expectation::Row(r) => {
            let rows = a.rows();
            (rows.iter().any(|x| x == r), rows_summary(&rows))
        }
        Expectation::Uses(target) => {
            let mut used = Vec::new();
            let mut found = false;
            for p in a.proofs() {
                p.walk(&mut |n| {
                    found |= uses(n, target);
                    if let (
                        Justification::Rule { location, .. } | Justification::Fact { location, .. },
                        Some(atom),
                    ) = (&n.by, &n.atom)
                    {
                        let s = format!("{} ({location})", atom.pred);
                        if !used.contains(&s) {
                            used.push(s);
                        }
                    }
                });
            }
            let actual = if used.is_empty() {
                "no proof".to_string()
            } else {
                format!("proofs use {}", used.join(", "))
            };
            (found, actual)
        }
        Expectation::Cites { source, line } => {
            let mut cited = Vec::new();
            for p in a.proofs() {
                for q in p.quotes() {
                    let s = match q.line {
                        Some(l) => format!("{} {l}", q.source),
                        None => q.source.clone(),
                    };
                    if !cited.contains(&s) {
                        cited.push(s);
                    }
                }
            }
            let found = a.proofs().iter().any(|p| {
                p.quotes()
                    .iter()
                    .any(|q| &q.source == source && line.is_none_or(|l| q.line == Some(l)))
            });
            let actual = if cited.is_empty() {
                "no citation".to_string()
            } else {
                format!("proofs cite {}", cited.join(", "))
            };
            (found, actual)
        }
    }
}

/// The knowledge base a query file names with `kb "PATH".`, resolved against the file's
/// folder; `None` when it names none or does not parse (running it reports the error).
pub fn script_kb(path: &Path, text: &str) -> Option<PathBuf> {
    let script = parse_script(text, 0).ok()?;
    let kb = script.kb?;
    Some(path.parent().unwrap_or(Path::new(".")).join(kb.path))
}

/// The inventory folder a query file names with `inventory "DIR".`, resolved against the
/// file's folder; `None` when it names none or does not parse.
pub fn script_inventory(path: &Path, text: &str) -> Option<PathBuf> {
    let script = parse_script(text, 0).ok()?;
    let dir = script.inventory?;
    Some(path.parent().unwrap_or(Path::new(".")).join(dir.path))
}

/// Checks that what a query file's `kb "PATH".` and `inventory "DIR".` name is there (the
/// inventory a folder), so that a wrong path is reported at its declaration in the query
/// file, not as a bare path error of the load. The file's spans are in file 0 of the
/// caller's source map. A file that does not parse passes (running it reports the error).
///
/// Errors ([`crate::source::Code::Input`]): the path is not there, or the inventory is not
/// a folder.
pub fn check_script_paths(path: &Path, text: &str) -> Result<(), Diagnostic> {
    use crate::source::Code;
    let Ok(script) = parse_script(text, 0) else {
        return Ok(());
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let uses = [
        ("kb", script.kb, false),
        ("inventory", script.inventory, true),
    ];
    for (word, used, folder) in uses {
        let Some(u) = used else { continue };
        let at = base.join(&u.path);
        let why = match std::fs::metadata(&at) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && folder => "no such folder".into(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "no such file or folder".into(),
            Err(e) => crate::source::io_reason(&e),
            Ok(m) if folder && !m.is_dir() => "not a folder".into(),
            Ok(_) => continue,
        };
        let message = format!("{word} \"{}\": {why} ({})", u.path, at.display());
        return Err(Diagnostic::error(Code::Input, message, u.span)
            .with_help("the path is relative to the query file's folder"));
    }
    Ok(())
}

/// Parses and runs a query file against `kb`.
///
/// Errors: the file's syntax error, or an expectation naming a source or predicate the
/// knowledge base does not have (nothing runs), or of a row another width than its query's
/// answer (the run stops there).
pub fn run_script(
    session: &mut Session,
    name: &str,
    text: &str,
    opts: AskOptions,
) -> Result<ScriptReport, Diagnostic> {
    run_script_where(session, name, text, opts, &|_| true)
}

/// As [`run_script`], running only the queries `select` takes (given the query as written):
/// the others are left out of the report, while the assumptions and retractions before
/// them still hold for the queries that follow.
///
/// Errors: as [`run_script`].
pub fn run_script_where(
    session: &mut Session,
    name: &str,
    text: &str,
    opts: AskOptions,
    select: &dyn Fn(&str) -> bool,
) -> Result<ScriptReport, Diagnostic> {
    let file = session.kb.sources.add(name, text);
    let items = parse_script(text, file)?.items;
    // An empty query file checks nothing: in CI that is a mistake, not a green run.
    if items.is_empty() {
        return Err(Diagnostic::error(
            crate::source::Code::Input,
            "the query file has no queries, so it checks nothing",
            crate::source::Span::new(file, 0, 0),
        )
        .with_help("write a query ending with `.`, followed by its expectations: `supported? peer_cache.` `expect no.`"));
    }
    if let Some(d) = expectations::unknown_names(&session.kb, &items)
        .into_iter()
        .next()
    {
        return Err(d);
    }
    let mut report = ScriptReport {
        file: name.to_string(),
        items: Vec::new(),
        passed: 0,
        failed: 0,
        limit_hit: false,
        rejected: false,
    };
    let mut items = items;
    let mut scenario: Option<super::scenario::Scenario> = None;
    for i in 0..items.len() {
        if !items[i].setup.is_empty() {
            let sc = scenario.get_or_insert_with(|| super::scenario::Scenario::new(&session.kb));
            sc.apply(session, (name, text), &items[i].setup)?;
            // The rebuilt knowledge base has a new source map: read the file into it again,
            // so that what follows is located in it.
            let file = session.kb.sources.add(name, text);
            items = parse_script(text, file)?.items;
        }
        let item = items[i].clone();
        let query = item.query.to_string();
        if !select(&query) {
            continue;
        }
        let started = std::time::Instant::now();
        let location = session.kb.sources.location(item.query.span());
        let location_of_query = location.clone();
        let result = session.answer(&item.query, opts);
        let mut r = ItemResult {
            query,
            location,
            answer: None,
            error: None,
            error_text: None,
            expectations: Vec::new(),
            seconds: 0.0,
        };
        match result {
            Ok(a) => {
                for e in &item.expectations {
                    if let Some(d) = expectations::row_width(e, &a) {
                        return Err(d);
                    }
                    let Outcome { passed, actual } = check(&e.expectation, &a);
                    r.expectations.push(ExpectationResult {
                        expectation: e.expectation.to_string(),
                        location: session.kb.sources.location(e.span),
                        passed,
                        actual,
                    });
                }
                // A proof the independent checker rejects fails the query, whatever it expects.
                if !a.proof_errors().is_empty() {
                    r.expectations.push(ExpectationResult {
                        expectation: "every proof checks".into(),
                        location: location_of_query.clone(),
                        passed: false,
                        actual: a.proof_errors().join("; "),
                    });
                }
                if !r.expectations.is_empty() {
                    if r.expectations.iter().all(|e| e.passed) {
                        report.passed += 1;
                    } else {
                        report.failed += 1;
                    }
                }
                r.answer = Some(a);
            }
            Err(err) => {
                let (msg, plain) = match &err {
                    QueryError::Invalid(d) | QueryError::Internal(d) => {
                        report.rejected = true;
                        (
                            session.kb.sources.render(d, false),
                            session.kb.sources.render_plain(d),
                        )
                    }
                    QueryError::Eval(e) => {
                        report.limit_hit |= matches!(e, EvalError::Limit(_));
                        (e.to_string(), e.to_string())
                    }
                };
                for e in &item.expectations {
                    r.expectations.push(ExpectationResult {
                        expectation: e.expectation.to_string(),
                        location: session.kb.sources.location(e.span),
                        passed: false,
                        actual: "the query failed".into(),
                    });
                }
                report.failed += 1;
                r.error = Some(msg);
                r.error_text = Some(plain);
            }
        }
        r.seconds = started.elapsed().as_secs_f64();
        report.items.push(r);
    }
    if let Some(sc) = scenario {
        sc.restore(session);
    }
    Ok(report)
}
