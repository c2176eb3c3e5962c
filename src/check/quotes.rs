//! Matching a quote against the text it cites.
//!
//! # The rule
//! A citation `@cite(src, "section", "QUOTE", L)` holds when the normalised quote is a
//! substring of the normalised lines `L`, `L+1`, … joined with single spaces, and the match
//! starts inside line `L`: a quote may run on over later lines, never start before its line.
//! Normalisation:
//! - every run of whitespace (NBSP included) is one space, ends trimmed;
//! - in Markdown sources (`.md`) each line is read as rendered text first: HTML comments are
//!   removed; `:::image … alt-text="X" … :::` and `![X](…)` read as `X`; `[X](…)` reads as
//!   `X`; `<br>` and `&nbsp;` read as a space, other tags are dropped (their inner text
//!   kept), `&amp;`, `&lt;`, `&gt;` and `&quot;` read as the character; `*` and backticks
//!   are dropped; list, heading and block-quote markers and `[!TIP]`-style callouts at the
//!   start of a line are dropped; table cells are separated by spaces and table separator
//!   lines are empty.

use regex::Regex;
use std::sync::LazyLock;

/// Collapses whitespace runs to one space and trims.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

static COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").expect("regex"));
static IMAGE_BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#":::image\b[^\n]*?alt-text="([^"]*)"[^\n]*?:::"#).expect("regex")
});
static IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!\[([^\]]*)\]\([^)]*\)").expect("regex"));
static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("regex"));
static BREAK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>|&nbsp;").expect("regex"));
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"</?[A-Za-z][^>]*>").expect("regex"));
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?:#+|>|[-+*]|\d+\.)\s+|\[!\w+\]\s*|\[!div[^\]]*\]\s*)*").expect("regex")
});
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\s|:\-]*$").expect("regex"));

/// One line of Markdown as the text a reader sees (see the module's rule).
pub fn markdown_line(line: &str) -> String {
    if line.contains('|') && SEPARATOR.is_match(line) {
        return String::new();
    }
    let s = IMAGE_BLOCK.replace_all(line, "$1");
    let s = IMAGE.replace_all(&s, "$1");
    let s = LINK.replace_all(&s, "$1");
    let s = BREAK.replace_all(&s, " ");
    let s = TAG.replace_all(&s, "");
    let s = LEAD.replace(&s, "");
    let s = s
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace(['*', '`'], "")
        .replace('|', " ");
    squash(&s)
}

/// A place in a pinned text as its quotes are matched: a 1-based line and a byte offset
/// into that line's normalised text. Ordered as they come in the text.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Pos {
    /// The line, from 1.
    pub line: usize,
    /// Byte offset into the line's normalised text.
    pub col: usize,
}

/// A pinned text, line by line as its quotes are matched.
#[derive(Debug, Clone)]
pub struct Lines {
    lines: Vec<String>,
}

/// Lines a quote may run on over past its own.
const MAX_SPAN: usize = 40;

impl Lines {
    /// The normalised lines of `text` (Markdown when `markdown`).
    pub fn new(text: &str, markdown: bool) -> Self {
        let lines = if markdown {
            // Comments may span lines: remove them first, keeping the line breaks.
            let text = COMMENT.replace_all(text, |c: &regex::Captures| {
                "\n".repeat(c[0].matches('\n').count())
            });
            text.split('\n').map(markdown_line).collect()
        } else {
            text.split('\n').map(squash).collect()
        };
        Lines { lines }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True for an empty text.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Whether the normalised `quote` starts in 1-based line `line`, running on as far as
    /// it needs; the last line it reaches.
    pub fn matches_at(&self, quote: &str, line: usize) -> Option<usize> {
        self.match_range(quote, line).map(|(_, end)| end.line)
    }

    /// Where the normalised `quote` stands when it starts in 1-based line `line`: from its
    /// first character to just past its last ([`Pos`] in the normalised lines).
    pub fn match_range(&self, quote: &str, line: usize) -> Option<(Pos, Pos)> {
        let first = self.lines.get(line.checked_sub(1)?)?;
        if first.is_empty() || quote.is_empty() {
            return None;
        }
        let mut joined = first.clone();
        // (line, offset in `joined` where it starts), for every line joined so far.
        let mut starts = vec![(line, 0)];
        let mut next = line;
        loop {
            if let Some(i) = joined.find(quote)
                && i < first.len()
            {
                let end = i + quote.len();
                let &(end_line, at) = starts.iter().rev().find(|(_, s)| *s < end)?;
                return Some((
                    Pos { line, col: i },
                    Pos {
                        line: end_line,
                        col: end - at,
                    },
                ));
            }
            if joined.len() >= first.len() + quote.len() || next - line >= MAX_SPAN {
                return None;
            }
            let text = self.lines.get(next)?;
            next += 1;
            if !text.is_empty() {
                joined.push(' ');
                starts.push((next, joined.len()));
                joined.push_str(text);
            }
        }
    }

    /// Normalised line `line` (1-based).
    pub fn line(&self, line: usize) -> Option<&str> {
        self.lines.get(line.checked_sub(1)?).map(String::as_str)
    }

    /// The first line where the quote matches.
    pub fn find(&self, quote: &str) -> Option<usize> {
        (1..=self.lines.len()).find(|&l| self.matches_at(quote, l).is_some())
    }

    /// The passage most like `quote` (most words in common, over as many lines as the quote
    /// has words at most), with its first line.
    pub fn closest(&self, quote: &str) -> Option<(usize, String)> {
        let want: Vec<&str> = quote.split(' ').collect();
        // Most words in common, then the fewest words not in common.
        let mut best: Option<((usize, usize), usize, String)> = None;
        for start in 0..self.lines.len() {
            if self.lines[start].is_empty() {
                continue;
            }
            let mut passage = String::new();
            for l in self.lines[start..].iter().filter(|l| !l.is_empty()).take(3) {
                if !passage.is_empty() {
                    passage.push(' ');
                }
                passage.push_str(l);
                if passage.split(' ').count() >= want.len() {
                    break;
                }
            }
            let have: Vec<&str> = passage.split(' ').collect();
            let common = lcs(&want, &have).len();
            let score = (common, usize::MAX - (have.len() - common));
            if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                best = Some((score, start + 1, passage));
            }
        }
        best.filter(|(s, _, _)| s.0 > 0).map(|(_, l, p)| (l, p))
    }
}

/// Longest common subsequence of two word lists, as index pairs.
fn lcs(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut t = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if t[i + 1][j] >= t[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// A word diff of `quote` against `passage`: common words as they are, `[-word-]` for a
/// word of the quote the passage lacks, `{+word+}` for one the passage has instead.
pub fn word_diff(quote: &str, passage: &str) -> String {
    let a: Vec<&str> = quote.split(' ').collect();
    let b: Vec<&str> = passage.split(' ').collect();
    let common = lcs(&a, &b);
    // The passage from where the quote starts to overlap it.
    let (b_from, b_to) = (common.first().map_or(0, |f| f.1), b.len());
    let mut out = Vec::new();
    let (mut i, mut j) = (0, b_from);
    for &(ci, cj) in &common {
        out.extend(a[i..ci].iter().map(|w| format!("[-{w}-]")));
        out.extend(b[j..cj].iter().map(|w| format!("{{+{w}+}}")));
        out.push(a[ci].to_string());
        i = ci + 1;
        j = cj + 1;
    }
    out.extend(a[i..].iter().map(|w| format!("[-{w}-]")));
    out.extend(b[j.min(b_to)..b_to].iter().map(|w| format!("{{+{w}+}}")));
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_match_at_their_line_and_may_run_on() {
        let t = Lines::new(
            "Title\n\nClient install\n(with Microsoft Entra integration)\nPeer cache Not supported.\n",
            false,
        );
        assert_eq!(t.matches_at("Peer cache Not supported.", 5), Some(5));
        assert_eq!(
            t.matches_at("Client install (with Microsoft Entra integration)", 3),
            Some(4)
        );
        assert_eq!(t.matches_at("(with Microsoft Entra integration)", 3), None);
        assert_eq!(t.find("(with Microsoft Entra integration)"), Some(4));
        assert_eq!(t.matches_at("Peer cache Not supported.", 6), None);
        assert_eq!(t.matches_at("anything", 0), None);
        assert_eq!(
            t.match_range("install (with Microsoft", 3),
            Some((Pos { line: 3, col: 7 }, Pos { line: 4, col: 15 }))
        );
        assert_eq!(
            t.match_range("Not supported.", 5),
            Some((Pos { line: 5, col: 11 }, Pos { line: 5, col: 25 }))
        );
    }

    #[test]
    fn markdown_reads_as_rendered() {
        let row = r#"| Client install<br>(with [Microsoft Entra integration](../x.md)) | :::image type="content" source="media/green-check.png" border="false" alt-text="Supported."::: <sup>[Note&nbsp;1](#n)</sup> |"#;
        assert_eq!(
            markdown_line(row),
            "Client install (with Microsoft Entra integration) Supported. Note 1"
        );
        assert_eq!(markdown_line("|--|--|"), "");
        assert_eq!(markdown_line("> [!TIP]"), "");
        assert_eq!(
            markdown_line("> Starting in **2203**, `x`."),
            "Starting in 2203, x."
        );
        let t = Lines::new("a <!-- one\ntwo --> b\nc\n", true);
        assert_eq!(t.find("b c"), Some(2));
    }

    #[test]
    fn a_near_miss_shows_its_closest_passage_and_a_word_diff() {
        let t = Lines::new("x\nPeer cache Not supported.\ny\n", false);
        let (line, passage) = t.closest("Peer cache Supported.").unwrap();
        assert_eq!(line, 2);
        assert_eq!(
            word_diff("Peer cache Supported.", &passage),
            "Peer cache [-Supported.-] {+Not+} {+supported.+}"
        );
    }
}
