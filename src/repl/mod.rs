//! The interactive session (rustyline): completion of commands, predicates (with arity) and
//! the constants of the argument being typed, "did you mean" hints, highlighting, multi-line
//! statements with a continuation prompt, history in the user's data directory, Ctrl-C that
//! cancels a line or a running evaluation, and the `:` commands. With standard input not a
//! terminal, the same statements run as a script.
//!
//! A statement is a query (answered), clauses (added to the session's knowledge base), or a
//! command. Errors are printed and the session goes on.

mod commands;
mod helper;

use crate::diag::Diagnostic;
use crate::engine::EvalError;
use crate::kb::{KnowledgeBase, LoadError, SourceText, read_paths};
use crate::query::{AskOptions, QueryError};
use crate::render::{Format, emit, json, text};
use crate::syntax::{is_incomplete, parse_kb};
use crate::{emit_line, err_line};
use helper::ReplHelper;
use rustyline::error::ReadlineError;
use rustyline::history::{DefaultHistory, History};
use rustyline::{Config, Editor};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The prompt of a new statement.
pub const PROMPT: &str = "supportkb> ";
/// The prompt of a statement's further lines.
pub const CONTINUATION: &str = "       ... ";

/// The session state.
pub struct Session {
    /// The knowledge base, rebuilt when clauses, assumptions or files change.
    pub kb: KnowledgeBase,
    /// Output format.
    pub format: Format,
    /// Query options.
    pub opts: AskOptions,
    /// Where the knowledge base came from: `--kb` paths (empty for the embedded one).
    base_paths: Vec<PathBuf>,
    /// Files added with `:load`, re-read by `:reload`.
    loaded: Vec<PathBuf>,
    /// Clauses typed at the prompt, in order.
    typed: Vec<String>,
    /// Facts assumed with `:assume`, as written.
    assumed: Vec<String>,
    /// Facts of the knowledge base set aside with `:retract`, as printed.
    retracted: Vec<String>,
    /// Set by Ctrl-C while an evaluation runs.
    cancel: Arc<AtomicBool>,
    /// How many times the knowledge base was rebuilt (completion data follows it).
    generation: u64,
}

/// What one statement asks of the loop.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    /// Read the next statement.
    Continue,
    /// Leave.
    Quit,
}

impl Session {
    /// A session over `kb`, built from `base_paths` (empty: the embedded knowledge base).
    pub fn new(
        mut kb: KnowledgeBase,
        format: Format,
        opts: AskOptions,
        base_paths: Vec<PathBuf>,
    ) -> Self {
        let cancel = Arc::new(AtomicBool::new(false));
        kb.config.cancel = Some(cancel.clone());
        Session {
            kb,
            format,
            opts,
            base_paths,
            loaded: Vec::new(),
            typed: Vec::new(),
            assumed: Vec::new(),
            retracted: Vec::new(),
            cancel,
            generation: 0,
        }
    }

    /// The flag Ctrl-C sets to stop a running evaluation.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    fn errors(&self, d: &[Diagnostic]) -> String {
        match self.format {
            Format::Json => format!("{}\n", json::diagnostics(&self.kb.sources, d)),
            Format::Text | Format::Markdown => self.kb.sources.render(d, false),
        }
    }

    /// Runs one statement; returns what to print and whether to go on.
    pub fn statement(&mut self, input: &str) -> (String, Flow) {
        self.cancel.store(false, Ordering::Relaxed);
        let line = input.trim();
        if line.is_empty() {
            return (String::new(), Flow::Continue);
        }
        if let Some(cmd) = line.strip_prefix(':') {
            return self.command(cmd);
        }
        let looks_like_clauses =
            !line.starts_with("?-") && !line.starts_with("why") && !line.contains('?');
        if looks_like_clauses {
            let file = self.kb.sources.add("<check>", input);
            if parse_kb(input, file).is_ok() {
                self.typed.push(input.to_string());
                let out = self.rebuild();
                if !out.starts_with("added") {
                    self.typed.pop();
                }
                return (out, Flow::Continue);
            }
        }
        match self.kb.ask(input, self.opts) {
            Ok(a) => (
                match self.format {
                    Format::Json => {
                        format!("{}\n", serde_json::to_string_pretty(&a).unwrap_or_default())
                    }
                    Format::Text => text::answer(&a),
                    Format::Markdown => crate::render::markdown::answer(&a),
                },
                Flow::Continue,
            ),
            Err(QueryError::Invalid(d)) => {
                // Show the knowledge-base reading's error when the input looks like clauses.
                if looks_like_clauses {
                    let file = self.kb.sources.add("<input>", input);
                    if let Err(kd) = parse_kb(input, file) {
                        return (self.errors(&[kd]), Flow::Continue);
                    }
                }
                (self.errors(&d), Flow::Continue)
            }
            Err(QueryError::Eval(EvalError::Cancelled)) => ("cancelled\n".into(), Flow::Continue),
            Err(QueryError::Eval(e)) => (format!("error: {e}\n"), Flow::Continue),
        }
    }

    /// The texts of the session's knowledge base: its files, `:load`ed files, typed clauses
    /// and assumptions.
    fn texts(&self) -> Result<Vec<SourceText>, LoadError> {
        let mut texts = if self.base_paths.is_empty() {
            crate::kb::embedded_sources()
        } else {
            read_paths(&self.base_paths)?
        };
        if !self.loaded.is_empty() {
            texts.extend(read_paths(&self.loaded)?);
        }
        for (i, t) in self.typed.iter().enumerate() {
            texts.push(SourceText {
                name: format!("<input {}>", i + 1),
                text: t.clone(),
            });
        }
        if !self.assumed.is_empty() {
            texts.push(SourceText {
                name: "<assumptions>".into(),
                text: self.assumed.join("\n"),
            });
        }
        Ok(texts)
    }

    /// Rebuilds the knowledge base; on failure keeps the old one and says why.
    fn rebuild(&mut self) -> String {
        let before = self.kb.checked.program.clauses.len();
        let built = self
            .texts()
            .and_then(|t| KnowledgeBase::load_without(t, self.kb.config.clone(), &self.retracted));
        match built {
            Ok(mut kb) => {
                let n = kb.checked.program.clauses.len() as i64 - before as i64;
                kb.handles = std::mem::take(&mut self.kb.handles);
                self.kb = kb;
                self.generation += 1;
                match n {
                    1 => "added 1 clause\n".into(),
                    n if n >= 0 => format!("added {n} clauses\n"),
                    n => format!("removed {} clause{}\n", -n, if n == -1 { "" } else { "s" }),
                }
            }
            Err(e) if e.diagnostics.iter().any(|d| d.code == "cancelled") => {
                "cancelled: nothing changed\n".into()
            }
            Err(e) => match self.format {
                Format::Json => format!("{}\n", json::diagnostics(&e.sources, &e.diagnostics)),
                Format::Text | Format::Markdown => format!(
                    "{}(nothing changed)\n",
                    e.sources.render(&e.diagnostics, false)
                ),
            },
        }
    }
}

fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SUPPORTKB_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("supportkb").join("history"))
}

/// Reads one statement: lines until it is complete, the later ones under the continuation
/// prompt. `Ok(None)` at end of input.
fn read_statement(
    editor: &mut Editor<ReplHelper, DefaultHistory>,
) -> Result<Option<String>, ReadlineError> {
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            PROMPT
        } else {
            CONTINUATION
        };
        match editor.readline(prompt) {
            Ok(line) => {
                // A command on a continuation line drops the unfinished statement.
                if !buffer.is_empty() && line.trim_start().starts_with(':') {
                    return Ok(Some(line));
                }
                if !buffer.is_empty() {
                    buffer.push('\n');
                }
                buffer.push_str(&line);
                if buffer.trim_start().starts_with(':') || !is_incomplete(&buffer) {
                    return Ok(Some(buffer));
                }
            }
            // Ctrl-C drops the statement being typed, whole.
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                return Ok(Some(String::new()));
            }
            Err(ReadlineError::Eof) if buffer.is_empty() => return Ok(None),
            Err(ReadlineError::Eof) => return Ok(Some(buffer)),
            Err(e) => return Err(e),
        }
    }
}

/// Runs the session: interactive on a terminal, a script on piped input.
pub fn run(
    kb: KnowledgeBase,
    format: Format,
    opts: AskOptions,
    base_paths: Vec<PathBuf>,
) -> ExitCode {
    let mut session = Session::new(kb, format, opts, base_paths);
    if !std::io::stdin().is_terminal() {
        return script(&mut session);
    }
    let flag = session.cancel_flag();
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed)) {
        err_line!("warning: Ctrl-C will not stop a running evaluation: {e}");
    }
    let config = Config::builder()
        .completion_type(rustyline::CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut editor: Editor<ReplHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            err_line!("error: cannot start the line editor: {e}");
            return ExitCode::from(2);
        }
    };
    editor.set_helper(Some(ReplHelper::new(
        &session.kb,
        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    )));
    let history = history_path();
    if let Some(h) = &history
        && h.exists()
        && let Err(e) = editor.load_history(h)
    {
        err_line!("warning: cannot read the history file {}: {e}", h.display());
    }
    emit_line!(
        "supportkb {} — {} facts and rules loaded. :help for help, :quit to leave.",
        env!("CARGO_PKG_VERSION"),
        session.kb.checked.program.clauses.len()
    );
    let mut completed_for = session.generation;
    loop {
        match read_statement(&mut editor) {
            Ok(Some(stmt)) => {
                if !stmt.trim().is_empty() {
                    let _ = editor.history_mut().add(stmt.trim());
                }
                let (out, flow) = session.statement(&stmt);
                emit(&out);
                if flow == Flow::Quit {
                    break;
                }
                // Completion data is rebuilt only when the knowledge base was: reading every
                // relation after each question would cost more than the question on large ones.
                if completed_for != session.generation
                    && let Some(h) = editor.helper_mut()
                {
                    h.refresh(&session.kb);
                    completed_for = session.generation;
                }
            }
            Ok(None) => break,
            Err(e) => {
                err_line!("error: {e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        let saved = h
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(|e| e.to_string())
            .and_then(|_| save_history(&mut editor, h));
        if let Err(e) = saved {
            err_line!(
                "warning: cannot write the history file {}: {e}",
                h.display()
            );
        }
    }
    ExitCode::SUCCESS
}

/// Saves the history atomically: a crash or Ctrl-C mid-write leaves the old file whole.
fn save_history(
    editor: &mut Editor<ReplHelper, DefaultHistory>,
    path: &std::path::Path,
) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    editor.save_history(tmp.path()).map_err(|e| e.to_string())?;
    tmp.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}

/// Runs piped standard input: statements accumulate line by line until complete.
fn script(session: &mut Session) -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        err_line!("error: cannot read standard input: {e}");
        return ExitCode::from(2);
    }
    let Ok(input) = String::from_utf8(input) else {
        err_line!("error: standard input is not UTF-8 text");
        return ExitCode::from(2);
    };
    let mut buffer = String::new();
    let mut failed = false;
    let is_error = |out: &str| out.starts_with("error") || out.contains("\"kind\": \"error\"");
    for line in input.lines() {
        if buffer.is_empty() && line.trim().is_empty() {
            continue;
        }
        buffer.push_str(line);
        buffer.push('\n');
        if !buffer.trim_start().starts_with(':') && is_incomplete(&buffer) {
            continue;
        }
        let (out, flow) = session.statement(&buffer);
        failed |= is_error(&out);
        emit(&out);
        buffer.clear();
        if flow == Flow::Quit {
            break;
        }
    }
    if !buffer.trim().is_empty() {
        let (out, _) = session.statement(&buffer);
        failed |= is_error(&out);
        emit(&out);
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
