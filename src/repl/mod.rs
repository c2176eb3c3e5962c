//! The interactive session (rustyline): completion of commands, predicates and constants,
//! multi-line input until a statement ends, history in the user's data directory, and the
//! `:` commands. With standard input not a terminal, the same statements run as a script.
//!
//! A statement is a query (answered), clauses (added to the session's knowledge base), or a
//! command. Errors are printed and the session goes on.

mod helper;

use crate::diag::Diagnostic;
use crate::emit_line;
use crate::kb::{KnowledgeBase, SourceText, read_text};
use crate::query::AskOptions;
use crate::query::script::run_script;
use crate::render::{Format, emit, json, text};
use crate::syntax::{is_incomplete, parse_kb};
use helper::ReplHelper;
use rustyline::error::ReadlineError;
use rustyline::{Config, Editor};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

const HELP: &str = "\
Type a query, clauses to add, or a command.
  supported? peer_cache                 a question: verdict and proof
  ?- status(F, not_supported, _).       all bindings, as a table
  why supported(peer_cache, no, unconditional)
  why not supported(peer_cache, yes, unconditional)
  why #3                                expand handle 3 of a cut explanation
  p(a). q(X) :- p(X).                   clauses are added to this session's knowledge base
Commands:
  :help               this text
  :load FILE          add a .kb file, or run a .kbq query file
  :preds              predicates with arity and tuple count
  :format F          output format: text, json or markdown
  :depth N            cut explanations N levels down (why #K expands handle K)
  :quit               leave (or Ctrl-D)
A statement may span lines: it ends with `.` (questions may omit it).";

/// The session state.
pub struct Session {
    /// The knowledge base, rebuilt when clauses are added.
    pub kb: KnowledgeBase,
    /// Output format.
    pub format: Format,
    /// Query options.
    pub opts: AskOptions,
    added: usize,
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
    /// A session over `kb`.
    pub fn new(kb: KnowledgeBase, format: Format, opts: AskOptions) -> Self {
        Session {
            kb,
            format,
            opts,
            added: 0,
        }
    }

    fn errors(&self, d: &[Diagnostic]) -> String {
        match self.format {
            Format::Json => format!("{}\n", json::diagnostics(&self.kb.sources, d)),
            Format::Text | Format::Markdown => self.kb.sources.render(d, false),
        }
    }

    /// Runs one statement; returns what to print and whether to go on.
    pub fn statement(&mut self, input: &str) -> (String, Flow) {
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
                return (self.add_clauses(input), Flow::Continue);
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
            Err(crate::query::QueryError::Invalid(d)) => {
                // Show the knowledge-base reading's error when the input looks like clauses.
                if looks_like_clauses {
                    let file = self.kb.sources.add("<input>", input);
                    if let Err(kd) = parse_kb(input, file) {
                        return (self.errors(&[kd]), Flow::Continue);
                    }
                }
                (self.errors(&d), Flow::Continue)
            }
            Err(crate::query::QueryError::Eval(e)) => (format!("error: {e}\n"), Flow::Continue),
        }
    }

    fn add_clauses(&mut self, input: &str) -> String {
        self.added += 1;
        let mut texts = self.kb.texts.clone();
        texts.push(SourceText {
            name: format!("<input {}>", self.added),
            text: input.to_string(),
        });
        self.rebuild(texts)
    }

    fn rebuild(&mut self, texts: Vec<SourceText>) -> String {
        let before = self.kb.checked.program.clauses.len();
        match KnowledgeBase::load(texts, self.kb.config.clone()) {
            Ok(kb) => {
                let n = kb.checked.program.clauses.len() - before;
                self.kb = kb;
                format!("added {n} clause{}\n", if n == 1 { "" } else { "s" })
            }
            Err(e) => match self.format {
                Format::Json => format!("{}\n", json::diagnostics(&e.sources, &e.diagnostics)),
                Format::Text | Format::Markdown => format!(
                    "{}(nothing was added)\n",
                    e.sources.render(&e.diagnostics, false)
                ),
            },
        }
    }

    fn command(&mut self, cmd: &str) -> (String, Flow) {
        let mut parts = cmd.split_whitespace();
        let name = parts.next().unwrap_or("");
        let arg = parts.collect::<Vec<_>>().join(" ");
        let out = match name {
            "q" | "quit" | "exit" => return (String::new(), Flow::Quit),
            "help" | "h" | "?" => format!("{HELP}\n"),
            "load" if !arg.is_empty() => self.load(&arg),
            "preds" => {
                let rows: Vec<Vec<crate::syntax::Const>> = self
                    .kb
                    .checked
                    .preds
                    .values()
                    .map(|p| {
                        let n = self.kb.model.relation(&p.name).map_or(0, |r| r.len());
                        vec![
                            crate::syntax::Const::Sym(format!("{}/{}", p.name, p.arity)),
                            crate::syntax::Const::Int(n as i64),
                            crate::syntax::Const::Sym(p.doc.clone().unwrap_or_default()),
                        ]
                    })
                    .collect();
                format!(
                    "{}\n",
                    text::table(&["predicate".into(), "tuples".into(), "doc".into()], &rows)
                )
            }
            "format" => match arg.as_str() {
                "text" => {
                    self.format = Format::Text;
                    "format: text\n".into()
                }
                "markdown" => {
                    self.format = Format::Markdown;
                    "format: markdown\n".into()
                }
                "json" => {
                    self.format = Format::Json;
                    "format: json\n".into()
                }
                _ => "usage: :format text|json|markdown\n".into(),
            },
            "depth" => match arg.parse::<usize>() {
                Ok(n) => {
                    self.opts.depth = Some(n);
                    format!(
                        "explanation depth: {n} (cut proofs get handles: `why #K` expands one)\n"
                    )
                }
                Err(_) => "usage: :depth N\n".into(),
            },
            _ => format!("unknown command `:{name}`; :help lists the commands\n"),
        };
        (out, Flow::Continue)
    }

    fn load(&mut self, path: &str) -> String {
        let p = PathBuf::from(path);
        let src = match read_text(&p) {
            Ok(s) => s,
            Err(e) => {
                return e
                    .diagnostics
                    .iter()
                    .map(|d| format!("error: {}\n", d.message))
                    .collect();
            }
        };
        if p.extension().is_some_and(|x| x == "kbq") {
            return match run_script(&mut self.kb, &src.name, &src.text, self.opts) {
                Ok(r) => match self.format {
                    Format::Json => {
                        format!("{}\n", serde_json::to_string_pretty(&r).unwrap_or_default())
                    }
                    Format::Text | Format::Markdown => text::script_report(&r),
                },
                Err(d) => self.errors(&[d]),
            };
        }
        let mut texts = self.kb.texts.clone();
        texts.push(src);
        self.rebuild(texts)
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

/// Runs the session: interactive on a terminal, a script on piped input.
pub fn run(kb: KnowledgeBase, format: Format, opts: AskOptions) -> ExitCode {
    let mut session = Session::new(kb, format, opts);
    if !std::io::stdin().is_terminal() {
        return script(&mut session);
    }
    let config = Config::builder()
        .auto_add_history(true)
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor: Editor<ReplHelper, rustyline::history::DefaultHistory> =
        match Editor::with_config(config) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: cannot start the line editor: {e}");
                return ExitCode::from(2);
            }
        };
    editor.set_helper(Some(ReplHelper::new(&session.kb)));
    let history = history_path();
    if let Some(h) = &history
        && h.exists()
        && let Err(e) = editor.load_history(h)
    {
        eprintln!("warning: cannot read the history file {}: {e}", h.display());
    }
    emit_line!(
        "supportkb {} — {} facts and rules loaded. :help for help, :quit to leave.",
        env!("CARGO_PKG_VERSION"),
        session.kb.checked.program.clauses.len()
    );
    loop {
        match editor.readline("supportkb> ") {
            Ok(line) => {
                let (out, flow) = session.statement(&line);
                emit(&out);
                if flow == Flow::Quit {
                    break;
                }
                if let Some(h) = editor.helper_mut() {
                    h.refresh(&session.kb);
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        let saved = h
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(|e| e.to_string())
            .and_then(|_| editor.save_history(h).map_err(|e| e.to_string()));
        if let Err(e) = saved {
            eprintln!(
                "warning: cannot write the history file {}: {e}",
                h.display()
            );
        }
    }
    ExitCode::SUCCESS
}

/// Runs piped standard input: statements accumulate line by line until complete.
fn script(session: &mut Session) -> ExitCode {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("error: cannot read standard input: {e}");
        return ExitCode::from(2);
    }
    let Ok(input) = String::from_utf8(input) else {
        eprintln!("error: standard input is not UTF-8 text");
        return ExitCode::from(2);
    };
    let mut buffer = String::new();
    let mut failed = false;
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
        failed |= out.starts_with("error")
            || out.contains("\"kind\": \"error\"")
            || out.contains("\"kind\":\"error\"");
        emit(&out);
        buffer.clear();
        if flow == Flow::Quit {
            break;
        }
    }
    if !buffer.trim().is_empty() {
        let (out, _) = session.statement(&buffer);
        emit(&out);
        failed |= out.starts_with("error");
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
