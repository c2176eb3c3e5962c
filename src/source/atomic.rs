//! Atomic writes: a file is replaced whole or not at all.

/// Writes `bytes` to `path` atomically: into a temporary file in the same folder, flushed to
/// disk, then renamed over `path`, so a crash or Ctrl-C mid-write leaves the old file whole.
/// A symbolic link is followed (its target is replaced, the link kept); the replaced file's
/// permissions are kept (a new file gets 0644).
///
/// Errors: `path` is a folder or a special file (device, FIFO, socket), a symbolic link to
/// nothing, in a folder that does not exist or cannot be written; the rename fails.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind, Write};
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).map_err(|_| {
            let to = std::fs::read_link(path).unwrap_or_default();
            Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "{} is a symbolic link to {}, which does not exist",
                    path.display(),
                    to.display()
                ),
            )
        })?,
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
    if !dir.is_dir() {
        let why = if dir.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("its folder {} {why}", dir.display()),
        ));
    }
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
