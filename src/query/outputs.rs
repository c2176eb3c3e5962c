//! Writing a knowledge base's `output` predicates, confined: a third-party `.kb` run through
//! `eval` must not write anywhere it likes. A declared `output P to "FILE"` may write only
//! inside the folder of the file that declares it, or inside the `--output` folder; an
//! absolute path or a `../` that leaves them (symbolic links followed) is refused, with the
//! declaration's place, unless the caller allows writing anywhere. Missing folders on the
//! way are created.

use super::KnowledgeBase;
use super::kb::{WrittenOutput, relative_to_declaring};
use crate::engine::facts::write_rows;
use crate::source::{Code, Diagnostic, io_reason};
use std::path::{Component, Path, PathBuf};

/// Where outputs may go.
#[derive(Debug, Clone, Copy, Default)]
pub struct OutputPolicy<'a> {
    /// `--output DIR`: also write every output (or every derived predicate) there.
    pub dir: Option<&'a Path>,
    /// Let declared outputs write outside their folder and `dir`.
    pub anywhere: bool,
}

/// `path` made absolute and without `.` or `..`, with the longest part of it that exists
/// resolved through symbolic links (so a link cannot lead out of a folder unseen).
fn resolved(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut clean = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    let mut existing = clean.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return clean,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

fn io(message: String) -> Diagnostic {
    Diagnostic::unplaced(Code::Io, message)
}

impl KnowledgeBase {
    /// Writes the `output` predicates to their files (relative to the declaring file) and,
    /// given `policy.dir`, to `DIR/PRED.tsv` — every derived predicate when none is declared.
    ///
    /// Errors: a declared file outside its folder and the output folder (nothing is written
    /// then), or a file that cannot be written (the ones before it are written).
    pub fn write_outputs(
        &self,
        policy: OutputPolicy<'_>,
    ) -> Result<Vec<WrittenOutput>, Diagnostic> {
        let outputs = &self.checked.program.outputs;
        let mut targets: Vec<(String, PathBuf)> = Vec::new();
        for d in outputs {
            let path = relative_to_declaring(&self.sources, d.span, &d.path);
            let declared_dir = relative_to_declaring(&self.sources, d.span, ".");
            let target = resolved(&path);
            let inside = target.starts_with(resolved(&declared_dir))
                || policy.dir.is_some_and(|o| target.starts_with(resolved(o)));
            if !inside && !policy.anywhere {
                return Err(Diagnostic::error(
                    Code::Io,
                    format!(
                        "`output {} to \"{}\"` would write outside the knowledge base's folder ({}): refused",
                        d.pred,
                        d.path,
                        resolved(&declared_dir).display()
                    ),
                    d.span,
                )
                .with_label("writes outside its folder")
                .with_help("write to a path inside the folder of this file (or inside the `--output` folder), or allow it with `eval --write-anywhere`"));
            }
            targets.push((d.pred.clone(), path));
        }
        if let Some(dir) = policy.dir {
            std::fs::create_dir_all(dir).map_err(|e| {
                io(format!(
                    "cannot create the folder {}: {}",
                    dir.display(),
                    io_reason(&e)
                ))
            })?;
            let mut preds: Vec<String> = outputs.iter().map(|d| d.pred.clone()).collect();
            if preds.is_empty() {
                preds = self
                    .checked
                    .preds
                    .values()
                    .filter(|p| p.rules > 0 && p.bound_args.is_empty())
                    .map(|p| p.name.clone())
                    .collect();
            }
            preds.dedup();
            targets.extend(preds.into_iter().map(|p| {
                let f = dir.join(format!("{p}.tsv"));
                (p, f)
            }));
        }
        let mut written = Vec::new();
        for (pred, path) in targets {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                if parent.exists() && !parent.is_dir() {
                    return Err(io(format!(
                        "cannot write `{pred}` to {}: {} is a file, not a folder",
                        path.display(),
                        parent.display()
                    )));
                }
                std::fs::create_dir_all(parent).map_err(|e| {
                    io(format!(
                        "cannot create the folder {} for `{pred}`: {}",
                        parent.display(),
                        io_reason(&e)
                    ))
                })?;
            }
            let rows = self.rows_of(&pred);
            write_rows(&path, &rows, &self.columns_of(&pred))?;
            written.push(WrittenOutput {
                pred,
                path,
                rows: rows.len(),
            });
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::resolved;
    use std::path::Path;

    #[test]
    fn paths_are_resolved_before_they_are_compared() {
        let dir = tempfile::tempdir().unwrap();
        let base = resolved(dir.path());
        assert!(resolved(&dir.path().join("a/../b/c.tsv")).starts_with(&base));
        assert!(!resolved(&dir.path().join("../c.tsv")).starts_with(&base));
        assert!(!resolved(Path::new("/tmp/../etc/x")).starts_with(&base));
    }
}
