//! `supportkb run FILE.kbq` and `supportkb test [PATH…]`: query files as checks.

use super::Context;
use super::output::{self, Exit};
use std::path::{Path, PathBuf};
use supportkb::query::script::run_script;
use supportkb::query::script::{check_script_paths, script_inventory};
use supportkb::query::selection::{Selection, collect_query_files};
use supportkb::query::suite::{coverage_name, kb_paths_for, run_suite};
use supportkb::render::SuiteDoc;
use supportkb::render::junit::junit;
use supportkb::source::{Code, Diagnostic, SourceMap, io_reason, read_text, write_atomic};

/// The exit code of a report of checks: 0, or 3 when a limit stopped one, 2 when a file
/// or query was rejected as input, 1 for a failed check. (`test --threshold` turns a 0
/// into 1 when coverage is under it.)
fn checks_exit(failed: usize, limit_hit: bool, rejected: bool) -> Exit {
    match (failed, limit_hit, rejected) {
        (0, _, _) => Exit::Ok,
        (_, true, _) => Exit::Limit,
        (_, _, true) => Exit::Rejected,
        _ => Exit::Failed,
    }
}

pub fn run(cx: &Context, file: &Path) -> Exit {
    let src = match read_text(file) {
        Ok(s) => s,
        Err(d) => return output::rejected(cx.format, d),
    };
    if let Err(d) = check_script_paths(file, &src.text) {
        let mut map = SourceMap::default();
        map.add(src.name.clone(), src.text.clone());
        output::diagnostics(cx.format, &map, &[d]);
        return Exit::Rejected;
    }
    let mut load = cx.load.clone();
    if let Some(dir) = script_inventory(file, &src.text) {
        load.inventory = Some(dir);
    }
    let mut session = match cx.load_with(&kb_paths_for(file, &src.text, &cx.kb), &load) {
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
    output::doc(cx.format, &report);
    checks_exit(report.failed, report.limit_hit, report.rejected)
}

/// The options of `supportkb test`.
pub struct TestOptions<'a> {
    /// Also write JUnit XML here.
    pub junit: Option<&'a Path>,
    /// Report coverage.
    pub coverage: bool,
    /// Exit 1 when a knowledge base's coverage is under this percentage.
    pub threshold: Option<f64>,
    /// `--ignore` globs.
    pub ignore: &'a [String],
    /// The `--run` pattern.
    pub run: Option<&'a str>,
    /// List every query with its result and time.
    pub verbose: bool,
}

pub fn test(cx: &Context, paths: &[PathBuf], o: &TestOptions) -> Exit {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let selection = match Selection::new(o.ignore, o.run) {
        Ok(s) => s,
        Err(d) => return output::rejected(cx.format, d),
    };
    let files = match collect_query_files(&paths, &selection) {
        Ok(f) => f,
        Err(d) => return output::rejected(cx.format, d),
    };
    let report = run_suite(&files, &cx.kb, &cx.load, cx.opts, o.coverage, &selection);
    if let Some(pattern) = selection.run_pattern()
        && report.files.iter().all(|f| f.error.is_some())
    {
        let d = Diagnostic::unplaced(
            Code::Input,
            format!("no query of the suite matches --run {pattern}"),
        );
        return output::rejected(cx.format, d);
    }
    if let Some(path) = o.junit
        && let Err(e) = write_atomic(path, junit(&report).as_bytes())
    {
        let d = Diagnostic::unplaced(
            Code::Io,
            format!("cannot write {}: {}", path.display(), io_reason(&e)),
        );
        return output::rejected(cx.format, d);
    }
    output::doc(
        cx.format,
        &SuiteDoc {
            report: &report,
            verbose: o.verbose,
        },
    );
    let exit = checks_exit(report.failed, report.limit_hit, report.rejected);
    let under: Vec<_> = match o.threshold {
        Some(want) => report
            .coverage
            .iter()
            .flatten()
            .filter(|c| c.percent < want)
            .collect(),
        None => Vec::new(),
    };
    for c in &under {
        supportkb::render::emit_err(&format!(
            "coverage of {} is {:.1}%, under --threshold {}%\n",
            coverage_name(&c.kb),
            c.percent,
            o.threshold.unwrap_or_default()
        ));
    }
    if exit == Exit::Ok && !under.is_empty() {
        Exit::Failed
    } else {
        exit
    }
}
