//! Stage 13 — repl: the interactive session (rustyline): completion of commands, predicates (with
//! arity) and the constants of the argument being typed, "did you mean" hints, highlighting, multi-
//! line statements with a continuation prompt, history in the user's data directory, Ctrl-C that
//! cancels a line or a running evaluation, and the `:` commands. With standard input not a
//! terminal, the same statements run as a script.
//!
//! A statement is a query (answered), clauses (added to the session's knowledge base), or a
//! command. Errors are printed and the session goes on.

mod commands;
mod helper;
mod session;
mod whatif;

use crate::query::{AskOptions, KnowledgeBase};
use crate::render::{Format, emit, emit_err};
use crate::source::{Code, Diagnostic, SourceMap, Span};
use crate::syntax::is_incomplete;
use helper::ReplHelper;
use rustyline::error::ReadlineError;
use rustyline::history::{DefaultHistory, History};
use rustyline::{Config, Editor};
pub use session::{Flow, Outcome, ReplSession, split_statements};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// The prompt of a new statement.
pub const PROMPT: &str = "supportkb> ";
/// The prompt of a statement's further lines.
pub const CONTINUATION: &str = "       ... ";

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplEnd {
    /// Normally (`:quit`, Ctrl-D, end of a script whose statements all ran).
    Ok,
    /// A piped script had a statement that failed (it went on after it).
    ScriptFailed,
    /// The session could not start or read its input.
    CannotStart,
}

/// Writes to standard output; false once the output is closed (`supportkb | head`), so the
/// caller stops quietly.
fn out(text: &str) -> bool {
    emit(text).is_ok()
}

/// Writes `text` line by line, stopping when Ctrl-C sets `cancel` while it prints (the flag
/// is cleared, and the session goes on); false once the output is closed.
fn out_until_cancelled(text: &str, cancel: &AtomicBool) -> bool {
    // A Ctrl-C that stopped the evaluation has been answered by its message: only one
    // pressed while printing stops the printing.
    cancel.store(false, Ordering::Relaxed);
    for line in text.split_inclusive('\n') {
        if cancel.swap(false, Ordering::Relaxed) {
            return out("\n(printing stopped by Ctrl-C)\n");
        }
        if !out(line) {
            return false;
        }
    }
    true
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
    // Where the statement being read starts in `buffer`.
    let mut current = 0;
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
                    // A line that starts a query ends the unfinished statement before it (an
                    // error there): both run, in turn, as a pasted block does.
                    if session::starts_statement(&line) {
                        current = buffer.len();
                    }
                }
                buffer.push_str(&line);
                if buffer.trim_start().starts_with(':') || !is_incomplete(&buffer[current..]) {
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
) -> ReplEnd {
    let mut session = ReplSession::new(kb, format, opts, base_paths);
    if !std::io::stdin().is_terminal() {
        return script(&mut session);
    }
    let flag = session.cancel_flag();
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed)) {
        emit_err(&format!(
            "warning: Ctrl-C will not stop a running evaluation: {e}\n"
        ));
    }
    let config = Config::builder()
        .completion_type(rustyline::CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut editor: Editor<ReplHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            emit_err(&format!("error: cannot start the line editor: {e}\n"));
            return ReplEnd::CannotStart;
        }
    };
    editor.set_helper(Some(ReplHelper::new(
        session.kb(),
        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    )));
    let history = history_path();
    if let Some(h) = &history
        && h.exists()
        && let Err(e) = editor.load_history(h)
    {
        emit_err(&format!(
            "warning: cannot read the history file {}: {e}\n",
            h.display()
        ));
    }
    out(&format!(
        "supportkb {} — {} facts and rules loaded. :help for help, :quit to leave.\n",
        env!("CARGO_PKG_VERSION"),
        session.kb().checked.program.clauses.len()
    ));
    let mut completed_for = session.generation;
    loop {
        match read_statement(&mut editor) {
            Ok(Some(stmt)) => {
                if !stmt.trim().is_empty() {
                    let _ = editor.history_mut().add(stmt.trim());
                }
                let o = session.statements(&stmt);
                if !out_until_cancelled(&o.text, &session.cancel_flag()) || o.flow == Flow::Quit {
                    break;
                }
                // Completion data is rebuilt only when the knowledge base was: reading every
                // relation after each question would cost more than the question on large ones.
                if completed_for != session.generation
                    && let Some(h) = editor.helper_mut()
                {
                    h.refresh(session.kb());
                    completed_for = session.generation;
                }
            }
            Ok(None) => break,
            Err(e) => {
                emit_err(&format!("error: {e}\n"));
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
            emit_err(&format!(
                "warning: cannot write the history file {}: {e}\n",
                h.display()
            ));
        }
    }
    ReplEnd::Ok
}

/// Appends this session's lines to the history file, under the file's lock: another session
/// open at the same time keeps its lines too, whichever leaves last.
fn save_history(
    editor: &mut Editor<ReplHelper, DefaultHistory>,
    path: &std::path::Path,
) -> Result<(), String> {
    editor.append_history(path).map_err(|e| e.to_string())
}

/// Runs piped standard input: statements accumulate line by line until complete.
fn script(session: &mut ReplSession) -> ReplEnd {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        emit_err(&format!("error: cannot read standard input: {e}\n"));
        return ReplEnd::CannotStart;
    }
    let (input, mut bad) = script_text(&input);
    let mut failed = !bad.is_empty();
    for (line, stmt) in split_statements(&input) {
        // The lines that are not UTF-8 before this statement are reported in their turn.
        let before = bad.partition_point(|(l, _)| *l < line);
        for (_, e) in bad.drain(..before) {
            emit_err(&e);
        }
        let o = session.statement_at(&stmt, "<stdin>", line);
        failed |= o.failed;
        // Errors go to standard error, located in the script; answers to standard output.
        let printed = if o.failed {
            emit_err(&o.text);
            true
        } else {
            out(&o.text)
        };
        if !printed || o.flow == Flow::Quit {
            break;
        }
    }
    for (_, e) in bad {
        emit_err(&e);
    }
    if failed {
        ReplEnd::ScriptFailed
    } else {
        ReplEnd::Ok
    }
}

/// Piped standard input as text, line by line: a line that is not UTF-8 is left blank (no
/// statement of it runs) and comes back as an error at its line and column of `<stdin>`,
/// with the line shown and a caret under the byte; the other lines are read as they are.
pub fn script_text(input: &[u8]) -> (String, Vec<(usize, String)>) {
    let mut text = String::with_capacity(input.len());
    let mut bad = Vec::new();
    for (i, line) in input.split_inclusive(|b| *b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            Ok(l) => text.push_str(l),
            Err(e) => {
                let byte = line[e.valid_up_to()];
                let shown = String::from_utf8_lossy(line.strip_suffix(b"\n").unwrap_or(line));
                let mut sources = SourceMap::default();
                let padded = format!("{}{shown}\n", "\n".repeat(i));
                let at = i + e.valid_up_to();
                let file = sources.add("<stdin>", padded);
                let d = Diagnostic::error(
                    Code::Input,
                    format!("byte 0x{byte:02X} is not UTF-8: the line is not read"),
                    Span::new(file, at, at + '\u{FFFD}'.len_utf8()),
                )
                .with_label("not UTF-8")
                .with_help("save the input as UTF-8 text");
                bad.push((i + 1, sources.render(&[d], false)));
                text.push('\n');
            }
        }
    }
    (text, bad)
}
