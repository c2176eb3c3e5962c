//! Reading text files: one file, or every file with an extension below a folder, with the
//! checks that keep a bad path from hanging or exhausting the machine (directories, devices
//! and pipes, files over [`MAX_FILE_BYTES`], binary or non-UTF-8 content).

use super::{Code, Diagnostic};
use std::path::{Path, PathBuf};

/// A text with the name diagnostics show for it (a path, or a name such as `<query>`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceText {
    /// Path or name.
    pub name: String,
    /// Contents.
    pub text: String,
}

/// SHA-256 of `text`'s UTF-8 bytes, lowercase hex.
pub fn sha256(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Largest knowledge-base or query file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

fn io(message: String) -> Diagnostic {
    Diagnostic::unplaced(Code::Io, message)
}

/// The reason of an I/O error in plain words ("no such file or directory", not the standard
/// library's "entity not found").
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        AlreadyExists => "it already exists".into(),
        IsADirectory => "it is a folder".into(),
        NotADirectory => "a part of the path is not a folder".into(),
        ReadOnlyFilesystem => "the file system is read-only".into(),
        StorageFull => "no space left on the device".into(),
        _ => e.to_string(),
    }
}

/// Reads files with extension `ext`; a directory contributes every such file below it, in
/// path order. A file named twice (a folder given twice) is read once.
///
/// Errors ([`Code::Io`]): a missing or unreadable path, a directory with no such file, a
/// file [`read_text`] refuses.
pub fn read_paths(paths: &[PathBuf], ext: &str) -> Result<Vec<SourceText>, Diagnostic> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p)
            .map_err(|e| io(format!("cannot read {}: {}", p.display(), io_reason(&e))))?;
        if meta.is_dir() {
            let before = files.len();
            collect_files(p, ext, &mut files)
                .map_err(|e| io(format!("cannot read {}: {}", p.display(), io_reason(&e))))?;
            if files.len() == before {
                return Err(io(format!("{} holds no .{ext} file", p.display())));
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    files.iter().map(|f| read_text(f)).collect()
}

/// Reads one UTF-8 text file.
///
/// Errors ([`Code::Io`]): unreadable, a directory, not a regular file, over
/// [`MAX_FILE_BYTES`], binary (a NUL byte) or not UTF-8 (at its line and column).
pub fn read_text(path: &Path) -> Result<SourceText, Diagnostic> {
    if path.is_dir() {
        return Err(io(format!("{} is a directory, not a file", path.display())));
    }
    // Devices and pipes never end (or end nowhere useful): only regular files are read.
    if let Ok(m) = std::fs::metadata(path) {
        if !m.is_file() {
            return Err(io(format!("{} is not a regular file", path.display())));
        }
        if m.len() > MAX_FILE_BYTES {
            return Err(io(format!(
                "{} is {} MB; files over {} MB are not read (give large data as facts in TSV files: --facts)",
                path.display(),
                m.len() >> 20,
                MAX_FILE_BYTES >> 20
            )));
        }
    }
    let bytes = std::fs::read(path)
        .map_err(|e| io(format!("cannot read {}: {}", path.display(), io_reason(&e))))?;
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Err(io(format!(
            "{} looks binary (a NUL byte at offset {i}); expected a text file",
            path.display()
        )));
    }
    let text =
        String::from_utf8(bytes).map_err(|e| not_utf8(path, e.as_bytes(), e.utf8_error()))?;
    Ok(SourceText {
        name: path.display().to_string(),
        text,
    })
}

/// The error for a byte of `bytes` (the file `path`) that is not UTF-8: its 1-based line and
/// column (in characters) in the message, the line (lossily decoded) and a caret in the help.
fn not_utf8(path: &Path, bytes: &[u8], e: std::str::Utf8Error) -> Diagnostic {
    let at = e.valid_up_to();
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let line = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count();
    // The prefix up to the byte is valid UTF-8 (that is what `valid_up_to` says).
    let column = 1 + std::str::from_utf8(&bytes[start..at]).map_or(0, |p| p.chars().count());
    let shown = String::from_utf8_lossy(&bytes[start..end]).replace(['\t', '\r'], " ");
    let gutter = " ".repeat(line.to_string().len());
    let mut d = io(format!(
        "{}:{line}:{column}: byte 0x{:02X} is not UTF-8: save the file as UTF-8",
        path.display(),
        bytes[at]
    ));
    d.help = Some(format!(
        "{line} | {shown}\n{gutter} | {}^",
        " ".repeat(column - 1)
    ));
    d
}

/// Appends every file with extension `ext` below `dir` to `out`, in path order.
///
/// Errors: a folder that cannot be read.
pub fn collect_files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            collect_files(&e, ext, out)?;
        } else if e.extension().is_some_and(|x| x == ext) {
            out.push(e);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_inputs_are_errors_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("b.kb");
        std::fs::write(&bin, b"p(a).\0").unwrap();
        let bad = dir.path().join("u.kb");
        std::fs::write(&bad, b"p(\xff).").unwrap();
        let msg = |p: &Path| read_paths(&[p.to_path_buf()], "kb").unwrap_err().message;
        assert!(msg(&bin).contains("binary"));
        assert!(msg(&bad).contains("not UTF-8"));
        assert!(msg(&dir.path().join("missing.kb")).contains("no such file"));
        let empty = dir.path().join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        assert!(msg(&empty).contains("holds no .kb file"));
    }

    /// A byte that is not UTF-8 is named at its line and column, with the line and a caret
    /// under it (it was "invalid byte at offset 8", counted from the start of the file).
    #[test]
    fn a_byte_that_is_not_utf8_is_shown_at_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("u.kb");
        std::fs::write(&bad, b"p(a).\nq(\"\xc3\xa9\", \xff).\n").unwrap();
        let d = read_text(&bad).unwrap_err();
        assert_eq!(
            d.message,
            format!(
                "{}:2:8: byte 0xFF is not UTF-8: save the file as UTF-8",
                bad.display()
            )
        );
        assert_eq!(
            d.help.as_deref(),
            Some("2 | q(\"\u{e9}\", \u{fffd}).\n  |        ^")
        );
    }
}
