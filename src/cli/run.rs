//! `supportkb run FILE.kbq` and `supportkb test [PATH…]`: query files as checks.

use super::Context;
use super::output::{self, Exit};
use std::path::{Path, PathBuf};
use supportkb::query::script::run_script;
use supportkb::query::script::script_inventory;
use supportkb::query::suite::{collect_query_files, kb_paths_for, run_suite};
use supportkb::render::junit::junit;
use supportkb::source::{Code, Diagnostic, io_reason, read_text, write_atomic};

/// The exit code of a report of checks: 0, or 3 when a limit stopped one, 2 when a file
/// or query was rejected as input, 1 for a failed check.
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

pub fn test(cx: &Context, paths: &[PathBuf], junit_file: Option<&Path>, coverage: bool) -> Exit {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let files = match collect_query_files(&paths) {
        Ok(f) => f,
        Err(d) => return output::rejected(cx.format, d),
    };
    let report = run_suite(&files, &cx.kb, &cx.load, cx.opts, coverage);
    if let Some(path) = junit_file
        && let Err(e) = write_atomic(path, junit(&report).as_bytes())
    {
        let d = Diagnostic::unplaced(
            Code::Io,
            format!("cannot write {}: {}", path.display(), io_reason(&e)),
        );
        return output::rejected(cx.format, d);
    }
    output::doc(cx.format, &report);
    checks_exit(report.failed, report.limit_hit, report.rejected)
}
