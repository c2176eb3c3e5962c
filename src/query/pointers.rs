//! Unknown answers that point somewhere. A question whose subject has no tuple is
//! unknown — the document's silence is not a denial — but the answer says where to look:
//! - subjects of the asked column whose words hold every word of the question's subject
//!   (an umbrella term such as `task_sequence`): every one of them;
//! - subjects sharing at least half of its words (near-synonyms: `console` for
//!   `configuration_manager_console`);
//! - the document's statements nearest the subject's words (search, [`super::search`]),
//!   those the asked predicate's own clauses cite first; when none has any of its words,
//!   what the document says under the asked predicate.
//!
//! Each points to its line of the pinned text, and to a question that answers.

use super::search::DocRef;
use super::search::index::stems;
use super::session::Session;
use crate::check::PredInfo;
use crate::ir::{Const, Pred};
use crate::syntax::Term;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Statements listed as nearest.
const NEAREST: usize = 3;
/// Near-synonyms listed.
const NEAR: usize = 3;
/// A word more subjects than this have is too common to make a near-synonym on its own
/// (`software` of `software_metering`).
const COMMON: usize = 3;

/// A statement of a pinned text pointed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePointer {
    /// The source.
    pub source: String,
    /// Its line.
    pub line: usize,
    /// The statement.
    pub text: String,
    /// A question that answers from it, when one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask: Option<String>,
}

/// A subject the question may have meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meant {
    /// The subject, as written.
    pub subject: String,
    /// The question about it.
    pub ask: String,
    /// The line its row or fact cites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<LinePointer>,
}

/// Where an unknown answer points.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pointers {
    /// The subject's words, as searched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    /// An umbrella term: every subject whose words hold all of the question's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub could_mean: Vec<Meant>,
    /// Subjects sharing most of the question's words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub near: Vec<Meant>,
    /// The document's statements nearest the subject's words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nearest: Vec<LinePointer>,
    /// True when no statement has the subject's words, and `nearest` lists what the
    /// document says under the asked predicate instead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub under_predicate: bool,
}

impl Pointers {
    /// True when it points nowhere.
    pub fn is_empty(&self) -> bool {
        self.could_mean.is_empty() && self.near.is_empty() && self.nearest.is_empty()
    }
}

impl Session {
    /// Where an unknown question about `pred` with `args` points (see the module).
    pub(super) fn pointers(&mut self, pred: &str, info: &PredInfo, args: &[Term]) -> Pointers {
        let Some(rel) = self.kb.model.relation(&Pred::user(pred)) else {
            return Pointers::default();
        };
        let mut unknown: Vec<(usize, Const)> = Vec::new();
        let mut columns: Vec<BTreeSet<Const>> = Vec::new();
        for (i, t) in args.iter().enumerate() {
            let Term::Const(c) = t else { continue };
            if info.bound_args.contains(&i) {
                continue;
            }
            let column: BTreeSet<Const> = rel
                .rows()
                .map(|r| self.kb.interner.value(r[i]).clone())
                .collect();
            if !column.contains(c) {
                unknown.push((i, c.clone()));
                columns.push(column);
            }
        }
        let mut out = Pointers::default();
        for ((i, c), column) in unknown.iter().zip(&columns) {
            let want: BTreeSet<String> = stems(&plain(c)).into_iter().collect();
            if want.is_empty() {
                continue;
            }
            out.words.extend(
                super::search::index::words(&plain(c))
                    .into_iter()
                    .map(|w| w.written),
            );
            let mut holding = Vec::new();
            let mut sharing: Vec<(usize, usize, &Const)> = Vec::new();
            let subjects: Vec<(&Const, BTreeSet<String>)> = column
                .iter()
                .map(|v| (v, stems(&plain(v)).into_iter().collect()))
                .collect();
            let rare =
                |w: &String| subjects.iter().filter(|(_, h)| h.contains(w)).count() <= COMMON;
            for (v, have) in &subjects {
                let shared: Vec<&String> = want.intersection(have).collect();
                let distinctive = shared.iter().filter(|w| rare(w)).count();
                if shared.len() == want.len() {
                    holding.push(*v);
                } else if distinctive > 0 && distinctive * 2 >= want.len() {
                    sharing.push((distinctive, have.len() - shared.len(), *v));
                }
            }
            let ask = |v: &Const| {
                let mut a: Vec<String> = args.iter().map(Term::to_string).collect();
                a[*i] = v.to_string();
                format!("{pred}? {}", a.join(" "))
            };
            if holding.len() >= 2 {
                out.could_mean = holding.iter().map(|v| self.meant(v, ask(v))).collect();
                out.could_mean
                    .sort_by_key(|m| m.line.as_ref().map_or(usize::MAX, |l| l.line));
            } else {
                sharing.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
                let near: Vec<&Const> = holding
                    .into_iter()
                    .chain(sharing.into_iter().map(|(_, _, v)| v))
                    .take(NEAR)
                    .collect();
                out.near = near.into_iter().map(|v| self.meant(v, ask(v))).collect();
            }
        }
        let (nearest, any) = self.nearest(pred, &out.words.join(" "), &out);
        out.nearest = nearest;
        if !any && !unknown.is_empty() {
            out.nearest = self.under_predicate(pred);
            out.under_predicate = !out.nearest.is_empty();
        }
        out
    }

    /// A subject with the line its facts cite.
    fn meant(&mut self, v: &Const, ask: String) -> Meant {
        Meant {
            subject: v.to_string(),
            line: self.line_of_subject(v),
            ask,
        }
    }

    /// The first statement a fact about `v` (its first argument) cites.
    fn line_of_subject(&self, v: &Const) -> Option<LinePointer> {
        let kb = &self.kb;
        kb.checked
            .program
            .clauses
            .iter()
            .filter(|c| c.is_fact())
            .find_map(|c| {
                if !matches!(c.head.args.first(), Some(Term::Const(x)) if x == v) {
                    return None;
                }
                c.cites.iter().find_map(|a| {
                    kb.checked.statements.iter().find_map(|t| {
                        let i = t
                            .cited
                            .iter()
                            .position(|q| q.iter().any(|q| q.annotation == a.span))?;
                        Some(LinePointer {
                            source: t.source.clone(),
                            line: t.statements[i].line(),
                            text: t.statements[i].text.clone(),
                            ask: None,
                        })
                    })
                })
            })
    }

    /// The statements nearest `words`, those the clauses of `pred` cite first; none already
    /// pointed to, no text twice; and whether any statement has any of the words.
    fn nearest(&mut self, pred: &str, words: &str, shown: &Pointers) -> (Vec<LinePointer>, bool) {
        let corpus = self.kb.corpus();
        let found = self.kb.ranked(&corpus, &stems(words));
        let own = self.lines_of_pred(pred);
        // Those the asked predicate cites first, those marked not encoded last.
        let mut statements: Vec<(bool, bool, usize, usize, usize)> = found
            .iter()
            .enumerate()
            .filter_map(|(rank, s)| match corpus.docs[s.doc] {
                DocRef::Statement { text, statement } => {
                    let t = &self.kb.checked.statements[text];
                    let line = t.statements[statement].line();
                    let own = own.contains(&(t.source.clone(), line));
                    let marked = t.marked[statement].is_some();
                    Some((!own, marked, rank, text, statement))
                }
                _ => None,
            })
            .collect();
        statements.sort();
        let any = !statements.is_empty();
        let already: Vec<String> = shown
            .could_mean
            .iter()
            .chain(&shown.near)
            .filter_map(|m| m.line.as_ref().map(|l| l.text.clone()))
            .collect();
        let mut out: Vec<LinePointer> = Vec::new();
        for (_, _, _, text, statement) in statements {
            let t = &self.kb.checked.statements[text];
            let st = &t.statements[statement];
            // The same statement again (a copy of the document pinned as another source, a
            // row with its status cell that its copy lost) is not another pointer.
            let same =
                |other: &String| st.text.starts_with(other.as_str()) || other.starts_with(&st.text);
            if already.iter().any(same) || out.iter().any(|p| same(&p.text)) {
                continue;
            }
            let spans: Vec<_> = t.cited[statement].iter().map(|q| q.annotation).collect();
            let (source, lines, line, stext) = (
                t.source.clone(),
                (st.line(), st.end_line()),
                st.line(),
                st.text.clone(),
            );
            let ask = self.question_about(&spans, &source, lines);
            out.push(LinePointer {
                source,
                line,
                text: stext,
                ask,
            });
            if out.len() == NEAREST {
                break;
            }
        }
        (out, any)
    }

    /// The (source, line) of every statement the clauses of `pred` cite.
    fn lines_of_pred(&self, pred: &str) -> Vec<(String, usize)> {
        let spans: Vec<_> = self
            .kb
            .checked
            .program
            .clauses
            .iter()
            .filter(|c| c.head.pred == pred)
            .flat_map(|c| c.cites.iter().chain(&c.notes).map(|a| a.span))
            .collect();
        let mut out = Vec::new();
        for t in &self.kb.checked.statements {
            for (i, q) in t.cited.iter().enumerate() {
                if q.iter().any(|q| spans.contains(&q.annotation)) {
                    out.push((t.source.clone(), t.statements[i].line()));
                }
            }
        }
        out
    }

    /// What the document says under `pred`: the statements its clauses cite.
    fn under_predicate(&mut self, pred: &str) -> Vec<LinePointer> {
        let lines = self.lines_of_pred(pred);
        let mut out: Vec<LinePointer> = Vec::new();
        for (source, line) in lines {
            let Some(t) = self
                .kb
                .checked
                .statements
                .iter()
                .find(|t| t.source == source)
            else {
                continue;
            };
            let Some(i) = t.statements.iter().position(|s| s.line() == line) else {
                continue;
            };
            let text = t.statements[i].text.clone();
            if out.iter().any(|p| p.text == text) {
                continue;
            }
            let spans: Vec<_> = t.cited[i].iter().map(|q| q.annotation).collect();
            let end = t.statements[i].end_line();
            let ask = self.question_about(&spans, &source, (line, end));
            out.push(LinePointer {
                source,
                line,
                text,
                ask,
            });
            if out.len() == NEAREST {
                break;
            }
        }
        out
    }
}

impl Session {
    /// What the document mentions under `words` (a predicate that does not exist, its
    /// arguments): up to three hits of a search, a line each, for a diagnostic's help.
    pub(super) fn mentions(&mut self, words: &str) -> Vec<String> {
        let report = self.search(words, NEAREST);
        report
            .hits
            .iter()
            .map(|h| {
                let ask = h
                    .ask
                    .as_ref()
                    .map_or_else(String::new, |a| format!(" (ask: {a})"));
                match (&h.predicate, &h.source, h.line) {
                    (Some(p), _, _) => format!("predicate {p}: \"{}\"{ask}", h.text),
                    (None, Some(s), Some(l)) => format!("{s} line {l}: \"{}\"{ask}", h.text),
                    (None, Some(s), None) => format!("{s}: \"{}\"{ask}", h.text),
                    _ => format!("\"{}\"{ask}", h.text),
                }
            })
            .collect()
    }
}

/// A constant's text without quotes.
fn plain(c: &Const) -> String {
    match c {
        Const::Str(s) => s.clone(),
        other => other.to_string(),
    }
}
