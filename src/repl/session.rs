//! The REPL's session: the knowledge base as loaded plus what the user added (typed clauses,
//! `:load`ed files, assumptions, retractions), rebuilt when they change, and the statement
//! loop's single step with a typed outcome.

use crate::engine::EvalError;
use crate::explain::GroundAtom;
use crate::query::suite::kb_texts_for;
use crate::query::{AskOptions, KnowledgeBase, LoadError, LoadFailure, QueryError, Session};
use crate::render::{Format, json, render};
use crate::source::{Diagnostic, SourceText, read_paths};
use crate::syntax::{Statement, parse_statement};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What one statement asks of the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next statement.
    Continue,
    /// Leave.
    Quit,
}

/// What one statement did: the text to print, whether it failed (a script's exit status
/// comes from this, never from the text), and what the loop does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What to print.
    pub text: String,
    /// The statement was rejected or could not run.
    pub failed: bool,
    /// Go on or leave.
    pub flow: Flow,
}

impl Outcome {
    /// A statement that did its job.
    pub fn ok(text: impl Into<String>) -> Self {
        Outcome {
            text: text.into(),
            failed: false,
            flow: Flow::Continue,
        }
    }

    /// A statement that failed; the session goes on.
    pub fn failed(text: impl Into<String>) -> Self {
        Outcome {
            text: text.into(),
            failed: true,
            flow: Flow::Continue,
        }
    }
}

/// How a rebuild of the knowledge base ended.
#[derive(Debug)]
pub(super) enum Rebuilt {
    /// The new knowledge base is in place; `added` clauses more than before (negative: fewer).
    Changed { added: i64 },
    /// The old knowledge base is kept: the new texts were rejected.
    Kept(LoadError),
    /// Ctrl-C stopped the rebuild; the old knowledge base is kept.
    Cancelled,
}

/// The REPL's state.
pub struct ReplSession {
    /// The knowledge base and the handles of cut explanations.
    pub session: Session,
    /// Output format.
    pub format: Format,
    /// Query options.
    pub opts: AskOptions,
    /// Where the knowledge base came from: `--kb` paths (empty for the embedded one).
    pub(super) base_paths: Vec<PathBuf>,
    /// Files added with `:load`, re-read by `:reload`.
    pub(super) loaded: Vec<PathBuf>,
    /// Clauses typed at the prompt, in order: the name of the text they came from (`None`
    /// at the prompt, numbered `<input N>`; `<stdin>` in a script, its lines before kept
    /// blank so that diagnostics and proofs give the script's line) and the text.
    pub(super) typed: Vec<(Option<String>, String)>,
    /// Where the command being run is written in a script: its text's number in the source
    /// map and the offset of the command (after its `:`) there; `None` at the prompt.
    pub(super) place: Option<(usize, usize)>,
    /// Facts assumed with `:assume`, as written.
    pub(super) assumed: Vec<String>,
    /// Facts of the knowledge base set aside with `:retract`.
    pub(super) retracted: Vec<GroundAtom>,
    /// Set by Ctrl-C while an evaluation runs.
    cancel: Arc<AtomicBool>,
    /// How many times the knowledge base was rebuilt (completion data follows it).
    pub generation: u64,
}

impl ReplSession {
    /// A session over `kb`, built from `base_paths` (empty: the embedded knowledge base).
    pub fn new(
        mut kb: KnowledgeBase,
        format: Format,
        opts: AskOptions,
        base_paths: Vec<PathBuf>,
    ) -> Self {
        let cancel = Arc::new(AtomicBool::new(false));
        kb.config.eval.cancel = Some(cancel.clone());
        ReplSession {
            session: Session::new(kb),
            format,
            opts,
            base_paths,
            loaded: Vec::new(),
            typed: Vec::new(),
            place: None,
            assumed: Vec::new(),
            retracted: Vec::new(),
            cancel,
            generation: 0,
        }
    }

    /// The knowledge base.
    pub fn kb(&self) -> &KnowledgeBase {
        &self.session.kb
    }

    /// The flag Ctrl-C sets to stop a running evaluation.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    /// Diagnostics in the session's format.
    pub(super) fn errors(&self, d: &[Diagnostic]) -> String {
        self.errors_in(&self.session.kb.sources, d)
    }

    fn errors_in(&self, sources: &crate::source::SourceMap, d: &[Diagnostic]) -> String {
        match self.format {
            Format::Json => answers_document(
                &[],
                d.iter().map(|d| json::diagnostic(sources, d)).collect(),
            ),
            Format::Text | Format::Markdown | Format::Html => sources.render(d, false),
        }
    }

    /// Runs one statement: a query (answered), clauses (added to the session's knowledge
    /// base) or a `:` command; the grammar decides which.
    pub fn statement(&mut self, input: &str) -> Outcome {
        self.statement_at(input, "<input>", 1)
    }

    /// Runs input that may hold several statements (a pasted block: clauses, then a query),
    /// one by one in order, as a script would; stops at `:quit`.
    pub fn statements(&mut self, input: &str) -> Outcome {
        let parts = split_statements(input);
        if parts.len() <= 1 {
            return self.statement(input);
        }
        let mut all = Outcome::ok("");
        for (_, part) in parts {
            let o = self.statement(&part);
            all.text.push_str(&o.text);
            all.failed |= o.failed;
            if o.flow == Flow::Quit {
                all.flow = Flow::Quit;
                break;
            }
        }
        all
    }

    /// As [`ReplSession::statement`], for a statement that starts on line `line` of the
    /// input named `name`: diagnostics locate it there (`<stdin>:12:5`).
    pub fn statement_at(&mut self, input: &str, name: &str, line: usize) -> Outcome {
        self.cancel.store(false, Ordering::Relaxed);
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Outcome::ok("");
        }
        // The lines before the statement are kept blank, so its positions are the input's.
        let padded = format!("{}{input}", "\n".repeat(line.saturating_sub(1)));
        let prompt = name == "<input>";
        if let Some(cmd) = trimmed.strip_prefix(':') {
            self.place = (!prompt).then(|| {
                let file = self.session.kb.sources.add(name, padded.as_str());
                let blank = input.len() - input.trim_start().len();
                (file, padded.len() - input.len() + blank + 1)
            });
            let out = self.command(cmd);
            self.place = None;
            return out;
        }
        // Without its last line break, an unfinished statement is an error at the end of its
        // last line, not at the start of the next.
        let input = padded.trim_end();
        let file = self.session.kb.sources.add(name, input);
        match parse_statement(input, file) {
            Err(d) => Outcome::failed(self.errors(&[d])),
            Ok(Statement::Clauses(_)) => {
                self.typed.push(if prompt {
                    (None, input.trim_start_matches('\n').to_string())
                } else {
                    (Some(name.to_string()), input.to_string())
                });
                let out = self.rebuild();
                if out.failed {
                    self.typed.pop();
                }
                out
            }
            Ok(Statement::Query(q)) => match self.session.answer(&q, self.opts) {
                Ok(a) if self.format == Format::Text => {
                    let assumed = super::whatif::assumed_in(&a);
                    Outcome::ok(super::whatif::mark_assumed(
                        &render(self.format, &a),
                        &assumed,
                    ))
                }
                Ok(a) if self.format == Format::Json => {
                    Outcome::ok(answers_document(&[&a], Vec::new()))
                }
                Ok(a) => Outcome::ok(render(self.format, &a)),
                Err(QueryError::Eval(EvalError::Cancelled)) => Outcome::failed("cancelled\n"),
                Err(QueryError::Eval(e)) if self.format != Format::Json => {
                    Outcome::failed(format!("error: {e}\n"))
                }
                Err(e) => Outcome::failed(self.errors(&e.diagnostics())),
            },
        }
    }

    /// The texts of the session's knowledge base: its files, `:load`ed files, typed clauses
    /// and assumptions.
    fn texts(&self) -> Result<Vec<SourceText>, LoadError> {
        let inventory = self.session.kb.config.inventory.is_some();
        let mut texts = kb_texts_for(&self.base_paths, inventory)?;
        if !self.loaded.is_empty() {
            texts.extend(read_paths(&self.loaded, "kb")?);
        }
        for (i, (name, t)) in self.typed.iter().enumerate() {
            texts.push(SourceText {
                name: name.clone().unwrap_or_else(|| format!("<input {}>", i + 1)),
                text: t.clone(),
            });
        }
        if !self.assumed.is_empty() {
            texts.push(SourceText {
                name: super::whatif::ASSUMPTIONS.into(),
                text: self.assumed.join("\n"),
            });
        }
        Ok(texts)
    }

    /// Rebuilds the knowledge base; on failure keeps the old one.
    pub(super) fn try_rebuild(&mut self) -> Rebuilt {
        let before = self.session.kb.checked.program.clauses.len() as i64;
        let mut config = self.session.kb.config.clone();
        config.retracted = self.retracted.clone();
        match self.texts().and_then(|t| KnowledgeBase::load(t, config)) {
            Ok(kb) => {
                let added = kb.checked.program.clauses.len() as i64 - before;
                self.session.replace_kb(kb);
                self.generation += 1;
                Rebuilt::Changed { added }
            }
            Err(e) if e.failure == LoadFailure::Cancelled => Rebuilt::Cancelled,
            Err(e) => Rebuilt::Kept(e),
        }
    }

    /// Rebuilds the knowledge base and says what happened.
    pub(super) fn rebuild(&mut self) -> Outcome {
        match self.try_rebuild() {
            Rebuilt::Changed { added: 1 } => Outcome::ok("added 1 clause\n"),
            Rebuilt::Changed { added } if added >= 0 => {
                Outcome::ok(format!("added {added} clauses\n"))
            }
            Rebuilt::Changed { added } => Outcome::ok(format!(
                "removed {}\n",
                crate::source::plural((-added) as usize, "clause")
            )),
            Rebuilt::Cancelled => Outcome::failed("cancelled: nothing changed\n"),
            Rebuilt::Kept(e) => {
                let mut text = self.errors_in(&e.sources, &e.diagnostics);
                if self.format != Format::Json {
                    text.push_str("(nothing changed)\n");
                }
                Outcome::failed(text)
            }
        }
    }
}

/// `doc` in `format`; under JSON the document the command of `kind` prints (`:search` as
/// `supportkb search`, a query file as `supportkb run`): its envelope, values typed.
pub(super) fn shown(
    format: Format,
    kind: crate::render::document::Kind,
    doc: &dyn crate::render::Render,
) -> String {
    use crate::render::document::{Public, envelope};
    if format != Format::Json {
        return render(format, doc);
    }
    let doc = envelope(kind, Some(Public::default().apply(doc.json())), Vec::new());
    format!("{}\n", crate::render::json::pretty(&doc))
}

/// The JSON document `supportkb query --format json` prints, for the session's answers:
/// the `supportkb-answers/1` envelope with `answers` (values typed, internal fields left
/// out) and `errors`.
fn answers_document(answers: &[&crate::query::Answer], errors: Vec<serde_json::Value>) -> String {
    use crate::render::Render;
    use crate::render::document::{Kind, Public, envelope};
    let answers: Vec<serde_json::Value> = answers.iter().map(|a| a.json()).collect();
    let body = Public::default().apply(serde_json::json!({ "answers": answers }));
    let doc = envelope(Kind::Answers, Some(body), errors);
    format!("{}\n", crate::render::json::pretty(&doc))
}

/// Splits input into statements the way the session reads them: lines accumulate until they
/// form a complete statement (a `:` command is one line). Each comes with the 1-based line it
/// starts on.
pub fn split_statements(input: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut buffer = String::new();
    let mut start = 1;
    for (i, line) in input.lines().enumerate() {
        if buffer.is_empty() && line.trim().is_empty() {
            continue;
        }
        // An unfinished statement ends where a line starts a command or a query: it is an
        // error there, and that line is read as the next statement, not lost in it.
        if !buffer.is_empty() && starts_statement(line) {
            out.push((start, std::mem::take(&mut buffer)));
        }
        if buffer.is_empty() {
            start = i + 1;
        }
        buffer.push_str(line);
        buffer.push('\n');
        if !buffer.trim_start().starts_with(':') && crate::syntax::is_incomplete(&buffer) {
            continue;
        }
        out.push((start, std::mem::take(&mut buffer)));
    }
    if !buffer.trim().is_empty() {
        out.push((start, buffer));
    }
    out
}

/// True when `line` opens a statement of its own, never the continuation of a clause: a
/// `:` command, a `?-` query, a `why` or a question (`name? …`).
pub(super) fn starts_statement(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with(':') || t.starts_with("?-") || t == "why" || t.starts_with("why ") {
        return true;
    }
    let name = t
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    let rest = &t[name..];
    name > 0 && rest.starts_with('?') && rest[1..].chars().next().is_none_or(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn pasted_blocks_split_into_statements() {
        let parts = split_statements(
            "p(a).\nq(X) :-\n  p(X).\n\n?- q(X).\n:preds\nsupported? peer_cache\n",
        );
        let starts: Vec<usize> = parts.iter().map(|(l, _)| *l).collect();
        assert_eq!(starts, vec![1, 2, 5, 6, 7]);
        assert_eq!(parts[1].1, "q(X) :-\n  p(X).\n");
    }

    #[test]
    fn a_query_or_command_line_ends_an_unfinished_statement() {
        let parts = split_statements("foo(\n?- x(Y).\np(\nsupported? a\nq(\n:preds\nr(\n  a).\n");
        let starts: Vec<usize> = parts.iter().map(|(l, _)| *l).collect();
        assert_eq!(starts, vec![1, 2, 3, 4, 5, 6, 7]);
        assert!(super::starts_statement("why not p(a)"));
        assert!(!super::starts_statement("  why(X)."));
        assert!(!super::starts_statement("  p(X)?"));
    }
}
