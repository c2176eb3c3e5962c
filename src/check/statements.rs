//! A pinned text split into statements: what `supportkb coverage` counts and `search` finds.
//!
//! # What this produces
//! [`split`] gives every [`Statement`] of a text in order, each with its [`StatementKind`]
//! and where it stands in the normalised lines quotes are matched against
//! ([`super::quotes`]), so a citation's quote can be told which statements it spans.
//!
//! # The strategy
//! Lines are grouped into blocks (runs of non-empty normalised lines) and each block is
//! classified:
//! - Markdown (`.md`): front matter (`---` … `---` at the top) is metadata, a line per
//!   field; `#` lines are headings; `|` lines are table rows, the first of a table its
//!   header; list items (`-`, `*`, `+`, `1.`) are split into sentences, except an item that
//!   is only a link (a *link list*); block quotes that open with `[!div …]` are navigation;
//!   other blocks are paragraphs, split into sentences.
//! - Plain text: a block of three lines or more, most of them short, is a table: each line
//!   a row, a line that opens with `(` continuing the row above, the first line the header
//!   when it ends in no punctuation; a line opening with a bullet (`•`, `-`, `*`) is a list
//!   item; a lone short line ending in no punctuation is a heading; anything else is a
//!   paragraph.
//! - Under a heading such as "Next steps", "See also" or "Related content", what follows up
//!   to the next heading is navigation.
//!
//! Sentences end at `.`, `!` or `?` followed by a space and a capital letter or a digit,
//! unless the word ending there is a common abbreviation ("e.g.", "vs.").

use super::quotes::{Lines, Pos};
use serde::Serialize;

/// What kind of statement.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// A title or section heading.
    Heading,
    /// A sentence of a paragraph.
    Sentence,
    /// A sentence of a list item.
    ListItem,
    /// The header row of a table.
    TableHeader,
    /// A row of a table.
    TableRow,
    /// A list item that is only a link to elsewhere.
    LinkList,
    /// Text that leads elsewhere ("Next steps", a "next step" button).
    Navigation,
    /// Page metadata (Markdown front matter).
    Metadata,
}

impl StatementKind {
    /// The kind in words, as reports show it.
    pub fn label(self) -> &'static str {
        match self {
            StatementKind::Heading => "heading",
            StatementKind::Sentence => "sentence",
            StatementKind::ListItem => "list item",
            StatementKind::TableHeader => "table header",
            StatementKind::TableRow => "table row",
            StatementKind::LinkList => "link list",
            StatementKind::Navigation => "navigation",
            StatementKind::Metadata => "metadata",
        }
    }
}

/// One statement of a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Statement {
    /// What kind.
    pub kind: StatementKind,
    /// Its normalised text.
    pub text: String,
    /// Where it starts.
    pub from: Pos,
    /// Just past its end.
    pub to: Pos,
}

impl Statement {
    /// Its first line.
    pub fn line(&self) -> usize {
        self.from.line
    }

    /// Its last line.
    pub fn end_line(&self) -> usize {
        self.to.line
    }

    /// Whether the text from `from` to `to` overlaps it.
    pub fn overlaps(&self, from: Pos, to: Pos) -> bool {
        from < self.to && self.from < to
    }

    /// Whether the text from `from` to `to` covers all of it.
    pub fn within(&self, from: Pos, to: Pos) -> bool {
        from <= self.from && self.to <= to
    }
}

/// Headings whose section only leads elsewhere.
const NAVIGATION_HEADINGS: &[&str] = &[
    "next steps",
    "see also",
    "related content",
    "related articles",
    "additional resources",
    "more information",
];

/// Words a sentence does not end after.
const ABBREVIATIONS: &[&str] = &[
    "e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "no.", "mr.", "ms.", "dr.", "fig.",
];

/// The statements of `raw` (the text as read; `lines` its normalised lines), in order.
pub fn split(raw: &str, lines: &Lines, markdown: bool) -> Vec<Statement> {
    let raw_lines: Vec<&str> = raw.split('\n').collect();
    let mut out = Vec::new();
    let mut navigation = false;
    let mut n = 1;
    let front_matter = if markdown {
        front_matter(&raw_lines, lines)
    } else {
        None
    };
    while n <= lines.len() {
        let Some(text) = lines.line(n).filter(|t| !t.is_empty()) else {
            n += 1;
            continue;
        };
        if let Some((start, end)) = front_matter
            && (start..=end).contains(&n)
        {
            if n != start && n != end {
                out.push(whole_line(StatementKind::Metadata, n, text));
            }
            n += 1;
            continue;
        }
        let raw_line = raw_lines.get(n - 1).copied().unwrap_or("").trim_start();
        let block = block_end(lines, n, markdown.then_some(&raw_lines[..]));
        let before = out.len();
        if markdown {
            markdown_block(&raw_lines, lines, n, block, &mut out);
        } else {
            text_block(raw_line, lines, n, block, &mut out);
        }
        for s in &mut out[before..] {
            if s.kind == StatementKind::Heading {
                navigation = NAVIGATION_HEADINGS.contains(&s.text.to_lowercase().as_str());
            } else if navigation {
                s.kind = StatementKind::Navigation;
            }
        }
        n = block + 1;
    }
    out
}

/// The lines of Markdown front matter (both `---` lines), when the text opens with it.
fn front_matter(raw: &[&str], lines: &Lines) -> Option<(usize, usize)> {
    let start = (1..=lines.len()).find(|&n| lines.line(n).is_some_and(|t| !t.is_empty()))?;
    if raw.get(start - 1)?.trim() != "---" {
        return None;
    }
    let end = (start + 1..=raw.len()).find(|&n| raw[n - 1].trim() == "---")?;
    Some((start, end))
}

/// The last line of the block starting at `n`. In Markdown a block also ends where the
/// kind of line changes (a table after a paragraph, a heading, a new list item).
fn block_end(lines: &Lines, n: usize, raw: Option<&[&str]>) -> usize {
    let mut end = n;
    let shape = |l: usize| raw.map(|r| line_shape(r.get(l - 1).copied().unwrap_or("")));
    // A table's separator line reads as empty, yet the table goes on past it.
    let goes_on = |l: usize| {
        lines.line(l).is_some_and(|t| !t.is_empty())
            || (l <= lines.len()
                && shape(l) == Some(Shape::Table)
                && shape(n) == Some(Shape::Table))
    };
    while goes_on(end + 1) {
        if let Some(raw) = raw {
            let shape = |l: usize| line_shape(raw.get(l - 1).copied().unwrap_or(""));
            let next = shape(end + 1);
            if next != shape(n) || matches!(next, Shape::Heading | Shape::Item) {
                break;
            }
        }
        end += 1;
    }
    end
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Heading,
    Table,
    Item,
    Quote,
    Plain,
}

fn line_shape(raw: &str) -> Shape {
    let t = raw.trim_start();
    if t.starts_with('#') {
        Shape::Heading
    } else if t.starts_with('|') {
        Shape::Table
    } else if t.starts_with('>') {
        Shape::Quote
    } else if list_marker(t).is_some() {
        Shape::Item
    } else {
        Shape::Plain
    }
}

/// The rest of a list item's line after its marker.
fn list_marker(t: &str) -> Option<&str> {
    for m in ["- ", "* ", "+ ", "• ", "· "] {
        if let Some(rest) = t.strip_prefix(m) {
            return Some(rest);
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        return t[digits..].strip_prefix(". ");
    }
    None
}

fn whole_line(kind: StatementKind, n: usize, text: &str) -> Statement {
    Statement {
        kind,
        text: text.to_string(),
        from: Pos { line: n, col: 0 },
        to: Pos {
            line: n,
            col: text.len(),
        },
    }
}

fn markdown_block(raw: &[&str], lines: &Lines, n: usize, end: usize, out: &mut Vec<Statement>) {
    let raw_line = raw.get(n - 1).copied().unwrap_or("").trim_start();
    match line_shape(raw_line) {
        Shape::Heading => {
            for l in n..=end {
                push_line(lines, l, StatementKind::Heading, out);
            }
        }
        Shape::Table => {
            let mut first = true;
            for l in n..=end {
                let kind = if first {
                    StatementKind::TableHeader
                } else {
                    StatementKind::TableRow
                };
                first &= !push_line(lines, l, kind, out);
            }
        }
        // `> [!div …]` reads as empty: the quote's opening line is the one above.
        Shape::Quote
            if raw_line.contains("[!div")
                || n >= 2 && raw.get(n - 2).is_some_and(|r| r.contains("[!div")) =>
        {
            for l in n..=end {
                push_line(lines, l, StatementKind::Navigation, out);
            }
        }
        Shape::Item if only_a_link(list_marker(raw_line).unwrap_or("")) => {
            push_line(lines, n, StatementKind::LinkList, out);
        }
        Shape::Item => sentences(lines, n, end, StatementKind::ListItem, out),
        Shape::Quote | Shape::Plain => sentences(lines, n, end, StatementKind::Sentence, out),
    }
}

/// Whether a list item's text is one link and nothing else.
fn only_a_link(item: &str) -> bool {
    let t = item.trim();
    t.starts_with('[') && t.ends_with(')') && t.matches("](").count() == 1
}

fn text_block(raw_line: &str, lines: &Lines, n: usize, end: usize, out: &mut Vec<Statement>) {
    let count = end - n + 1;
    let short = (n..end)
        .filter(|&l| lines.line(l).is_some_and(|t| t.len() < 60))
        .count();
    if count >= 3 && short * 2 > count - 1 {
        return table(lines, n, end, out);
    }
    if count == 1 && list_marker(raw_line).is_some() {
        return sentences(lines, n, end, StatementKind::ListItem, out);
    }
    let text = lines.line(n).unwrap_or("");
    if count == 1 && !ends_in_punctuation(text) && text.split(' ').count() <= 10 {
        push_line(lines, n, StatementKind::Heading, out);
        return;
    }
    sentences(lines, n, end, StatementKind::Sentence, out);
}

fn ends_in_punctuation(text: &str) -> bool {
    text.ends_with(['.', ':', '?', '!', ';'])
}

/// A plain-text table: a row per line, a line opening with `(` continuing the row above.
fn table(lines: &Lines, n: usize, end: usize, out: &mut Vec<Statement>) {
    let mut l = n;
    while l <= end {
        let mut last = l;
        while last < end && lines.line(last + 1).is_some_and(|t| t.starts_with('(')) {
            last += 1;
        }
        let text: Vec<&str> = (l..=last).filter_map(|x| lines.line(x)).collect();
        let text = text.join(" ");
        let header = l == n && !ends_in_punctuation(&text) && last == l;
        out.push(Statement {
            kind: if header {
                StatementKind::TableHeader
            } else {
                StatementKind::TableRow
            },
            to: Pos {
                line: last,
                col: lines.line(last).map_or(0, str::len),
            },
            from: Pos { line: l, col: 0 },
            text,
        });
        l = last + 1;
    }
}

/// Pushes line `l` whole as one statement; false when it is empty.
fn push_line(lines: &Lines, l: usize, kind: StatementKind, out: &mut Vec<Statement>) -> bool {
    match lines.line(l).filter(|t| !t.is_empty()) {
        Some(t) => {
            out.push(whole_line(kind, l, t));
            true
        }
        None => false,
    }
}

/// The sentences of lines `n..=end`, joined as quotes join them.
fn sentences(lines: &Lines, n: usize, end: usize, kind: StatementKind, out: &mut Vec<Statement>) {
    let mut joined = String::new();
    // (line, where it starts in `joined`)
    let mut starts = Vec::new();
    for l in n..=end {
        let Some(t) = lines.line(l).filter(|t| !t.is_empty()) else {
            continue;
        };
        if !joined.is_empty() {
            joined.push(' ');
        }
        starts.push((l, joined.len()));
        joined.push_str(t);
    }
    let pos = |at: usize, end: bool| {
        let &(line, s) = starts
            .iter()
            .rev()
            .find(|(_, s)| if end { *s < at } else { *s <= at })
            .unwrap_or(&starts[0]);
        Pos { line, col: at - s }
    };
    // A list item's bullet is not part of its first sentence.
    let mut from = match kind {
        StatementKind::ListItem => {
            joined.len() - list_marker(&joined).map_or(joined.len(), str::len)
        }
        _ => 0,
    };
    let first = from;
    for cut in sentence_ends(&joined).into_iter().filter(|&c| c > first) {
        out.push(Statement {
            kind,
            text: joined[from..cut].to_string(),
            from: pos(from, false),
            to: pos(cut, true),
        });
        from = cut + 1;
    }
    if from < joined.len() {
        out.push(Statement {
            kind,
            text: joined[from..].to_string(),
            from: pos(from, false),
            to: pos(joined.len(), true),
        });
    }
}

/// Byte offsets just past each sentence's end, except the last sentence's.
fn sentence_ends(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?') || bytes.get(i + 1) != Some(&b' ') {
            continue;
        }
        let next = text[i + 2..].chars().next();
        if !next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit()) {
            continue;
        }
        let word_start = text[..i].rfind(' ').map_or(0, |s| s + 1);
        let word = text[word_start..=i].to_lowercase();
        if ABBREVIATIONS.contains(&word.as_str()) {
            continue;
        }
        out.push(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, markdown: bool) -> Vec<(usize, StatementKind, String)> {
        let lines = Lines::new(text, markdown);
        split(text, &lines, markdown)
            .into_iter()
            .map(|s| (s.line(), s.kind, s.text))
            .collect()
    }

    #[test]
    fn plain_text_headings_lists_tables_and_sentences() {
        let text = "Title\n\nIntro one. Intro two, e.g. this.\n\n  • Item one. Item two.\n\nFeature Support\nPeer cache Not supported.\nClient install\n(with token authentication)\nA = B\n\nNext steps\n\nGo on:\n";
        use StatementKind::*;
        assert_eq!(
            kinds(text, false),
            vec![
                (1, Heading, "Title".into()),
                (3, Sentence, "Intro one.".into()),
                (3, Sentence, "Intro two, e.g. this.".into()),
                (5, ListItem, "Item one.".into()),
                (5, ListItem, "Item two.".into()),
                (7, TableHeader, "Feature Support".into()),
                (8, TableRow, "Peer cache Not supported.".into()),
                (
                    9,
                    TableRow,
                    "Client install (with token authentication)".into()
                ),
                (11, TableRow, "A = B".into()),
                (13, Heading, "Next steps".into()),
                (15, Navigation, "Go on:".into()),
            ]
        );
    }

    #[test]
    fn a_statement_knows_where_it_stands() {
        let text = "Table\nFeature Support\nClient install\n(with token authentication)\nPeer cache Not supported.\n";
        let lines = Lines::new(text, false);
        let s = split(text, &lines, false);
        let row = &s[2];
        assert_eq!((row.line(), row.end_line()), (3, 4));
        let (from, to) = lines.match_range("(with token authentication)", 4).unwrap();
        assert!(row.overlaps(from, to) && !row.within(from, to));
        let (from, to) = lines
            .match_range("Client install (with token authentication)", 3)
            .unwrap();
        assert!(row.within(from, to));
        assert!(!s[3].overlaps(from, to));
    }

    #[test]
    fn markdown_structure() {
        let text = "<!-- c -->\n---\ntitle: T\n---\n\n# Head\n\n- [A link](x.md)\n\n- Text [with](y) link. Two.\n\n| Feature | Support |\n|--|--|\n| Peer cache | No |\n\n> [!TIP]\n> Tip one.\n\n> [!div class=\"nextstepaction\"]\n> [Go](z.md)\n";
        use StatementKind::*;
        assert_eq!(
            kinds(text, true),
            vec![
                (3, Metadata, "title: T".into()),
                (6, Heading, "Head".into()),
                (8, LinkList, "A link".into()),
                (10, ListItem, "Text with link.".into()),
                (10, ListItem, "Two.".into()),
                (12, TableHeader, "Feature Support".into()),
                (14, TableRow, "Peer cache No".into()),
                (17, Sentence, "Tip one.".into()),
                (20, Navigation, "Go".into()),
            ]
        );
    }
}
