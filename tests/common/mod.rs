//! Helpers shared by the integration tests: running the `supportkb` binary and reading what it
//! printed, the `N passed, M failed` summary, checking that a diagnostic points at the place
//! it names, and loading a knowledge base from text through the library.
//!
//! Each test file includes this module with `mod common;`; not every file uses every helper.

#![allow(dead_code)]

pub mod estate;
pub mod pty;
pub mod sql;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use supportkb::query::{LoadConfig, LoadError, Session};
use supportkb::source::SourceText;

/// The crate root: commands run from here see `examples/` and `rules/` by those names.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Longest any one run of the binary may take before the test fails as hung.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// What one run of the command printed and returned.
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// `supportkb` in `dir`, with colour off and a time limit.
pub fn command(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("supportkb").expect("the supportkb binary is built");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(RUN_TIMEOUT);
    cmd
}

/// Runs a prepared command and collects what it printed.
pub fn finish(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("supportkb runs");
    Run {
        code: out
            .status
            .code()
            .expect("exited normally, not by a signal or the time limit"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A temporary folder holding `files` (path relative to it, text), sub-folders made.
pub fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Runs `supportkb ARGS…` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    finish(command(dir).args(args))
}

/// Runs `supportkb ARGS…` from the crate root.
pub fn run(args: &[&str]) -> Run {
    run_in(Path::new(ROOT), args)
}

/// Runs `supportkb ARGS…` in `dir` with `stdin` piped to its standard input.
pub fn run_with_stdin(dir: &Path, args: &[&str], stdin: impl Into<Vec<u8>>) -> Run {
    finish(command(dir).args(args).write_stdin(stdin))
}

/// Standard output, parsed as JSON.
pub fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{r:?}"))
}

/// The first answer of a `query --format json` document (`answers[0]`).
pub fn first_answer(r: &Run) -> Value {
    let doc = json(r);
    assert!(doc["schema"].as_str().is_some(), "not a document: {doc}");
    doc["answers"][0].clone()
}

/// A typed JSON value, as documents write values: `{"type": KIND, "value": …}`.
pub fn typed(kind: &str, value: impl Into<Value>) -> Value {
    serde_json::json!({"type": kind, "value": value.into()})
}

/// The last non-empty line of `s`.
pub fn last_line(s: &str) -> &str {
    s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
}

/// The counts of a `N passed, M failed` summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Checks that passed.
    pub passed: usize,
    /// Checks that failed.
    pub failed: usize,
}

/// Parses a `N passed, M failed` summary line.
pub fn summary(line: &str) -> Option<Summary> {
    let (passed, failed) = line.trim().split_once(" passed, ")?;
    let failed = failed.strip_suffix(" failed")?;
    Some(Summary {
        passed: passed.parse().ok()?,
        failed: failed.parse().ok()?,
    })
}

/// The summary on the last line of a run's standard output; panics if there is none.
pub fn final_summary(r: &Run) -> Summary {
    summary(last_line(&r.stdout))
        .unwrap_or_else(|| panic!("the last line is not `N passed, M failed`:\n{r:?}"))
}

/// Whether `stderr` has a diagnostic headed `file:line:col` whose source excerpt underlines
/// that very column of that line; the error says what is wrong.
pub fn points_at(stderr: &str, file: &str, line: usize, col: usize) -> Result<(), String> {
    let header = format!(": {file}:{line}:{col}:");
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| (l.starts_with("error[") || l.starts_with("warning[")) && l.contains(&header))
        .ok_or_else(|| format!("no diagnostic headed `{file}:{line}:{col}`"))?;
    // The excerpt shows the line as ` N │ text`, then an underline row `   · ──┬──`.
    let src_prefix = format!("{line} │ ");
    let src = lines[at..]
        .iter()
        .position(|l| l.trim_start().starts_with(&src_prefix))
        .map(|i| at + i)
        .ok_or_else(|| format!("the excerpt does not show line {line}"))?;
    let underline = lines
        .get(src + 1)
        .ok_or_else(|| format!("nothing below line {line}"))?;
    let gutter = lines[src].chars().position(|c| c == '│').unwrap_or(0);
    if underline.chars().position(|c| c == '·') != Some(gutter) {
        return Err(format!("no underline row below line {line}"));
    }
    let mark = underline
        .chars()
        .skip(gutter + 2)
        .position(|c| c != ' ')
        .ok_or("the underline row is empty")?;
    if !underline
        .chars()
        .nth(gutter + 2 + mark)
        .is_some_and(|c| "─┬^".contains(c))
    {
        return Err("the underline row has no caret or underline".into());
    }
    if mark + 1 != col {
        return Err(format!(
            "the underline starts at column {} but the header says {col}",
            mark + 1
        ));
    }
    Ok(())
}

/// Asserts that `stderr` has a diagnostic headed `file:line:col`, and that the source excerpt
/// under it underlines that very column of that line.
pub fn assert_points_at(stderr: &str, file: &str, line: usize, col: usize) {
    if let Err(e) = points_at(stderr, file, line, col) {
        panic!("{e}:\n{stderr}");
    }
}

/// Asserts that `stderr` has an error of `code` headed `file:line:col` whose excerpt
/// underlines that place.
pub fn assert_error_at(stderr: &str, code: &str, file: &str, line: usize, col: usize) {
    let header = format!("error[{code}]: {file}:{line}:{col}:");
    assert!(
        stderr.lines().any(|l| l.starts_with(&header)),
        "no diagnostic headed `{header}`:\n{stderr}"
    );
    assert_points_at(stderr, file, line, col);
}

/// The `file`, `line` and `col` of every diagnostic header (`error[code]: file:line:col: …`)
/// in `stderr`.
pub fn diagnostic_places(stderr: &str) -> Vec<(String, usize, usize)> {
    stderr
        .lines()
        .filter(|l| l.starts_with("error[") || l.starts_with("warning["))
        .filter_map(|l| {
            let (_, rest) = l.split_once("]: ")?;
            let mut parts = rest.splitn(4, ':');
            let file = parts.next()?.to_string();
            let line = parts.next()?.parse().ok()?;
            let col = parts.next()?.parse().ok()?;
            Some((file, line, col))
        })
        .collect()
}

/// Loads knowledge-base texts, each `(name, text)`, through the library.
pub fn try_load_files(files: &[(&str, &str)]) -> Result<Session, LoadError> {
    let texts = files
        .iter()
        .map(|(name, text)| SourceText {
            name: name.to_string(),
            text: text.to_string(),
        })
        .collect();
    Session::load(texts, LoadConfig::default())
}

/// Loads one knowledge-base text, named `kb.kb`, through the library.
pub fn try_load(text: &str) -> Result<Session, LoadError> {
    try_load_files(&[("kb.kb", text)])
}

/// Loads one knowledge-base text, named `kb.kb`; panics with the diagnostics if it is
/// rejected.
pub fn load(text: &str) -> Session {
    try_load(text).unwrap_or_else(|e| {
        let msgs: Vec<String> = e
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        panic!("load failed: {msgs:?}\n{text}")
    })
}

/// The embedded CMG knowledge base.
pub fn embedded() -> Session {
    Session::embedded(LoadConfig::default()).expect("the embedded knowledge base loads")
}
