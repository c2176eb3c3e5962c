//! The rustyline helper: completion (commands, predicates with their arity, and the
//! constants of the argument position being typed), "did you mean" hints, and highlighting of
//! atoms, variables, strings, comments and syntax errors.

use crate::check::did_you_mean;
use crate::query::KnowledgeBase;
use crate::syntax::{is_incomplete, parse_kb, parse_query};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Most values per column offered for completion.
const MAX_COLUMN_VALUES: usize = 1000;

/// Completion data, refreshed after each statement.
pub struct ReplHelper {
    /// Predicate name → arity.
    preds: BTreeMap<String, usize>,
    /// Predicate name → per column, the values its tuples have (as written).
    columns: BTreeMap<String, Vec<BTreeSet<String>>>,
    /// Every constant of the knowledge base (as written).
    constants: BTreeSet<String>,
    color: bool,
}

/// Where the cursor stands.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    /// The command name after `:`.
    Command,
    /// Where a predicate name goes; `question` when it starts the line.
    Predicate { question: bool },
    /// Argument `index` of `pred`.
    Argument { pred: String, index: usize },
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '"' || c == '-'
}

/// Finds where the cursor stands in `before` (the text left of it), and where the word
/// being typed starts.
fn place(before: &str) -> (usize, Place) {
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !word_char(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let head = &before[..start];
    if before.starts_with(':') && !head.contains(char::is_whitespace) {
        return (start.max(1), Place::Command);
    }
    // Inside parentheses: the innermost open `pred(` and the commas since.
    let mut depth = 0i32;
    let mut commas = 0;
    let mut in_string = false;
    for (i, c) in head.char_indices().rev() {
        match c {
            '"' => in_string = !in_string,
            _ if in_string => {}
            ')' => depth += 1,
            ',' if depth == 0 => commas += 1,
            '(' if depth == 0 => {
                let name: String = head[..i]
                    .chars()
                    .rev()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let pred: String = name.chars().rev().collect();
                if pred.is_empty() {
                    break;
                }
                return (
                    start,
                    Place::Argument {
                        pred,
                        index: commas,
                    },
                );
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    // A question: `pred? a b |`.
    let trimmed = head.trim_start();
    if let Some((pred, rest)) = trimmed.split_once('?')
        && !pred.is_empty()
        && pred.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !rest.starts_with('-')
    {
        let mut index = 0;
        let mut in_str = false;
        let mut in_token = false;
        for c in rest.chars() {
            if c == '"' {
                in_str = !in_str;
            }
            if c.is_whitespace() && !in_str {
                if in_token {
                    index += 1;
                }
                in_token = false;
            } else {
                in_token = true;
            }
        }
        return (
            start,
            Place::Argument {
                pred: pred.to_string(),
                index,
            },
        );
    }
    (
        start,
        Place::Predicate {
            question: head.trim().is_empty(),
        },
    )
}

impl ReplHelper {
    /// A helper knowing `kb`'s predicates and constants; `color` turns highlighting on.
    pub fn new(kb: &KnowledgeBase, color: bool) -> Self {
        let mut h = ReplHelper {
            preds: BTreeMap::new(),
            columns: BTreeMap::new(),
            constants: BTreeSet::new(),
            color,
        };
        h.refresh(kb);
        h
    }

    /// Re-reads predicates and constants.
    pub fn refresh(&mut self, kb: &KnowledgeBase) {
        self.preds = kb
            .pred_summaries()
            .into_iter()
            .map(|p| (p.name, p.arity))
            .collect();
        self.columns = self
            .preds
            .keys()
            .map(|name| (name.clone(), kb.column_values(name, MAX_COLUMN_VALUES)))
            .collect();
        self.constants = kb.constants(40);
    }

    /// Candidates for a command's argument: file paths after `:load`, formats after
    /// `:format`, command names after `:help`; `None` elsewhere.
    fn command_argument(&self, line: &str, pos: usize) -> Option<(usize, Vec<(String, String)>)> {
        let rest = line[..pos].strip_prefix(':')?;
        let (name, arg) = rest.split_once(char::is_whitespace)?;
        let start = pos - arg.trim_start().len();
        let word = &line[start..pos];
        let fixed = |options: &mut dyn Iterator<Item = &str>| {
            let v: Vec<(String, String)> = options
                .filter(|o| o.starts_with(word))
                .map(|o| (o.to_string(), o.to_string()))
                .collect();
            Some((start, v))
        };
        match name {
            "load" => {
                let (at, pairs) = rustyline::completion::FilenameCompleter::new()
                    .complete_path(line, pos)
                    .ok()?;
                let v = pairs
                    .into_iter()
                    .map(|p| (p.display, p.replacement))
                    .collect();
                Some((at, v))
            }
            "format" => fixed(&mut ["text", "json", "markdown"].into_iter()),
            "help" => fixed(&mut super::commands::names()),
            _ => None,
        }
    }

    /// Candidates for the word ending at `pos`: (start of the word, (display, replacement)).
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<(String, String)>) {
        if let Some(found) = self.command_argument(line, pos) {
            return found;
        }
        let (start, place) = place(&line[..pos]);
        let word = &line[start..pos];
        let mut out: Vec<(String, String)> = match place {
            Place::Command => super::commands::names()
                .filter(|c| c.starts_with(word))
                .map(|c| (format!(":{c}"), c.to_string()))
                .collect(),
            Place::Predicate { question } => {
                let mut v: Vec<(String, String)> = self
                    .preds
                    .iter()
                    .filter(|(p, _)| p.starts_with(word))
                    .map(|(p, a)| {
                        (
                            format!("{p}/{a}"),
                            if question {
                                format!("{p}? ")
                            } else {
                                p.clone()
                            },
                        )
                    })
                    .collect();
                if question && !word.is_empty() {
                    for k in ["why ", "why not ", "?- "] {
                        if k.starts_with(word) {
                            v.push((k.trim_end().to_string(), k.to_string()));
                        }
                    }
                }
                v
            }
            Place::Argument { pred, index } => {
                let column = self.columns.get(&pred).and_then(|c| c.get(index));
                let values: Box<dyn Iterator<Item = &String>> = match column {
                    Some(c) if !c.is_empty() => Box::new(c.iter()),
                    _ => Box::new(self.constants.iter()),
                };
                values
                    .filter(|v| v.starts_with(word))
                    .map(|v| (v.clone(), v.clone()))
                    .collect()
            }
        };
        out.sort();
        out.dedup();
        (start, out)
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, c) = self.candidates(line, pos);
        Ok((
            start,
            c.into_iter()
                .map(|(display, replacement)| Pair {
                    display,
                    replacement,
                })
                .collect(),
        ))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    /// A greyed "did you mean" when the word just typed matches nothing the knowledge base
    /// knows.
    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        if pos < line.len() || line.starts_with(':') {
            return None;
        }
        let (start, place) = place(line);
        let word = &line[start..];
        if word.len() < 3
            || word.starts_with('"')
            || word.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
        {
            return None;
        }
        // A word followed by `?` or `(` is complete: check the predicate name before it.
        let (word, pool): (&str, Vec<&str>) = match place {
            Place::Predicate { .. } => (word, self.preds.keys().map(String::as_str).collect()),
            Place::Argument { ref pred, index } => {
                let col = self.columns.get(pred).and_then(|c| c.get(index));
                (
                    word,
                    col.map(|c| c.iter().map(String::as_str).collect())
                        .unwrap_or_default(),
                )
            }
            Place::Command => return None,
        };
        if pool.is_empty() || pool.iter().any(|p| p.starts_with(word)) {
            return None;
        }
        let hint = did_you_mean(word, pool.into_iter())
            .map(|s| format!("   ← unknown; {}", crate::check::did_you_mean_text(&[s])))?;
        // A hint that would run past the terminal's edge wraps, and the line editor then
        // leaves a stale copy of the line on every keystroke: drop it instead.
        let width = super::PROMPT.chars().count() + line.chars().count() + hint.chars().count();
        match terminal_size::terminal_size() {
            Some((terminal_size::Width(w), _)) if width >= usize::from(w) => None,
            _ => Some(hint),
        }
    }
}

const RESET: &str = "\x1b[0m";

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color || line.starts_with(':') {
            return Cow::Borrowed(line);
        }
        let error_at = syntax_error_at(line);
        let mut out = String::with_capacity(line.len() * 2);
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            if error_at.is_some_and(|e| at >= e) {
                out.push_str("\x1b[31;4m");
                out.push_str(&line[at..]);
                out.push_str(RESET);
                break;
            }
            let take = |pred: &dyn Fn(char) -> bool, i: &mut usize| {
                let s = chars[*i].0;
                while *i < chars.len() && pred(chars[*i].1) {
                    *i += 1;
                }
                let e = chars.get(*i).map_or(line.len(), |x| x.0);
                &line[s..e]
            };
            if c == '%' {
                out.push_str("\x1b[90m");
                out.push_str(&line[at..]);
                out.push_str(RESET);
                break;
            } else if c == '"' {
                let s = at;
                i += 1;
                while i < chars.len() && chars[i].1 != '"' {
                    if chars[i].1 == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(chars.len());
                let e = chars.get(i).map_or(line.len(), |x| x.0);
                out.push_str(&format!("\x1b[32m{}{RESET}", &line[s..e]));
            } else if c.is_uppercase()
                || (c == '_' && chars.get(i + 1).is_some_and(|x| x.1.is_alphanumeric()))
            {
                let w = take(&|c: char| c.is_alphanumeric() || c == '_', &mut i);
                out.push_str(&format!("\x1b[33m{w}{RESET}"));
            } else if c.is_alphabetic() {
                let w = take(&|c: char| c.is_alphanumeric() || c == '_', &mut i);
                let next = chars.get(i).map(|x| x.1);
                if self.preds.contains_key(w) && matches!(next, Some('(' | '?')) {
                    out.push_str(&format!("\x1b[1;34m{w}{RESET}"));
                } else if matches!(w, "why" | "not") {
                    out.push_str(&format!("\x1b[35m{w}{RESET}"));
                } else {
                    out.push_str(w);
                }
            } else {
                out.push(c);
                i += 1;
            }
        }
        Cow::Owned(out)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[90m{hint}{RESET}"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

/// Byte offset of the first syntax error of a statement that is complete but does not parse.
fn syntax_error_at(line: &str) -> Option<usize> {
    if line.trim().is_empty() || is_incomplete(line) {
        return None;
    }
    let q = parse_query(line, 0).err()?;
    let k = parse_kb(line, 0).err()?;
    Some(q.span?.start.max(k.span?.start).min(line.len()))
}

impl Validator for ReplHelper {}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places() {
        assert_eq!(place("supp").1, Place::Predicate { question: true });
        assert_eq!(place(":lo").1, Place::Command);
        assert_eq!(
            place("?- status(peer_cache, n").1,
            Place::Argument {
                pred: "status".into(),
                index: 1
            }
        );
        assert_eq!(
            place("why supported(a, f(b, c), ").1,
            Place::Argument {
                pred: "supported".into(),
                index: 2
            }
        );
        assert_eq!(
            place("supported? peer").1,
            Place::Argument {
                pred: "supported".into(),
                index: 0
            }
        );
        assert_eq!(
            place("supported? peer_cache ").1,
            Place::Argument {
                pred: "supported".into(),
                index: 1
            }
        );
        assert_eq!(
            place("?- status(X, Y, Z), sup").1,
            Place::Predicate { question: false }
        );
        assert_eq!(
            place("valid_cmg_name? \"cmg pr").1,
            Place::Argument {
                pred: "valid_cmg_name".into(),
                index: 0
            }
        );
    }

    #[test]
    fn completes_by_position() {
        let kb = KnowledgeBase::embedded(Default::default()).unwrap();
        let h = ReplHelper::new(&kb, false);
        let (_, c) = h.candidates("supp", 4);
        assert!(
            c.contains(&("supported/3".into(), "supported? ".into())),
            "{c:?}"
        );
        let (start, c) = h.candidates("supported? peer", 15);
        assert_eq!(start, 11);
        assert_eq!(
            c,
            vec![("peer_cache".to_string(), "peer_cache".to_string())]
        );
        let line = "?- status(peer_cache, not";
        let (_, c) = h.candidates(line, line.len());
        assert_eq!(
            c,
            vec![("not_supported".to_string(), "not_supported".to_string())]
        );
        let (_, c) = h.candidates(":lo", 3);
        assert_eq!(c, vec![(":load".to_string(), "load".to_string())]);
        let (start, c) = h.candidates(":format j", 9);
        assert_eq!(
            (start, c),
            (8, vec![("json".to_string(), "json".to_string())])
        );
        let (_, c) = h.candidates(":help ass", 9);
        assert_eq!(c, vec![("assume".to_string(), "assume".to_string())]);
        // `:load` completes paths, not predicate names.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mine.kb"), "p(a).").unwrap();
        let line = format!(":load {}/mi", dir.path().display());
        let (_, c) = h.candidates(&line, line.len());
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(c[0].1.ends_with("mine.kb"), "{c:?}");
    }

    #[test]
    fn hints_unknown_names() {
        let kb = KnowledgeBase::embedded(Default::default()).unwrap();
        let h = ReplHelper::new(&kb, false);
        let history = rustyline::history::DefaultHistory::new();
        let ctx = Context::new(&history);
        assert_eq!(
            h.hint("suported", 8, &ctx).as_deref(),
            Some("   ← unknown; did you mean `supported`?")
        );
        assert_eq!(
            h.hint("supported? peer_cahce", 21, &ctx).as_deref(),
            Some("   ← unknown; did you mean `peer_cache`?")
        );
        assert_eq!(h.hint("supported", 9, &ctx), None);
    }

    #[test]
    fn highlights_errors() {
        assert_eq!(syntax_error_at("supported? peer_cache"), None);
        assert_eq!(syntax_error_at("p(X) :-"), None);
        assert!(syntax_error_at("p(a)) .").is_some());
    }
}
