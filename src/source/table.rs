//! Rows of TSV and CSV files as text fields: TSV (tab-separated, fields verbatim, no quoting)
//! or CSV (RFC 4180 quoting), chosen by the file's extension (`.csv` is CSV, anything else
//! TSV). Rows stream from the reader; blank lines are no rows. What a field means is up to
//! the caller.

use super::{Code, Diagnostic, io_reason, write_atomic};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

/// Whether `path` is read and written as CSV (else TSV).
pub fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

fn input(message: String) -> Diagnostic {
    Diagnostic::unplaced(Code::Input, message)
}

/// Calls `f` with each row's 1-based line number and fields, until it returns `false`.
///
/// Errors ([`Code::Input`]): the file cannot be read, a line is not UTF-8, a CSV record is
/// malformed; and whatever `f` returns.
pub fn each_row(
    path: &Path,
    mut f: impl FnMut(u64, &[&str]) -> Result<bool, Diagnostic>,
) -> Result<(), Diagnostic> {
    use std::io::BufRead;
    let cannot =
        |e: &std::io::Error| input(format!("cannot read {}: {}", path.display(), io_reason(e)));
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    // A folder opens, then fails the first read as "Is a directory (os error 21)".
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(input(format!(
            "cannot read {}: it is a folder",
            path.display()
        )));
    }
    if is_csv(path) {
        let breaks = Rc::new(RefCell::new(VecDeque::new()));
        let quotes = Rc::new(std::cell::Cell::new(Quotes::default()));
        let counted = LineBreaks {
            inner: file,
            offset: 0,
            line_start: 0,
            pending_cr: None,
            breaks: Rc::clone(&breaks),
            quotes: Rc::clone(&quotes),
            field: Field::Start,
        };
        // A quote never closed makes the rest of the file one cell: the reader takes it
        // without a word, and the row's fields come out wrong, or silently right.
        let unclosed = || {
            let q = quotes.get();
            if !q.eof {
                return None;
            }
            let (line, _, col) = q.open.and_then(|_| unclosed_quote(path))?;
            Some(input(format!(
                "{}:{line}:{col}: {}",
                path.display(),
                unclosed_quote_message(line, col)
            )))
        };
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(counted);
        // One record, read into again and again: no allocation per row.
        let mut record = csv::StringRecord::new();
        let mut line = 1u64;
        // One vector of fields for every record, as for TSV below.
        let mut spare: Vec<&str> = Vec::new();
        loop {
            let mut fields = reuse(std::mem::take(&mut spare));
            let more = r.read_record(&mut record).map_err(|e| match e.kind() {
                csv::ErrorKind::Io(e) => cannot(e),
                _ => input(format!("{}: {e}", path.display())),
            })?;
            if !more {
                break;
            }
            // The reader skips blank lines itself; a record of one empty field is `""`. Its
            // own line count is off after blank lines and CRLF endings, so the line is one
            // more than the breaks before the record (its start may sit on the terminator
            // before it, or on the blank lines it skipped).
            let start = record.position().map_or(0, |p| p.byte());
            let mut b = breaks.borrow_mut();
            while b.front().is_some_and(|k| k.at <= start || k.empty) {
                b.pop_front();
                line += 1;
            }
            drop(b);
            if let Some(e) = unclosed() {
                return Err(e);
            }
            fields.extend(record.iter());
            let more = f(line, &fields)?;
            spare = reuse(fields);
            if !more {
                break;
            }
        }
        return Ok(());
    }
    let mut reader = std::io::BufReader::new(file);
    let mut buf = Vec::new();
    let mut line = 0u64;
    // One vector of fields for every row (no allocation per row): emptied after each row,
    // it keeps its room without keeping a borrow of the line.
    let mut spare: Vec<&str> = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| cannot(&e))?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        let text = std::str::from_utf8(&buf)
            .map_err(|_| input(format!("{}:{line}: not UTF-8 text", path.display())))?;
        let text = text.strip_suffix('\n').unwrap_or(text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.is_empty() {
            continue;
        }
        let mut fields = reuse(std::mem::take(&mut spare));
        fields.extend(text.split('\t'));
        let more = f(line, &fields)?;
        spare = reuse(fields);
        if !more {
            return Ok(());
        }
    }
}

/// An empty vector with the room of `v`, for borrows of another lifetime (collected in
/// place: no allocation).
fn reuse<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter().map(|_| "").collect()
}

/// What a CSV file's bytes have said of quotes so far: where the quote of the field being
/// read opened (`None`: not in a quoted field), and whether the end of the file was read.
#[derive(Clone, Copy, Default)]
struct Quotes {
    open: Option<u64>,
    eof: bool,
}

/// Where a CSV field is, byte by byte, as RFC 4180 reads it (the `csv` reader's defaults).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Field {
    /// At the start of a field: a `"` opens a quoted one.
    #[default]
    Start,
    /// In a field not quoted.
    Plain,
    /// In a quoted field.
    Quoted,
    /// Just after a `"` in a quoted field: another `"` is a quote mark, anything else ends
    /// the quoting.
    QuoteInQuoted,
}

impl Field {
    /// The state after byte `b`.
    fn after(self, b: u8) -> Field {
        match (self, b) {
            (Field::Start, b'"') | (Field::QuoteInQuoted, b'"') => Field::Quoted,
            (Field::Quoted, b'"') => Field::QuoteInQuoted,
            (Field::Quoted, _) => Field::Quoted,
            (_, b',' | b'\n' | b'\r') => Field::Start,
            _ => Field::Plain,
        }
    }
}

/// The line (1-based), the byte offset in it and the character column (1-based) of the
/// quote of a CSV file `path` that opens a field and is never closed, if there is one.
pub fn unclosed_quote(path: &Path) -> Option<(u64, usize, usize)> {
    let bytes = std::fs::read(path).ok()?;
    let (mut state, mut open) = (Field::Start, None);
    for (i, &b) in bytes.iter().enumerate() {
        let before = state;
        state = state.after(b);
        if before == Field::Start && state == Field::Quoted {
            open = Some(i);
        }
    }
    if state != Field::Quoted {
        return None;
    }
    let at = open?;
    let line_start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |p| p + 1);
    let line = 1 + bytes[..at]
        .iter()
        .enumerate()
        .filter(|&(k, &b)| b == b'\n' || (b == b'\r' && bytes.get(k + 1) != Some(&b'\n')))
        .count() as u64;
    let col = 1 + String::from_utf8_lossy(&bytes[line_start..at])
        .chars()
        .count();
    Some((line, at - line_start, col))
}

/// What is wrong with a quote opened at `line`:`col` and never closed.
pub fn unclosed_quote_message(line: u64, col: usize) -> String {
    format!(
        "the quote opened at {line}:{col} is never closed: the rest of the file would be one cell; end the cell with `\"`, or write a quote inside it as `\"\"`"
    )
}

/// A reader that notes every line break passing through it (`\n`, `\r\n`, or a lone `\r`):
/// where its terminator starts and whether the line it ends is empty.
struct LineBreaks<R> {
    inner: R,
    offset: u64,
    /// Where the current line starts.
    line_start: u64,
    /// The offset of a `\r` that ended the last read: a break unless a `\n` follows.
    pending_cr: Option<u64>,
    breaks: Rc<RefCell<VecDeque<Break>>>,
    /// The quoting of the bytes read so far.
    quotes: Rc<std::cell::Cell<Quotes>>,
    /// Where in a field the last byte read left off.
    field: Field,
}

/// One line break: the offset its terminator starts at, and whether its line is empty.
#[derive(Clone, Copy)]
struct Break {
    at: u64,
    empty: bool,
}

impl<R> LineBreaks<R> {
    /// Follows the quoting through `bytes`, the next ones read (none: the end of the file).
    fn track_quotes(&mut self, bytes: &[u8]) {
        let mut q = self.quotes.get();
        if bytes.is_empty() {
            q.eof = true;
            self.quotes.set(q);
            return;
        }
        let mut state = self.field;
        for (i, &b) in bytes.iter().enumerate() {
            let before = state;
            state = state.after(b);
            if before == Field::Start && state == Field::Quoted {
                q.open = Some(self.offset + i as u64);
            }
        }
        self.field = state;
        if state != Field::Quoted {
            q.open = None;
        }
        self.quotes.set(q);
    }

    fn push(&mut self, term_start: u64, next_line: u64) {
        let empty = term_start == self.line_start;
        self.breaks.borrow_mut().push_back(Break {
            at: term_start,
            empty,
        });
        self.line_start = next_line;
    }
}

impl<R: Read> Read for LineBreaks<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.track_quotes(&buf[..n]);
        let mut i = 0;
        if let Some(cr) = self.pending_cr.take() {
            if n > 0 && buf[0] == b'\n' {
                self.push(cr, cr + 2);
                i = 1;
            } else {
                self.push(cr, cr + 1);
            }
        }
        while i < n {
            let at = self.offset + i as u64;
            match buf[i] {
                b'\n' => self.push(at, at + 1),
                b'\r' if i + 1 == n => self.pending_cr = Some(at),
                b'\r' if buf[i + 1] == b'\n' => {
                    self.push(at, at + 2);
                    i += 1;
                }
                b'\r' => self.push(at, at + 1),
                _ => {}
            }
            i += 1;
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Writes rows of text fields to `path` atomically, TSV or CSV by extension.
///
/// Errors ([`Code::Io`]): the file cannot be written; a TSV field holding a tab or a line
/// break (it could not be read back verbatim; the caller encodes such values).
pub fn write_rows(path: &Path, rows: &[Vec<String>]) -> Result<(), Diagnostic> {
    let io = |m: String| Diagnostic::unplaced(Code::Io, m);
    let mut w = csv::WriterBuilder::new();
    // The marker line of an encoded file has one field, its rows any number.
    w.flexible(true);
    if !is_csv(path) {
        w.delimiter(b'\t').quote_style(csv::QuoteStyle::Never);
    }
    let mut out = w.from_writer(Vec::new());
    for fields in rows {
        if !is_csv(path)
            && let Some(f) = fields.iter().find(|f| f.contains(['\t', '\n', '\r']))
        {
            return Err(io(format!(
                "{}: the value {f:?} holds a tab or line break; write CSV (.csv) instead",
                path.display()
            )));
        }
        out.write_record(fields)
            .map_err(|e| io(format!("{}: {e}", path.display())))?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| io(format!("{}: {e}", path.display())))?;
    write_atomic(path, &bytes).map_err(|e| {
        io(format!(
            "cannot write {}: {}",
            path.display(),
            io_reason(&e)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(name: &str, text: &str) -> Vec<(u64, Vec<String>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let mut out = Vec::new();
        each_row(&path, |line, fields| {
            out.push((line, fields.iter().map(|f| f.to_string()).collect()));
            Ok(true)
        })
        .unwrap();
        out
    }

    #[test]
    fn csv_lines_are_physical_lines_whatever_the_line_ending() {
        // Windows exports end lines in CRLF; a cited line must be the row's own line.
        for eol in ["\n", "\r\n", "\r"] {
            let text = format!("id,name{eol}1,a{eol}{eol}2,\"b{eol}c\"{eol}3,d{eol}");
            let lines: Vec<u64> = lines_of("t.csv", &text).iter().map(|r| r.0).collect();
            assert_eq!(lines, [1, 2, 4, 6], "{eol:?}");
        }
    }

    #[test]
    fn a_crlf_split_between_two_reads_is_one_break() {
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let Some((&b, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = b;
                self.0 = rest;
                Ok(1)
            }
        }
        let breaks = Rc::new(RefCell::new(VecDeque::new()));
        let mut r = LineBreaks {
            inner: OneByte(b"a\r\n\r\nb\rc\n"),
            offset: 0,
            line_start: 0,
            pending_cr: None,
            breaks: Rc::clone(&breaks),
            quotes: Rc::default(),
            field: Field::Start,
        };
        std::io::copy(&mut r, &mut std::io::sink()).unwrap();
        let got: Vec<(u64, bool)> = breaks.borrow().iter().map(|k| (k.at, k.empty)).collect();
        assert_eq!(got, [(1, false), (3, true), (6, false), (8, false)]);
    }

    #[test]
    fn tsv_lines_count_crlf_once() {
        let rows = lines_of("t.tsv", "a\tb\r\n\r\nc\td\r\n");
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(rows[1].1, ["c", "d"]);
    }
}
