//! Full-text search over what a knowledge base is grounded in: every statement of its
//! pinned texts (with the sections of the citations quoting it), the quotes and notes of
//! sources that pin no text, and the predicates' `decl` documentation. Ranked by BM25
//! ([`index`]); each hit shows the source line, the clauses citing it, and a question to ask
//! about it ([`Session::search`]). The unknown answers that point somewhere use the same
//! corpus (`super::pointers`).

pub mod index;

use super::coverage::CitingClause;
use super::kb::KnowledgeBase;
use super::session::Session;
use super::{Answer, AskOptions};
use crate::check::statements::StatementKind;
use crate::ir::Const;
use crate::source::Span;
use crate::syntax::Term;
use index::{Index, Scored, stems};
use serde::Serialize;

/// Weight of the sections of the citations quoting a statement, against its own words.
const SECTION_WEIGHT: f64 = 0.3;
/// Weight of a predicate's name and column names, against its documentation.
const NAME_WEIGHT: f64 = 0.5;
/// Factor of the score of a statement marked not encoded: at equal relevance, what the
/// knowledge base encodes comes first.
const MARKED_FACTOR: f64 = 0.5;

/// What a document of the corpus is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocRef {
    /// Statement `statement` of pinned text `text` (indices into `CheckedKb::statements`).
    Statement { text: usize, statement: usize },
    /// A citation or note of a source that pins no text (or whose quote was not found).
    Annotation { span: Span },
    /// A predicate's declaration.
    Decl { pred: String },
}

/// The searchable documents of a knowledge base.
pub(crate) struct Corpus {
    pub index: Index,
    pub docs: Vec<DocRef>,
}

/// What kind of hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// A statement of a pinned text.
    Statement,
    /// A `@cite` quote of a source that pins no text.
    Quote,
    /// A `@note` of a source that pins no text.
    Note,
    /// A predicate's documentation.
    Predicate,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// What was found.
    pub kind: HitKind,
    /// BM25 score, higher first.
    pub score: f64,
    /// The source, for statements, quotes and notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The line of the source text, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The statement's last line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<usize>,
    /// For a statement: its kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement_kind: Option<StatementKind>,
    /// For a predicate: `name/arity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// The statement, quote, note or documentation.
    pub text: String,
    /// The clauses citing it (for a predicate: none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cited_by: Vec<CitingClause>,
    /// Why it is not encoded, when a mark says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_encoded: Option<String>,
    /// A question to ask about it that the knowledge base answers (its proof cites the
    /// line), or a form to fill in for a predicate that needs an input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ask: Option<String>,
    /// The words of the search it holds (lowercased).
    pub matched: Vec<String>,
    /// Other places with the same text (a copy of the document pinned as another source),
    /// shown once, here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub same_text: Vec<String>,
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchReport {
    /// Always `search`.
    pub kind: &'static str,
    /// The words searched, as given.
    pub query: String,
    /// The best hits, at most the limit asked.
    pub hits: Vec<SearchHit>,
    /// How many documents matched in all.
    pub matched: usize,
}

impl KnowledgeBase {
    /// The searchable documents.
    pub(crate) fn corpus(&self) -> Corpus {
        let program = &self.checked.program;
        let mut index = Index::default();
        let mut docs = Vec::new();
        for (ti, t) in self.checked.statements.iter().enumerate() {
            for (si, s) in t.statements.iter().enumerate() {
                let mut sections: Vec<&str> = Vec::new();
                for q in &t.cited[si] {
                    if let Some(a) = self.annotation(q.annotation)
                        && !sections.contains(&a.section.as_str())
                    {
                        sections.push(&a.section);
                    }
                }
                let sections = sections.join(" ");
                index.add(&[(&s.text, 1.0), (&sections, SECTION_WEIGHT)]);
                docs.push(DocRef::Statement {
                    text: ti,
                    statement: si,
                });
            }
        }
        for c in &program.clauses {
            for a in c.cites.iter().chain(&c.notes) {
                if self.checked.statements.iter().any(|t| t.source == a.source)
                    && self.checked.verified.contains(&a.span)
                {
                    continue;
                }
                index.add(&[(&a.quote, 1.0), (&a.section, SECTION_WEIGHT)]);
                docs.push(DocRef::Annotation { span: a.span });
            }
        }
        for p in self.checked.preds.values() {
            let Some(doc) = &p.doc else { continue };
            let names = format!(
                "{} {}",
                p.name,
                p.columns.as_deref().unwrap_or_default().join(" ")
            );
            index.add(&[(doc, 1.0), (&names, NAME_WEIGHT)]);
            docs.push(DocRef::Decl {
                pred: p.name.clone(),
            });
        }
        Corpus { index, docs }
    }

    /// The documents holding any of `stems`, best first; statements marked not encoded
    /// count [`MARKED_FACTOR`] of their score.
    pub(crate) fn ranked(&self, corpus: &Corpus, stems: &[String]) -> Vec<Scored> {
        let mut found = corpus.index.search(stems);
        for s in &mut found {
            if let DocRef::Statement { text, statement } = corpus.docs[s.doc]
                && self.checked.statements[text].marked[statement].is_some()
            {
                s.score *= MARKED_FACTOR;
            }
        }
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        found
    }

    /// A statement's text (other documents: none).
    fn doc_text(&self, d: &DocRef) -> Option<String> {
        match d {
            DocRef::Statement { text, statement } => Some(
                self.checked.statements[*text].statements[*statement]
                    .text
                    .clone(),
            ),
            _ => None,
        }
    }

    /// A statement's place: `cmg_page line 74`.
    fn doc_place(&self, d: &DocRef) -> String {
        match d {
            DocRef::Statement { text, statement } => {
                let t = &self.checked.statements[*text];
                format!("{} line {}", t.source, t.statements[*statement].line())
            }
            _ => String::new(),
        }
    }

    /// The annotation written at `span`.
    pub(crate) fn annotation(&self, span: Span) -> Option<&crate::syntax::Citation> {
        self.checked
            .program
            .clauses
            .iter()
            .flat_map(|c| c.cites.iter().chain(&c.notes))
            .find(|a| a.span == span)
    }
}

impl Session {
    /// Searches the knowledge base's texts, quotes, notes and documentation for `words`; the
    /// best `limit` hits, each with a question to ask about it.
    pub fn search(&mut self, words: &str, limit: usize) -> SearchReport {
        let corpus = self.kb.corpus();
        let found = self.kb.ranked(&corpus, &stems(words));
        // A statement whose text another, better one has (the same article pinned twice)
        // is shown once, with the other places.
        let mut kept: Vec<(Scored, Vec<String>)> = Vec::new();
        for s in found {
            let text = self.kb.doc_text(&corpus.docs[s.doc]);
            let twin = text.as_ref().and_then(|t| {
                kept.iter()
                    .position(|(k, _)| self.kb.doc_text(&corpus.docs[k.doc]).as_ref() == Some(t))
            });
            match twin {
                Some(i) => {
                    let at = self.kb.doc_place(&corpus.docs[s.doc]);
                    kept[i].1.push(at);
                }
                None => kept.push((s, Vec::new())),
            }
        }
        let matched = kept.len();
        let hits = kept
            .into_iter()
            .take(limit)
            .map(|(s, same)| {
                let mut h = self.hit(&corpus, &s, words);
                h.same_text = same;
                h
            })
            .collect();
        SearchReport {
            kind: "search",
            query: words.to_string(),
            hits,
            matched,
        }
    }

    /// A scored document as a hit.
    pub(crate) fn hit(&mut self, corpus: &Corpus, s: &Scored, words: &str) -> SearchHit {
        let matched: Vec<String> = index::words(words)
            .into_iter()
            .filter(|w| s.matched.contains(&w.stem))
            .map(|w| w.written)
            .collect();
        let mut hit = SearchHit {
            kind: HitKind::Statement,
            score: (s.score * 1000.0).round() / 1000.0,
            source: None,
            line: None,
            end_line: None,
            statement_kind: None,
            predicate: None,
            text: String::new(),
            cited_by: Vec::new(),
            not_encoded: None,
            ask: None,
            matched,
            same_text: Vec::new(),
        };
        match &corpus.docs[s.doc] {
            DocRef::Statement { text, statement } => {
                let t = &self.kb.checked.statements[*text];
                let st = &t.statements[*statement];
                hit.source = Some(t.source.clone());
                hit.line = Some(st.line());
                hit.end_line = Some(st.end_line());
                hit.statement_kind = Some(st.kind);
                hit.text = st.text.clone();
                hit.cited_by = t.cited[*statement]
                    .iter()
                    .filter_map(|q| self.kb.citing_clause(q.annotation, q.whole))
                    .collect();
                hit.not_encoded = t.marked[*statement]
                    .and_then(|m| self.kb.checked.program.unencoded.get(m))
                    .map(|m| m.reason.clone());
                let spans: Vec<Span> = t.cited[*statement].iter().map(|q| q.annotation).collect();
                let (source, lines) = (t.source.clone(), (st.line(), st.end_line()));
                hit.ask = self.question_about(&spans, &source, lines);
            }
            DocRef::Annotation { span } => {
                let a = self.kb.annotation(*span).cloned();
                if let Some(a) = a {
                    let is_note = self
                        .kb
                        .checked
                        .program
                        .clauses
                        .iter()
                        .any(|c| c.notes.iter().any(|n| n.span == *span));
                    hit.kind = if is_note {
                        HitKind::Note
                    } else {
                        HitKind::Quote
                    };
                    hit.source = Some(a.source.clone());
                    hit.line = a.line.and_then(|l| usize::try_from(l).ok());
                    hit.text = a.quote.clone();
                    hit.cited_by = self.kb.citing_clause(*span, true).into_iter().collect();
                    let lines = hit.line.map_or((0, usize::MAX), |l| (l, l));
                    hit.ask = self.question_about(&[*span], &a.source, lines);
                }
            }
            DocRef::Decl { pred } => {
                if let Some(info) = self.kb.checked.preds.get(pred).cloned() {
                    hit.kind = HitKind::Predicate;
                    hit.predicate = Some(format!("{}/{}", info.name, info.arity));
                    hit.text = info.doc.clone().unwrap_or_default();
                    hit.ask = self.question_for_pred(&info);
                }
            }
        }
        hit
    }

    /// A question whose answer's proof cites `source` in `lines`, among those about the
    /// subjects of the clauses behind `annotations`: first on a predicate with a declared key
    /// and rules (a verdict), then on the clause's own predicate.
    pub(crate) fn question_about(
        &mut self,
        annotations: &[Span],
        source: &str,
        lines: (usize, usize),
    ) -> Option<String> {
        let program = &self.kb.checked.program;
        let mut own: Vec<(String, Const)> = Vec::new();
        for span in annotations {
            let Some(c) = program
                .clauses
                .iter()
                .find(|c| c.cites.iter().chain(&c.notes).any(|a| a.span == *span))
            else {
                continue;
            };
            if let Some(Term::Const(a)) = c.head.args.first() {
                let pair = (c.head.pred.clone(), a.clone());
                if !own.contains(&pair) {
                    own.push(pair);
                }
            }
        }
        let mut verdicts: Vec<(usize, String)> = self
            .kb
            .checked
            .preds
            .values()
            .filter(|p| !p.keys.is_empty() && p.rules > 0 && p.arity > 1)
            .map(|p| (p.rules, p.name.clone()))
            .collect();
        verdicts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut tried = Vec::new();
        for (_, q) in &verdicts {
            let firsts = self.kb.column_values(q, usize::MAX);
            for (_, a) in &own {
                if firsts.first().is_some_and(|c| c.contains(&a.to_string())) {
                    tried.push((q.clone(), a.clone()));
                }
            }
        }
        tried.extend(own);
        tried.into_iter().find_map(|(p, a)| {
            let text = format!("{p}? {a}");
            self.answers_citing(&text, source, lines).then_some(text)
        })
    }

    /// Whether `question` gets an answer (not unknown) whose proofs cite `source` in
    /// `lines`.
    fn answers_citing(&mut self, question: &str, source: &str, lines: (usize, usize)) -> bool {
        let handles = self.handle_count();
        let Ok(answer) = self.ask(question, AskOptions::default()) else {
            return false;
        };
        // A probe must not hand out handles the user never saw.
        self.handles.truncate(handles);
        if answer.verdict() == "unknown" {
            return false;
        }
        let cites = |a: &Answer| {
            a.proofs().iter().any(|p| {
                p.quotes().iter().any(|q| {
                    q.source == source
                        && q.line
                            .and_then(|l| usize::try_from(l).ok())
                            .is_some_and(|l| l >= lines.0 && l <= lines.1)
                })
            })
        };
        cites(&answer)
    }

    /// A question about `info`'s tuples: `p? a` with the first value the model has, or a
    /// form naming the columns a question must give.
    fn question_for_pred(&mut self, info: &crate::check::PredInfo) -> Option<String> {
        if !info.bound_args.is_empty() {
            let given: Vec<String> = (0..=*info.bound_args.iter().max()?)
                .map(|i| format!("<{}>", info.column(i)))
                .collect();
            return Some(format!("{}? {}", info.name, given.join(" ")));
        }
        let first = self.kb.rows_of(&info.name).into_iter().next()?;
        let q = match first.first() {
            Some(a) if info.arity > 1 => format!("{}? {a}", info.name),
            _ => format!("{}?", info.name),
        };
        let handles = self.handle_count();
        let ok = self.ask(&q, AskOptions::default()).is_ok();
        self.handles.truncate(handles);
        ok.then_some(q)
    }
}
