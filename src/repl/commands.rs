//! The `:` commands of the interactive session.

use super::session::{Flow, Outcome, Rebuilt, ReplSession};
use crate::ir::Const;
use crate::query::Session;
use crate::query::script::run_script;
use crate::query::suite::{kb_paths_for, kb_texts};
use crate::render::document::Kind;
use crate::render::{Format, text};
use crate::source::{Code, Diagnostic, plural, read_text};
use std::path::PathBuf;

/// `(name, arguments, what it does)` of every command, for `:help`.
const COMMANDS: &[(&str, &str, &str)] = &[
    ("help", "[COMMAND]", "this list, or one command's help"),
    (
        "load",
        "FILE",
        "add a .kb file to the knowledge base, or run a .kbq query file",
    ),
    (
        "reload",
        "",
        "re-read the knowledge base's files and :load'ed files from disk",
    ),
    (
        "sources",
        "",
        "the declared sources and the files they are cited in",
    ),
    (
        "preds",
        "",
        "predicates: name/arity, tuples, goal-directed inputs, documentation",
    ),
    ("facts", "PRED", "the tuples of a predicate"),
    (
        "search",
        "WORDS",
        "where the document talks about WORDS: its statements, quotes, notes and predicate docs, ranked",
    ),
    (
        "coverage",
        "[SOURCE]",
        "the statements of the pinned texts no clause cites and no mark explains, and the share covered",
    ),
    (
        "rules",
        "PRED",
        "the rules of a predicate, with where they are written",
    ),
    ("format", "text|json|markdown", "how answers are printed"),
    (
        "depth",
        "[N]",
        "cut explanations N levels down (`why #K` expands handle K); alone, the current depth",
    ),
    (
        "limit",
        "[N]",
        "show at most N rows of a table (0: all); without N, the current limit",
    ),
    (
        "assume",
        "FACT.",
        "add a hypothetical fact, for what-if questions",
    ),
    (
        "retract",
        "FACT.",
        "take back an assumption, or set aside a fact of the knowledge base",
    ),
    (
        "reset",
        "",
        "drop assumptions, retractions, typed clauses and :load'ed files",
    ),
    ("quit", "", "leave (or Ctrl-D)"),
];

/// The names `:` completion offers.
pub fn names() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|(n, _, _)| *n)
}

fn help(arg: &str) -> String {
    if let Some((n, a, d)) = COMMANDS
        .iter()
        .find(|(n, _, _)| *n == arg.trim_start_matches(':'))
    {
        return format!(":{n} {a}\n  {d}\n");
    }
    let mut out = String::from(
        "Type a query, clauses to add, or a command.\n\
         \x20 supported? peer_cache                 a question: verdict and proof\n\
         \x20 ?- status(F, not_supported, _).       all bindings, as a table\n\
         \x20 why supported(peer_cache, no, unconditional)\n\
         \x20 why not supported(peer_cache, yes, unconditional)\n\
         \x20 why #3                                expand handle 3 of a cut explanation\n\
         \x20 p(a). q(X) :- p(X).                   clauses are added to this session's knowledge base\n\
         A statement may span lines: it ends with `.` (questions may omit it). Tab completes;\n\
         Ctrl-C drops the line or stops a running evaluation; Ctrl-D leaves.\nCommands:\n",
    );
    for (n, a, d) in COMMANDS {
        out.push_str(&format!("  :{:<26} {d}\n", format!("{n} {a}")));
    }
    if !arg.is_empty() {
        out = format!("no command `:{arg}`\n{out}");
    }
    out
}

fn script_outcome(
    format: Format,
    opts: crate::query::AskOptions,
    session: &mut Session,
    name: &str,
    text: &str,
) -> Outcome {
    match run_script(session, name, text, opts) {
        Ok(r) => {
            let text = super::session::shown(format, Kind::Run, &r);
            if r.failed > 0 {
                Outcome::failed(text)
            } else {
                Outcome::ok(text)
            }
        }
        Err(d) => Outcome::failed(session.kb.sources.render(&[d], false)),
    }
}

/// Where `part` (a slice of `whole`) starts in it.
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

impl ReplSession {
    /// A command that cannot run, saying `plain`: in a script, an error at `at` (a part of the
    /// command's text `cmd`, which follows its `:`), its line shown with a caret under it; at
    /// the prompt, `plain` as it is.
    fn misuse(&self, code: Code, plain: String, cmd: &str, at: &str, label: &str) -> Outcome {
        let Some((file, start)) = self.place else {
            return Outcome::failed(plain);
        };
        let mut start = start + offset_in(cmd, at);
        let mut end = start + at.len().max(1);
        // An unknown command is shown with its `:`.
        if code == Code::Command && offset_in(cmd, at) == 0 {
            start -= 1;
            end = start + 1 + at.len();
        }
        let message = plain.trim_end().trim_start_matches("error: ");
        let span = crate::source::Span::new(file, start, end);
        let d = Diagnostic::error(code, message, span).with_label(label);
        Outcome::failed(self.errors(&[d]))
    }

    pub(super) fn command(&mut self, text: &str) -> Outcome {
        let cmd = text.trim();
        let (name, arg) = cmd
            .split_once(char::is_whitespace)
            .map_or((cmd, ""), |(n, a)| (n, a.trim()));
        match name {
            "q" | "quit" | "exit" => Outcome {
                text: String::new(),
                failed: false,
                flow: Flow::Quit,
            },
            "help" | "h" | "?" => {
                let known = arg.is_empty()
                    || COMMANDS
                        .iter()
                        .any(|(n, _, _)| *n == arg.trim_start_matches(':'));
                let text = help(arg);
                if known {
                    Outcome::ok(text)
                } else {
                    Outcome::failed(text)
                }
            }
            "load" if !arg.is_empty() => self.load(text, arg),
            "reload" => self.rebuild(),
            "reset" => {
                self.loaded.clear();
                self.typed.clear();
                self.assumed.clear();
                self.retracted.clear();
                match self.try_rebuild() {
                    Rebuilt::Changed { .. } => Outcome::ok(
                        "reset: the knowledge base as loaded, without assumptions or additions\n",
                    ),
                    Rebuilt::Cancelled => Outcome::failed("cancelled: nothing changed\n"),
                    Rebuilt::Kept(e) => Outcome::failed(e.sources.render(&e.diagnostics, false)),
                }
            }
            "sources" => Outcome::ok(self.sources()),
            "preds" => Outcome::ok(self.preds()),
            "facts" if !arg.is_empty() => self.facts(text, arg),
            "search" if !arg.is_empty() => {
                let report = self.session.search(arg, 10);
                Outcome::ok(super::session::shown(self.format, Kind::Search, &report))
            }
            "coverage" => self.coverage(arg),
            "rules" if !arg.is_empty() => self.rules(text, arg),
            "format" => match arg {
                "text" => self.set_format(Format::Text),
                "json" => self.set_format(Format::Json),
                "markdown" => self.set_format(Format::Markdown),
                _ => self.misuse(
                    Code::Command,
                    "usage: :format text|json|markdown\n".into(),
                    text,
                    arg,
                    "not a format",
                ),
            },
            "depth" if arg.is_empty() => Outcome::ok(match self.opts.depth {
                Some(n) => format!(
                    "explanation depth: {n} (proofs are cut {} down; `:depth N` changes it)\n",
                    crate::source::plural(n, "level")
                ),
                None => format!(
                    "explanation depth: proofs whole, why-not {} (`:depth N` cuts proofs N levels down)\n",
                    crate::source::plural(crate::query::DEFAULT_DEPTH, "level")
                ),
            }),
            "depth" => match arg.parse::<usize>() {
                Ok(n) => {
                    self.opts.depth = Some(n);
                    Outcome::ok(format!(
                        "explanation depth: {n} (cut proofs get handles: `why #K` expands one)\n"
                    ))
                }
                Err(_) => self.misuse(
                    Code::Command,
                    "usage: :depth N (or :depth alone for the current one)\n".into(),
                    text,
                    arg,
                    "not a number",
                ),
            },
            "limit" => match arg.parse::<usize>() {
                Ok(n) => {
                    crate::render::text::set_row_limit(n);
                    Outcome::ok(row_limit_said())
                }
                Err(_) if arg.is_empty() => Outcome::ok(row_limit_said()),
                Err(_) => self.misuse(
                    Code::Command,
                    "usage: :limit N (0: every row)\n".into(),
                    text,
                    arg,
                    "not a number",
                ),
            },
            "assume" if !arg.is_empty() => self.assume(arg),
            "retract" if !arg.is_empty() => self.retract(arg),
            "load" | "facts" | "rules" | "assume" | "retract" | "search" => {
                Outcome::failed(help(name))
            }
            _ => self.misuse(
                Code::Command,
                format!("unknown command `:{name}`; :help lists the commands\n"),
                text,
                name,
                "no such command",
            ),
        }
    }

    /// What is not covered (the whole report under JSON and Markdown), with the shares.
    fn coverage(&self, source: &str) -> Outcome {
        let source = (!source.is_empty()).then_some(source);
        match self.kb().coverage(source) {
            Ok(report) => {
                let view = crate::render::coverage::CoverageView {
                    uncovered_only: self.format == Format::Text,
                };
                let doc = crate::render::coverage::CoverageDoc {
                    report: &report,
                    view,
                };
                Outcome::ok(super::session::shown(self.format, Kind::Coverage, &doc))
            }
            Err(d) => Outcome::failed(self.errors(&[d])),
        }
    }

    fn set_format(&mut self, f: Format) -> Outcome {
        self.format = f;
        Outcome::ok(format!("format: {}\n", f.name()))
    }

    fn load(&mut self, text: &str, path: &str) -> Outcome {
        let p = PathBuf::from(path);
        let src = match read_text(&p) {
            Ok(s) => s,
            Err(d) => {
                let plain = format!("error: {}\n", d.message);
                return self.misuse(d.code, plain, text, path, "cannot be read");
            }
        };
        if p.extension().is_some_and(|x| x == "kbq") {
            // A query file that names its knowledge base runs against that one, as `run` does.
            let named = kb_paths_for(&p, &src.text, &[]);
            if !named.is_empty() {
                let loaded = kb_texts(&named)
                    .map_err(crate::query::LoadError::from)
                    .and_then(|t| Session::load(t, self.kb().config.clone()));
                return match loaded {
                    Ok(mut s) => {
                        script_outcome(self.format, whole(self.opts), &mut s, &src.name, &src.text)
                    }
                    Err(e) => Outcome::failed(e.sources.render(&e.diagnostics, false)),
                };
            }
            let (format, opts) = (self.format, whole(self.opts));
            return script_outcome(format, opts, &mut self.session, &src.name, &src.text);
        }
        self.loaded.push(p);
        let out = self.rebuild();
        if out.failed {
            self.loaded.pop();
        }
        out
    }

    fn sources(&self) -> String {
        let rows: Vec<Vec<Const>> = self
            .kb()
            .source_summaries()
            .into_iter()
            .map(|s| {
                vec![
                    Const::Sym(s.name),
                    Const::Sym(s.title),
                    Const::Sym(s.url.unwrap_or_default()),
                    Const::Int(s.cited_by as i64),
                ]
            })
            .collect();
        let mut out = text::table(
            &[
                "source".into(),
                "title".into(),
                "url".into(),
                "cited by clauses".into(),
            ],
            &rows,
        );
        out.push_str("\nfiles:\n");
        for t in &self.kb().texts {
            out.push_str(&format!("  {}\n", t.name));
        }
        out
    }

    fn preds(&self) -> String {
        let rows: Vec<Vec<Const>> = self
            .kb()
            .pred_summaries()
            .into_iter()
            .map(|p| {
                vec![
                    Const::Sym(format!("{}/{}", p.name, p.arity)),
                    Const::Sym(p.columns.join(", ")),
                    Const::Int(p.tuples as i64),
                    Const::Sym(if p.needs.is_empty() {
                        String::new()
                    } else {
                        format!("needs {}", p.needs.join(", "))
                    }),
                    Const::Sym(p.doc.unwrap_or_default()),
                ]
            })
            .collect();
        format!(
            "{}\n",
            text::table(
                &[
                    "predicate".into(),
                    "columns".into(),
                    "tuples".into(),
                    "goal-directed".into(),
                    "doc".into()
                ],
                &rows
            )
        )
    }

    /// `pred` or `pred/N` (the form `:preds` prints) as a predicate name; the outcome to print
    /// when the arity is not the predicate's.
    fn pred_name<'a>(&self, arg: &'a str) -> Result<&'a str, Outcome> {
        let Some((name, arity)) = arg.rsplit_once('/') else {
            return Ok(arg);
        };
        let Ok(arity) = arity.trim().parse::<usize>() else {
            return Ok(arg);
        };
        let name = name.trim();
        match self.kb().checked.preds.get(name) {
            Some(p) if p.arity != arity => Err(Outcome::failed(format!(
                "`{name}` takes {}, not {arity}; :preds lists them\n",
                plural(p.arity, "argument")
            ))),
            _ => Ok(name),
        }
    }

    fn facts(&self, text: &str, arg: &str) -> Outcome {
        let pred = match self.pred_name(arg) {
            Ok(p) => p,
            Err(o) => return o,
        };
        let Some(f) = self.kb().facts(pred) else {
            return self.misuse(
                Code::UnknownPredicate,
                format!("unknown predicate `{pred}`; :preds lists them\n"),
                text,
                arg,
                Code::UnknownPredicate.default_label(),
            );
        };
        if f.rows.is_empty() {
            let why = if f.goal_directed {
                " (goal-directed: ask a question that gives its inputs)"
            } else {
                ""
            };
            return Outcome::ok(format!("{pred} has no tuples{why}\n"));
        }
        Outcome::ok(format!(
            "{}\n{}\n",
            text::table(&f.columns, &f.rows),
            plural(f.rows.len(), "tuple")
        ))
    }

    fn rules(&self, text: &str, arg: &str) -> Outcome {
        let pred = match self.pred_name(arg) {
            Ok(p) => p,
            Err(o) => return o,
        };
        let Some(rules) = self.kb().rules(pred) else {
            return self.misuse(
                Code::UnknownPredicate,
                format!("unknown predicate `{pred}`; :preds lists them\n"),
                text,
                arg,
                Code::UnknownPredicate.default_label(),
            );
        };
        if rules.is_empty() {
            return Outcome::ok(format!("{pred} has no rules (only facts: :facts {pred})\n"));
        }
        Outcome::ok(
            rules
                .iter()
                .map(|r| format!("{}   [{}]\n", r.text, r.location))
                .collect::<String>(),
        )
    }
}

/// The row limit of tables, said.
fn row_limit_said() -> String {
    match crate::render::text::row_limit() {
        0 => "tables show every row\n".to_string(),
        n => format!(
            "tables show at most {} (`:limit N` changes it, 0: all)\n",
            crate::source::plural(n, "row")
        ),
    }
}

/// Options for a query file run from the session: its expectations read whole proofs, so
/// proofs are not cut (why-not reports keep the session's depth).
fn whole(opts: crate::query::AskOptions) -> crate::query::AskOptions {
    crate::query::AskOptions {
        depth: None,
        ..opts
    }
}
