//! Which query files and checks a suite runs: every `.kbq` under the paths given, less the
//! folders that opt out (a [`SKIP_MARKER`] file in them) and the paths `--ignore GLOB`
//! names; of those, with `--run PATTERN`, only the queries whose text or file the pattern
//! matches.
//!
//! Globs (`*`, `?`, `[…]`, `**`) follow Git's: one without a `/` matches the name of the file
//! or of any folder above it (`fixtures`, `*.slow.kbq`); one with a `/` matches the path from
//! where the suite was started, leading `./` left out, or a folder on it (`tests/cases`,
//! `**/broken/*.kbq`). `*` does not cross a `/`; `**` does.

use crate::source::{Code, Diagnostic, io_reason};
use globset::{GlobBuilder, GlobMatcher};
use regex::Regex;
use std::path::{Component, Path, PathBuf};

/// A folder holding a file of this name is left out when a suite walks the folders above it
/// (its content is not read); a folder named on the command line runs all the same.
pub const SKIP_MARKER: &str = ".supportkb-skip";

/// One `--ignore` glob: matched against names (no `/` in it) or against paths.
#[derive(Debug, Clone)]
struct Ignore {
    matcher: GlobMatcher,
    by_name: bool,
}

/// What a suite runs: files not ignored, and of them the queries `--run` selects.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    ignore: Vec<Ignore>,
    run: Option<Regex>,
}

impl Selection {
    /// The selection of `--ignore` globs and a `--run` regular expression.
    ///
    /// Errors: a glob or a pattern that does not parse (input error, naming its flag).
    pub fn new(ignore: &[String], run: Option<&str>) -> Result<Selection, Diagnostic> {
        let ignore = ignore
            .iter()
            .map(|g| {
                let glob = GlobBuilder::new(g.trim_end_matches('/'))
                    .literal_separator(true)
                    .build()
                    .map_err(|e| {
                        Diagnostic::unplaced(Code::Input, format!("--ignore {g}: {}", e.kind()))
                    })?;
                Ok(Ignore {
                    matcher: glob.compile_matcher(),
                    by_name: !g.trim_end_matches('/').contains('/'),
                })
            })
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        let run = run
            .map(|p| {
                Regex::new(p).map_err(|e| {
                    Diagnostic::unplaced(
                        Code::Input,
                        format!("--run {p}: not a regular expression: {e}"),
                    )
                })
            })
            .transpose()?;
        Ok(Selection { ignore, run })
    }

    /// Whether an `--ignore` glob matches `path`, or a folder on it.
    pub fn ignores(&self, path: &Path) -> bool {
        let names: Vec<String> = path
            .components()
            .filter_map(|c| match c {
                Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        self.ignore.iter().any(|g| {
            if g.by_name {
                names.iter().any(|n| g.matcher.is_match(n))
            } else {
                (1..=names.len()).any(|k| g.matcher.is_match(names[..k].join("/")))
            }
        })
    }

    /// Whether the query `query` of the file shown as `file` runs: always without `--run`,
    /// else when the pattern matches either.
    pub fn selects(&self, file: &str, query: &str) -> bool {
        self.run
            .as_ref()
            .is_none_or(|re| re.is_match(file) || re.is_match(query))
    }

    /// The `--run` pattern, if any.
    pub fn run_pattern(&self) -> Option<&str> {
        self.run.as_ref().map(Regex::as_str)
    }
}

/// Every `.kbq` file under `paths` (folders recursively, in path order) that `selection`
/// does not ignore; a folder below a given path with a [`SKIP_MARKER`] file is left out.
///
/// Errors: a path that does not exist or cannot be read, or no `.kbq` file at all.
pub fn collect_query_files(
    paths: &[PathBuf],
    selection: &Selection,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let io = |p: &Path, e: std::io::Error| {
        Diagnostic::unplaced(
            Code::Io,
            format!("cannot read {}: {}", p.display(), io_reason(&e)),
        )
    };
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| io(p, e))?;
        if meta.is_dir() {
            walk(p, selection, &mut out).map_err(|e| io(p, e))?;
        } else if !selection.ignores(p) {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        let ignored = if selection.ignore.is_empty() {
            ""
        } else {
            " that --ignore leaves"
        };
        return Err(Diagnostic::unplaced(
            Code::Io,
            format!("no .kbq query file{ignored} under {}", shown.join(", ")),
        ));
    }
    Ok(out)
}

fn walk(dir: &Path, selection: &Selection, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for e in entries {
        if selection.ignores(&e) {
            continue;
        }
        if e.is_dir() {
            if !e.join(SKIP_MARKER).exists() {
                walk(&e, selection, out)?;
            }
        } else if e.extension().is_some_and(|x| x == "kbq") {
            out.push(e);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignores(globs: &[&str], path: &str) -> bool {
        let globs: Vec<String> = globs.iter().map(|g| g.to_string()).collect();
        Selection::new(&globs, None)
            .unwrap()
            .ignores(Path::new(path))
    }

    #[test]
    fn globs_match_names_or_paths_from_the_start() {
        assert!(ignores(&["fixtures"], "./a/fixtures/x.kbq"));
        assert!(ignores(&["*.slow.kbq"], "a/b.slow.kbq"));
        assert!(!ignores(&["*.slow.kbq"], "a/b.kbq"));
        assert!(ignores(&["tests/cases"], "./tests/cases/x/q.kbq"));
        assert!(!ignores(&["cases/x"], "./tests/cases/x/q.kbq"));
        assert!(ignores(&["**/x/*.kbq"], "./tests/cases/x/q.kbq"));
        assert!(!ignores(&["tests/*.kbq"], "tests/cases/q.kbq"));
        assert!(ignores(&["tests/**"], "tests/cases/q.kbq"));
        assert!(!ignores(&[], "tests/cases/q.kbq"));
    }

    #[test]
    fn run_selects_by_file_or_query() {
        let s = Selection::new(&[], Some("peer_c")).unwrap();
        assert!(s.selects("a.kbq", "supported? peer_cache"));
        assert!(!s.selects("a.kbq", "supported? software_updates"));
        assert!(
            Selection::new(&[], Some("^a"))
                .unwrap()
                .selects("a.kbq", "q")
        );
        assert!(Selection::default().selects("a.kbq", "q"));
        assert!(Selection::new(&[], Some("(")).is_err());
        assert!(Selection::new(&["[a".into()], None).is_err());
    }
}
