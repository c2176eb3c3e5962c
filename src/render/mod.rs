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
///
/// Errors: the folder cannot be written, the rename fails.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
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
        eprintln!("error: cannot write to standard output: {e}");
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
