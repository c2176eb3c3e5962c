//! A place in a data file (CSV or TSV) for a diagnostic: one line, a byte range in it and
//! the lines either side, read again only when there is an error, so a large file is never
//! kept whole. [`Excerpt::add_to`] turns it into a text of a [`SourceMap`] whose lines are
//! numbered as the file's, so the diagnostic renders as `clients.csv:7:23` with the line
//! shown and a caret under the cell.

use super::table::is_csv;
use super::{SourceMap, Span};
use std::io::BufRead;
use std::path::Path;

/// What of a line an excerpt points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The whole line (a header lacking a column).
    Line,
    /// Field `n` (0-based) of the row starting on the line; past the last field: the end of
    /// the line.
    Field(usize),
    /// The byte at this offset in the line (a byte that is not UTF-8).
    Byte(usize),
}

/// One line of a data file with a byte range in it, and its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// The file's path as shown.
    pub name: String,
    /// 1-based line number.
    pub line: u64,
    /// The line before, if any.
    pub before: Option<String>,
    /// The line itself, without its terminator or a byte order mark (bytes that are not
    /// UTF-8 shown as `U+FFFD`).
    pub text: String,
    /// The line after, if any.
    pub after: Option<String>,
    /// Byte range in `text` pointed at.
    pub start: usize,
    /// End of that range (exclusive).
    pub end: usize,
    /// The 0-based field the range starts in (counted by separators outside quotes).
    pub field: usize,
}

/// Line `line` (1-based) of `path` and the range `target` names in it; `None` when the file
/// cannot be read or is shorter (an empty file gives an empty line 1).
pub fn excerpt(path: &Path, line: u64, target: Target) -> Option<Excerpt> {
    let file = std::fs::File::open(path).ok()?;
    let mut reader = std::io::BufReader::new(file);
    let mut buf = Vec::new();
    let (mut before, mut text, mut after) = (None, None, None);
    let mut n = 0u64;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).ok()? == 0 {
            break;
        }
        n += 1;
        let mut shown = String::from_utf8_lossy(&buf).into_owned();
        while shown.ends_with(['\n', '\r']) {
            shown.pop();
        }
        if n + 1 == line {
            before = Some(shown);
        } else if n == line {
            text = Some((shown, buf.clone()));
        } else if n == line + 1 {
            after = Some(shown);
            break;
        }
    }
    let (mut text, mut raw) = match text {
        Some(t) => t,
        None if line == 1 => (String::new(), Vec::new()),
        None => return None,
    };
    let bom = line == 1 && text.starts_with('\u{feff}');
    if bom {
        text.drain(..3);
        raw.drain(..3);
    }
    if let Some(b) = before.as_mut().filter(|b| b.starts_with('\u{feff}')) {
        b.drain(..3);
    }
    let bounds = fields(&raw, if is_csv(path) { b',' } else { b'\t' });
    let (start, end, field) = match target {
        Target::Line => (0, text.len(), 0),
        Target::Field(k) => match bounds.get(k) {
            Some(&(s, e)) => (s, e, k),
            None => (text.len(), text.len(), k),
        },
        Target::Byte(b) => {
            let b = b.saturating_sub(if bom { 3 } else { 0 }).min(text.len());
            let width = text[b..].chars().next().map_or(0, char::len_utf8);
            let field = bounds.iter().position(|&(_, e)| b <= e).unwrap_or(0);
            (b, b + width, field)
        }
    };
    // Offsets in the raw line hold in the shown one up to the first invalid byte.
    let clamp = |i: usize| floor_boundary(&text, i.min(text.len()));
    Some(Excerpt {
        name: path.display().to_string(),
        line,
        before,
        start: clamp(start),
        end: clamp(end),
        text,
        after,
        field,
    })
}

/// The byte range of each field of a raw line, separated by `sep` outside double quotes.
fn fields(raw: &[u8], sep: u8) -> Vec<(usize, usize)> {
    let mut len = raw.len();
    while len > 0 && matches!(raw[len - 1], b'\n' | b'\r') {
        len -= 1;
    }
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, &b) in raw[..len].iter().enumerate() {
        if b == b'"' && sep == b',' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            out.push((start, i));
            start = i + 1;
        }
    }
    out.push((start, len));
    out
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Excerpt {
    /// Adds the excerpt to `sources` as a text named after the file, whose lines carry the
    /// file's numbers (the lines not kept are empty); returns the span of its range.
    pub fn add_to(&self, sources: &mut SourceMap) -> Span {
        let mut text = String::new();
        let first = self.line - 1 - u64::from(self.before.is_some());
        text.extend(std::iter::repeat_n('\n', first as usize));
        if let Some(b) = &self.before {
            text.push_str(b);
            text.push('\n');
        }
        let at = text.len();
        text.push_str(&self.text);
        text.push('\n');
        if let Some(a) = &self.after {
            text.push_str(a);
            text.push('\n');
        }
        // A tab is shown as one space: the renderer widens a tab to several columns, and
        // the caret would then stand right of the column the header names (TSV files).
        let file = sources.add(self.name.clone(), text.replace('\t', " "));
        Span::new(file, at + self.start, at + self.end)
    }
}

/// The first byte of `path` that is not UTF-8: its 1-based line, its offset in the line and
/// its value.
pub fn first_non_utf8(path: &Path) -> Option<(u64, usize, u8)> {
    let file = std::fs::File::open(path).ok()?;
    let mut reader = std::io::BufReader::new(file);
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).ok()? == 0 {
            return None;
        }
        line += 1;
        if let Err(e) = std::str::from_utf8(&buf) {
            return Some((line, e.valid_up_to(), buf[e.valid_up_to()]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_points_at_a_field_and_keeps_the_files_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        std::fs::write(&path, "\u{feff}id,name\r\n1,\"a, b\"\r\n2,c\r\n").unwrap();
        let e = excerpt(&path, 2, Target::Field(1)).unwrap();
        assert_eq!((e.text.as_str(), e.start, e.end), ("1,\"a, b\"", 2, 8));
        assert_eq!(e.before.as_deref(), Some("id,name"));
        let past = excerpt(&path, 3, Target::Field(5)).unwrap();
        assert_eq!((past.start, past.end), (3, 3));
        let head = excerpt(&path, 1, Target::Field(1)).unwrap();
        assert_eq!((head.text.as_str(), head.start), ("id,name", 3));
        let mut sources = SourceMap::default();
        let span = e.add_to(&mut sources);
        assert_eq!(
            sources.location(span).to_string(),
            format!("{}:2:3", e.name)
        );
    }

    #[test]
    fn a_byte_that_is_not_utf8_is_found_with_its_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        std::fs::write(&path, b"id,name\n1,ab\xe9c\n").unwrap();
        assert_eq!(first_non_utf8(&path), Some((2, 4, 0xe9)));
        let e = excerpt(&path, 2, Target::Byte(4)).unwrap();
        assert_eq!((e.start, e.end, e.field), (4, 7, 1));
    }
}
