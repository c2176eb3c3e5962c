//! A small full-text index: words lowercased, stop words dropped, stemmed (Snowball English,
//! the `rust-stemmers` crate), ranked by Okapi BM25 (Robertson and Zaragoza, "The
//! Probabilistic Relevance Framework: BM25 and Beyond", 2009) with weighted fields.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;
use std::sync::LazyLock;

/// BM25's term-frequency saturation.
const K1: f64 = 1.2;
/// BM25's length normalisation.
const B: f64 = 0.75;

/// Words too common to tell statements apart. ("not" is kept: "Not supported." matters.)
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "has",
    "have", "how", "i", "if", "in", "into", "is", "it", "its", "of", "on", "or", "so", "that",
    "the", "their", "them", "then", "there", "these", "this", "those", "to", "was", "were", "what",
    "when", "where", "which", "who", "will", "with", "you", "your",
];

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// A word as written and as indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Lowercased, as written.
    pub written: String,
    /// Its stem, as indexed.
    pub stem: String,
}

/// The indexed words of `text`: split at anything not a letter or digit (so `peer_cache`
/// is two words), lowercased, stop words and one-letter words (the `t` of "doesn't")
/// dropped, each stemmed.
pub fn words(text: &str) -> Vec<Word> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| {
            !STOP_WORDS.contains(&w.as_str())
                && (w.chars().count() > 1 || w.chars().all(|c| c.is_ascii_digit()))
        })
        .map(|w| Word {
            stem: STEMMER.stem(&w).into_owned(),
            written: w,
        })
        .collect()
}

/// The stems of `text`'s words.
pub fn stems(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.stem).collect()
}

#[derive(Debug, Clone, Default)]
struct Doc {
    /// Weighted term frequencies.
    terms: HashMap<String, f64>,
    /// Weighted length.
    len: f64,
}

/// Documents of weighted fields, searchable by BM25.
#[derive(Debug, Clone, Default)]
pub struct Index {
    docs: Vec<Doc>,
    /// Documents each stem occurs in.
    df: HashMap<String, usize>,
}

/// One match: the document, its score, and the query's stems it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The document, numbered in the order added.
    pub doc: usize,
    /// BM25 score (higher is better).
    pub score: f64,
    /// The query's stems the document holds.
    pub matched: Vec<String>,
}

impl Index {
    /// Adds a document of `(text, weight)` fields; its number.
    pub fn add(&mut self, fields: &[(&str, f64)]) -> usize {
        let mut doc = Doc::default();
        for (text, weight) in fields {
            for stem in stems(text) {
                *doc.terms.entry(stem).or_default() += weight;
                doc.len += weight;
            }
        }
        for t in doc.terms.keys() {
            *self.df.entry(t.clone()).or_default() += 1;
        }
        self.docs.push(doc);
        self.docs.len() - 1
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The documents holding any of `query`'s stems, best first (ties in document order).
    pub fn search(&self, query: &[String]) -> Vec<Scored> {
        let n = self.docs.len() as f64;
        let avg = self.docs.iter().map(|d| d.len).sum::<f64>() / n.max(1.0);
        let mut query: Vec<&String> = query.iter().collect();
        query.dedup();
        let mut out: Vec<Scored> = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let mut score = 0.0;
                let mut matched = Vec::new();
                for t in &query {
                    let Some(&tf) = d.terms.get(t.as_str()) else {
                        continue;
                    };
                    let df = self.df.get(t.as_str()).copied().unwrap_or(0) as f64;
                    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                    let norm = K1 * (1.0 - B + B * d.len / avg.max(f64::MIN_POSITIVE));
                    score += idf * tf * (K1 + 1.0) / (tf + norm);
                    matched.push((*t).clone());
                }
                (!matched.is_empty()).then_some(Scored {
                    doc: i,
                    score,
                    matched,
                })
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_split_lowercased_and_stemmed() {
        assert_eq!(stems("Peer_cache"), vec!["peer", "cach"]);
        assert_eq!(stems("clients"), stems("client"));
        assert_eq!(
            stems("doesn't support the IPv6"),
            vec!["doesn", "support", "ipv6"]
        );
        assert_eq!(stems("version 2203"), vec!["version", "2203"]);
    }

    #[test]
    fn rarer_words_and_shorter_documents_rank_first() {
        let mut ix = Index::default();
        ix.add(&[("Peer cache Not supported.", 1.0)]);
        ix.add(&[("Software updates Supported.", 1.0)]);
        ix.add(&[(
            "Content for peer cache and many other words that dilute it",
            1.0,
        )]);
        let hits = ix.search(&stems("peer cache"));
        assert_eq!(hits.iter().map(|h| h.doc).collect::<Vec<_>>(), vec![0, 2]);
        assert!(ix.search(&stems("nothing here")).is_empty());
        let hits = ix.search(&stems("supported updates"));
        assert_eq!(hits[0].doc, 1, "two words beat one");
    }
}
