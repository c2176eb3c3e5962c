//! What the commands print and the exit codes they end with. Diagnostics go to standard
//! error (with colour on a terminal) and, under `--format json`, also to standard output as
//! one error document; a closed standard output (`supportkb … | head`) ends the command
//! quietly, as Unix tools do.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use supportkb::query::{LoadError, LoadFailure, QueryError};
use supportkb::render::{Format, Render, emit, emit_err, json, render};
use supportkb::source::{Diagnostic, SourceMap};

/// How a command ended, as its exit code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: done.
    Ok,
    /// 1: an expectation failed, a verified trace no longer stands.
    Failed,
    /// 2: input rejected.
    Rejected,
    /// 3: a resource limit stopped the work.
    Limit,
    /// 101: a bug (a panic, or checks that passed on a program that cannot run).
    Internal,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(match e {
            Exit::Ok => 0,
            Exit::Failed => 1,
            Exit::Rejected => 2,
            Exit::Limit => 3,
            Exit::Internal => 101,
        })
    }
}

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// True once standard output was found closed: nothing more is printed and the command
/// ends with success.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Prints `text` on standard output.
pub fn print(text: &str) {
    if stdout_closed() {
        return;
    }
    if let Err(e) = emit(text) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            emit_err(&format!("error: cannot write to standard output: {e}\n"));
        }
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Prints a document in `format`.
pub fn doc(format: Format, d: &dyn Render) {
    print(&render(format, d));
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints diagnostics: rendered on standard error, and under JSON as an error document on
/// standard output.
pub fn diagnostics(format: Format, sources: &SourceMap, d: &[Diagnostic]) {
    emit_err(&sources.render(d, color()));
    if format == Format::Json {
        print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&json::diagnostics(sources, d)).unwrap_or_default()
        ));
    }
}

/// Warnings on standard error only (they never change stdout or the exit code).
pub fn warnings(sources: &SourceMap, d: &[Diagnostic]) {
    if !d.is_empty() {
        emit_err(&sources.render(d, color()));
    }
}

/// Prints a load error; its exit code.
pub fn load_error(format: Format, e: &LoadError) -> Exit {
    diagnostics(format, &e.sources, &e.diagnostics);
    match e.failure {
        LoadFailure::Rejected | LoadFailure::Cancelled => Exit::Rejected,
        LoadFailure::Limit(_) => Exit::Limit,
        LoadFailure::Internal => Exit::Internal,
    }
}

/// Prints a query error; its exit code.
pub fn query_error(format: Format, sources: &SourceMap, e: &QueryError) -> Exit {
    diagnostics(format, sources, &e.diagnostics());
    match e {
        QueryError::Invalid(_) => Exit::Rejected,
        QueryError::Eval(supportkb::engine::EvalError::Limit(_)) => Exit::Limit,
        QueryError::Eval(_) => Exit::Rejected,
        QueryError::Internal(_) => Exit::Internal,
    }
}

/// Prints one unplaced diagnostic; exit 2.
pub fn rejected(format: Format, d: Diagnostic) -> Exit {
    diagnostics(format, &SourceMap::default(), &[d]);
    Exit::Rejected
}
