//! What the commands print and the exit codes they end with. Diagnostics go to standard
//! error (with colour on a terminal) and, under `--format json`, also into the `errors` of
//! the command's one JSON document ([`supportkb::render::document`]); a closed standard
//! output (`supportkb … | head`) ends the command quietly, as Unix tools do.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use supportkb::query::{LoadError, LoadFailure, QueryError};
use supportkb::render::document::{self, Kind, Public};
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

/// The exit codes as every command's `--help` lists them (the README's table says the same).
pub const EXIT_CODES_HELP: &str = "Exit codes:\n  \
    0    ok\n  \
    1    an expectation failed, a verified trace no longer stands, a verdict matched \
    query --fail-unless/--fail-on, coverage is under test --threshold or coverage \
    --fail-under, or diff found an answer changed\n  \
    2    input rejected (a syntax or check error in a .kb, a bad query, a missing or binary file)\n  \
    3    a resource limit stopped evaluation\n  \
    101  an internal error (a bug: please report it)";

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// The JSON document of this run: its kind, how its inside is made public, the errors
/// waiting to go into it, and whether it was printed.
struct JsonDoc {
    kind: Kind,
    public: Public,
    errors: Vec<serde_json::Value>,
    printed: bool,
}

static JSON_DOC: Mutex<JsonDoc> = Mutex::new(JsonDoc {
    kind: Kind::Answers,
    public: Public { internal: false },
    errors: Vec::new(),
    printed: false,
});

fn json_doc() -> std::sync::MutexGuard<'static, JsonDoc> {
    JSON_DOC
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Names the kind of document this run prints under `--format json`, and whether its
/// internal fields are kept (`--internal`).
pub fn document_kind(kind: Kind, public: Public) {
    let mut d = json_doc();
    d.kind = kind;
    d.public = public;
}

/// Prints the run's JSON document: `body` made public, in the envelope with the errors so
/// far. A trace (`Kind::Trace`) is printed as it is.
pub fn json_document(body: serde_json::Value) {
    print(&json_text(body));
}

/// The run's JSON document around `body` (its schema name, version and the errors so far),
/// as text ending in a newline, for standard output or a file (`report -o report.json`).
pub fn json_text(body: serde_json::Value) -> String {
    let mut d = json_doc();
    let errors = std::mem::take(&mut d.errors);
    d.printed = true;
    let body = if d.kind == Kind::Trace {
        body
    } else {
        document::envelope(d.kind, Some(d.public.apply(body)), errors)
    };
    format!("{}\n", supportkb::render::json::pretty(&body))
}

/// At the end of a run under `--format json`: when no document was printed but errors
/// were, the envelope with only the errors.
pub fn finish_json() {
    let text = {
        let mut d = json_doc();
        if d.printed || d.errors.is_empty() {
            return;
        }
        d.printed = true;
        let errors = std::mem::take(&mut d.errors);
        supportkb::render::json::pretty(&document::envelope(d.kind, None, errors))
    };
    print(&format!(
        "{text}
"
    ));
}

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

/// Prints a document in `format` (under JSON, as the run's one document).
pub fn doc(format: Format, d: &dyn Render) {
    if format == Format::Json {
        json_document(d.json());
    } else {
        print(&render(format, d));
    }
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints diagnostics: rendered on standard error, and under JSON kept for the `errors` of
/// the run's document.
pub fn diagnostics(format: Format, sources: &SourceMap, d: &[Diagnostic]) {
    diagnostics_of(format, sources, d, None);
}

/// As [`diagnostics`]; each error names the `query` it is about, when given: under JSON
/// in its `query` field, in text at the head of a message that has no place in the query
/// (a limit that stopped it: with several queries, which one).
pub fn diagnostics_of(format: Format, sources: &SourceMap, d: &[Diagnostic], query: Option<&str>) {
    let named: Vec<Diagnostic> = d
        .iter()
        .map(|diag| match query {
            Some(q) if diag.span.is_none() => {
                let mut diag = diag.clone();
                diag.message = format!("`{q}`: {}", diag.message);
                diag
            }
            _ => diag.clone(),
        })
        .collect();
    emit_err(&sources.render(&named, color()));
    if format == Format::Json {
        let mut doc = json_doc();
        for diag in d {
            let mut v = json::diagnostic(sources, diag);
            if let (Some(q), Some(obj)) = (query, v.as_object_mut()) {
                obj.insert("query".into(), q.into());
            }
            doc.errors.push(v);
        }
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

/// Prints a query error (under JSON naming the query, when given); its exit code.
pub fn query_error(format: Format, sources: &SourceMap, e: &QueryError) -> Exit {
    query_error_of(format, sources, e, None)
}

/// As [`query_error`], the error naming `query` under JSON.
pub fn query_error_of(
    format: Format,
    sources: &SourceMap,
    e: &QueryError,
    query: Option<&str>,
) -> Exit {
    diagnostics_of(format, sources, &e.diagnostics(), query);
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

/// The extensions of the files `-o` writes in each format (`report` adds `.csv`).
pub const EXTENSIONS: [(&str, Format); 6] = [
    ("json", Format::Json),
    ("md", Format::Markdown),
    ("html", Format::Html),
    ("txt", Format::Text),
    ("markdown", Format::Markdown),
    ("htm", Format::Html),
];

/// `--format`'s word for `format`.
pub fn format_word(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Json => "json",
        Format::Markdown => "markdown",
        Format::Html => "html",
    }
}

/// The format of the file `path` that `-o` writes, by the one rule of `report`, `explain`
/// and `diff`: without a flag (`flag`: what it says and the format it asks for) the
/// extension chooses, one of `known` (matched ignoring case); with a flag and a known
/// extension they must agree; with a flag and an extension that names no format, the flag
/// chooses. `name` says a format in a message.
///
/// Errors: no flag and an extension not in `known` (or none), listing the known ones; a
/// flag and a known extension that disagree, naming both.
pub fn file_format<T: Copy + PartialEq>(
    what: &str,
    path: &Path,
    flag: Option<(String, T)>,
    known: &[(&str, T)],
    name: impl Fn(T) -> &'static str,
) -> Result<T, String> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    let by_file = ext
        .as_deref()
        .and_then(|e| known.iter().find(|(k, _)| *k == e))
        .map(|(_, f)| *f);
    match (flag, by_file) {
        (Some((f, a)), Some(b)) if a != b => Err(format!(
            "conflicting {what} formats: {f} asks for {} but -o {} for {}; give one",
            name(a),
            path.display(),
            name(b)
        )),
        (Some((_, a)), _) => Ok(a),
        (None, Some(b)) => Ok(b),
        (None, None) => {
            let mut exts: Vec<String> = Vec::new();
            for (e, _) in known {
                let e = format!(".{e}");
                if !exts.contains(&e) {
                    exts.push(e);
                }
            }
            let said = match &ext {
                Some(e) => format!("the extension `.{e}`"),
                None => "a file without an extension".into(),
            };
            Err(format!(
                "-o {}: {said} names no format: end the file in {}, or give --format",
                path.display(),
                exts.join(", ")
            ))
        }
    }
}

/// The format `-o FILE` writes `explain`'s trace or `diff`'s report in ([`file_format`]);
/// without `-o`, `--format`.
///
/// Errors: as [`file_format`].
pub fn written_format(
    cx: &super::Context,
    what: &str,
    out: Option<&Path>,
) -> Result<Format, String> {
    let Some(path) = out else {
        return Ok(cx.format);
    };
    let flag = cx
        .format_given
        .then(|| (format!("--format {}", format_word(cx.format)), cx.format));
    file_format(what, path, flag, &EXTENSIONS, format_name)
}

/// `format` as a message names it: `JSON`, `Markdown`, `HTML`, `text`.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Json => "JSON",
        Format::Markdown => "Markdown",
        Format::Html => "HTML",
    }
}
