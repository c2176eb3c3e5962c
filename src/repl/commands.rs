//! The `:` commands of the interactive session.

use super::{Flow, Session};
use crate::kb::read_text;
use crate::query::script::run_script;
use crate::render::{Format, text};
use crate::syntax::{Clause, Const, parse_kb};
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
        "rules",
        "PRED",
        "the rules of a predicate, with where they are written",
    ),
    ("format", "text|json|markdown", "how answers are printed"),
    (
        "depth",
        "N",
        "cut explanations N levels down; `why #K` expands handle K",
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

impl Session {
    pub(super) fn command(&mut self, cmd: &str) -> (String, Flow) {
        let cmd = cmd.trim();
        let (name, arg) = cmd
            .split_once(char::is_whitespace)
            .map_or((cmd, ""), |(n, a)| (n, a.trim()));
        let out = match name {
            "q" | "quit" | "exit" => return (String::new(), Flow::Quit),
            "help" | "h" | "?" => help(arg),
            "load" if !arg.is_empty() => self.load(arg),
            "reload" => self.rebuild(),
            "reset" => {
                self.loaded.clear();
                self.typed.clear();
                self.assumed.clear();
                self.retracted.clear();
                match self.rebuild() {
                    out if out.starts_with("added") || out.starts_with("removed") => {
                        "reset: the knowledge base as loaded, without assumptions or additions\n"
                            .to_string()
                    }
                    out => out,
                }
            }
            "sources" => self.sources(),
            "preds" => self.preds(),
            "facts" if !arg.is_empty() => self.facts(arg),
            "rules" if !arg.is_empty() => self.rules(arg),
            "format" => match arg {
                "text" => self.set_format(Format::Text),
                "json" => self.set_format(Format::Json),
                "markdown" => self.set_format(Format::Markdown),
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
            "assume" if !arg.is_empty() => self.assume(arg),
            "retract" if !arg.is_empty() => self.retract(arg),
            "load" | "facts" | "rules" | "assume" | "retract" => help(name),
            _ => format!("unknown command `:{name}`; :help lists the commands\n"),
        };
        (out, Flow::Continue)
    }

    fn set_format(&mut self, f: Format) -> String {
        self.format = f;
        format!(
            "format: {}\n",
            match f {
                Format::Text => "text",
                Format::Json => "json",
                Format::Markdown => "markdown",
            }
        )
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
            // A query file that names its knowledge base runs against that one, as `run` does.
            if let Some(kb_path) = crate::query::script::script_kb(&p, &src.text) {
                let loaded = crate::kb::read_paths(&[kb_path])
                    .and_then(|t| crate::kb::KnowledgeBase::load(t, self.kb.config.clone()));
                return match loaded {
                    Ok(mut kb) => match run_script(&mut kb, &src.name, &src.text, self.opts) {
                        Ok(r) => text::script_report(&r),
                        Err(d) => kb.sources.render(&[d], false),
                    },
                    Err(e) => e.sources.render(&e.diagnostics, false),
                };
            }
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
        self.loaded.push(p);
        let out = self.rebuild();
        if !out.starts_with("added") {
            self.loaded.pop();
        }
        out
    }

    /// Parses `arg` as facts; the error to print otherwise.
    fn facts_of(&mut self, arg: &str, what: &str) -> Result<Vec<Clause>, String> {
        let file = self.kb.sources.add(format!("<{what}>"), arg);
        let program = parse_kb(arg, file).map_err(|d| self.errors(&[d]))?;
        if program.clauses.is_empty()
            || program.clauses.iter().any(|c| !c.is_fact())
            || !program.sources.is_empty()
        {
            return Err(format!(
                "usage: :{what} FACT.  (ground facts only, e.g. :{what} status(peer_cache, supported, unconditional).)\n"
            ));
        }
        Ok(program.clauses)
    }

    fn assume(&mut self, arg: &str) -> String {
        let facts = match self.facts_of(arg, "assume") {
            Ok(f) => f,
            Err(e) => return e,
        };
        let n = self.assumed.len();
        self.assumed.extend(facts.iter().map(Clause::to_string));
        let out = self.rebuild();
        if !out.starts_with("added") {
            self.assumed.truncate(n);
            return out;
        }
        let shown: Vec<String> = facts.iter().map(Clause::to_string).collect();
        format!("assumed {} (`:retract` takes it back)\n", shown.join(" "))
    }

    fn retract(&mut self, arg: &str) -> String {
        let facts = match self.facts_of(arg, "retract") {
            Ok(f) => f,
            Err(e) => return e,
        };
        let mut done = Vec::new();
        for f in facts {
            let text = f.to_string();
            if let Some(i) = self.assumed.iter().position(|a| *a == text) {
                self.assumed.remove(i);
                done.push(format!("took back the assumption {text}"));
            } else if self
                .kb
                .checked
                .program
                .clauses
                .iter()
                .any(|c| c.is_fact() && c.to_string() == text)
            {
                self.retracted.push(text.clone());
                done.push(format!("set aside {text} (`:reset` restores it)"));
            } else {
                return format!(
                    "no fact {text} to retract: neither assumed nor in the knowledge base\n"
                );
            }
        }
        let out = self.rebuild();
        if out.starts_with("added") || out.starts_with("removed") {
            format!("{}\n", done.join("\n"))
        } else {
            out
        }
    }

    fn sources(&self) -> String {
        let program = &self.kb.checked.program;
        let mut rows = Vec::new();
        for s in &program.sources {
            let cites = program
                .clauses
                .iter()
                .filter(|c| c.cites.iter().chain(&c.notes).any(|q| q.source == s.name))
                .count();
            rows.push(vec![
                Const::Sym(s.name.clone()),
                Const::Sym(s.title.clone()),
                Const::Sym(s.url.clone().unwrap_or_default()),
                Const::Int(cites as i64),
            ]);
        }
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
        for t in &self.kb.texts {
            out.push_str(&format!("  {}\n", t.name));
        }
        out
    }

    fn preds(&self) -> String {
        let rows: Vec<Vec<Const>> = self
            .kb
            .checked
            .preds
            .values()
            .map(|p| {
                let n = self.kb.model.relation(&p.name).map_or(0, |r| r.len());
                let inputs: Vec<String> = p.inputs.iter().map(|&i| p.column(i)).collect();
                vec![
                    Const::Sym(format!("{}/{}", p.name, p.arity)),
                    Const::Int(n as i64),
                    Const::Sym(if inputs.is_empty() {
                        String::new()
                    } else {
                        format!("needs {}", inputs.join(", "))
                    }),
                    Const::Sym(p.doc.clone().unwrap_or_default()),
                ]
            })
            .collect();
        format!(
            "{}\n",
            text::table(
                &[
                    "predicate".into(),
                    "tuples".into(),
                    "goal-directed".into(),
                    "doc".into()
                ],
                &rows
            )
        )
    }

    fn facts(&self, pred: &str) -> String {
        let Some(info) = self.kb.checked.preds.get(pred) else {
            return format!("unknown predicate `{pred}`; :preds lists them\n");
        };
        let rows: Vec<Vec<Const>> = self
            .kb
            .model
            .relation(pred)
            .map(|r| r.rows().map(|row| self.kb.interner.decode(row)).collect())
            .unwrap_or_default();
        if rows.is_empty() {
            let why = if info.inputs.is_empty() {
                ""
            } else {
                " (goal-directed: ask a question that gives its inputs)"
            };
            return format!("{pred} has no tuples{why}\n");
        }
        let header: Vec<String> = (0..info.arity).map(|i| info.column(i)).collect();
        format!(
            "{}\n{} tuple{}\n",
            text::table(&header, &rows),
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        )
    }

    fn rules(&self, pred: &str) -> String {
        if !self.kb.checked.preds.contains_key(pred) {
            return format!("unknown predicate `{pred}`; :preds lists them\n");
        }
        let mut out = String::new();
        for c in self
            .kb
            .checked
            .program
            .clauses
            .iter()
            .filter(|c| c.head.pred == pred && !c.is_fact())
        {
            out.push_str(&format!("{c}   [{}]\n", self.kb.sources.location(c.span)));
        }
        if out.is_empty() {
            out = format!("{pred} has no rules (only facts: :facts {pred})\n");
        }
        out
    }
}
