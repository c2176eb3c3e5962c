//! Rows of TSV and CSV files as text fields: TSV (tab-separated, fields verbatim, no quoting)
//! or CSV (RFC 4180 quoting), chosen by the file's extension (`.csv` is CSV, anything else
//! TSV). Rows stream from the reader; blank lines are no rows. What a field means is up to
//! the caller.

use super::{Code, Diagnostic, io_reason, write_atomic};
use std::path::Path;

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
    mut f: impl FnMut(u64, Vec<&str>) -> Result<bool, Diagnostic>,
) -> Result<(), Diagnostic> {
    use std::io::BufRead;
    let file = std::fs::File::open(path)
        .map_err(|e| input(format!("cannot read {}: {}", path.display(), io_reason(&e))))?;
    if is_csv(path) {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(file);
        // One record, read into again and again: no allocation per row.
        let mut record = csv::StringRecord::new();
        for i in 0u64.. {
            let more = r
                .read_record(&mut record)
                .map_err(|e| input(format!("{}: {e}", path.display())))?;
            if !more {
                break;
            }
            // The reader skips blank lines itself; a record of one empty field is `""`.
            let line = record.position().map_or(i + 1, |p| p.line());
            if !f(line, record.iter().collect())? {
                break;
            }
        }
        return Ok(());
    }
    let mut reader = std::io::BufReader::new(file);
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| input(format!("cannot read {}: {}", path.display(), io_reason(&e))))?;
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
        if !f(line, text.split('\t').collect())? {
            return Ok(());
        }
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
