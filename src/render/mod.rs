//! Stage 7 — render: answers as text (proof trees drawn as trees), tables (tabled) and JSON
//! (serde).

pub mod json;
pub mod markdown;
pub mod text;

/// Output formats of every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text; bindings as a table.
    #[default]
    Text,
    /// One JSON document per answer.
    Json,
    /// Markdown, for reviewers (answers and traces; other output falls back to text).
    Markdown,
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same folder, flushed to
/// disk, then renamed over `path`, so a crash or Ctrl-C mid-write leaves the old file whole.
/// A symbolic link is followed (its target is replaced, the link kept); the replaced file's
/// permissions are kept (a new file gets 0644).
///
/// Errors: `path` is a folder or a special file (device, FIFO, socket), its folder cannot be
/// written, the rename fails.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind, Write};
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    let existing = std::fs::metadata(&target).ok();
    if let Some(m) = &existing
        && !m.is_file()
    {
        let what = if m.is_dir() {
            "a folder"
        } else {
            "not a regular file"
        };
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{} is {what}", path.display()),
        ));
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| {
        Error::new(
            e.kind(),
            format!("cannot write in {}: {}", dir.display(), e.kind()),
        )
    })?;
    tmp.write_all(bytes)?;
    let permissions = match &existing {
        Some(m) => m.permissions(),
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::Permissions::from_mode(0o644)
            }
            #[cfg(not(unix))]
            {
                tmp.as_file().metadata()?.permissions()
            }
        }
    };
    tmp.as_file().set_permissions(permissions)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| {
        Error::new(
            e.error.kind(),
            format!("cannot replace {}: {}", path.display(), e.error.kind()),
        )
    })?;
    Ok(())
}

/// Writes `text` to standard output. A closed pipe (`supportkb … | head`) ends the process
/// quietly with success, as Unix tools do, instead of a panic.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        emit_err(&format!("error: cannot write to standard output: {e}\n"));
        std::process::exit(2);
    }
}

/// `println!` through [`emit`].
#[macro_export]
macro_rules! emit_line {
    ($($arg:tt)*) => {
        $crate::render::emit(&format!("{}\n", format!($($arg)*)))
    };
}

/// Writes `text` to standard error, ignoring a closed or broken stream (a diagnostic that
/// cannot be shown must not turn into a panic).
pub fn emit_err(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `eprintln!` through [`emit_err`].
#[macro_export]
macro_rules! err_line {
    ($($arg:tt)*) => {
        $crate::render::emit_err(&format!("{}\n", format!($($arg)*)))
    };
}
