//! The knowledge base as a session: source texts, the checked program, its rewritten rules
//! and its model, ready to answer queries. The CLI, the REPL and the tests all go through
//! [`KnowledgeBase`].

use crate::check::{CheckedKb, check};
use crate::diag::{Diagnostic, Severity, SourceMap};
use crate::engine::demand::rewrite;
use crate::engine::eval::{FactRows, evaluate_with};
use crate::engine::{EvalConfig, EvalError, EvalRule, Interner, Model};
use crate::syntax::{Program, parse_kb};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A knowledge-base text with the name diagnostics show for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    /// Path or name.
    pub name: String,
    /// Contents.
    pub text: String,
}

/// The embedded CMG knowledge base (`rules/cmg/*.kb`, in path order).
pub fn embedded_sources() -> Vec<SourceText> {
    embedded::EMBEDDED
        .iter()
        .map(|(n, t)| SourceText {
            name: n.to_string(),
            text: t.to_string(),
        })
        .collect()
}

/// Why a knowledge base could not be loaded: its diagnostics, with the texts they point
/// into.
#[derive(Debug)]
pub struct LoadError {
    /// The texts read so far.
    pub sources: SourceMap,
    /// Errors (and warnings) found.
    pub diagnostics: Vec<Diagnostic>,
    /// True when a resource limit stopped the evaluation (exit code 3).
    pub limit: bool,
}

impl LoadError {
    fn io(message: String) -> Self {
        Self::unplaced("io", message)
    }

    fn unplaced(code: &'static str, message: String) -> Self {
        LoadError {
            sources: SourceMap::default(),
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                code,
                message,
                span: None,
                label: None,
                help: None,
            }],
            limit: false,
        }
    }
}

/// Reads `.kb` files; a directory contributes every `.kb` file below it, in path order.
///
/// Errors: a missing or unreadable path, a directory with no `.kb` file, a file that is not
/// UTF-8 text.
pub fn read_paths(paths: &[PathBuf]) -> Result<Vec<SourceText>, LoadError> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| {
            LoadError::io(format!("cannot read {}: {}", p.display(), io_reason(&e)))
        })?;
        if meta.is_dir() {
            let before = files.len();
            collect_files(p, "kb", &mut files).map_err(|e| {
                LoadError::io(format!("cannot read {}: {}", p.display(), io_reason(&e)))
            })?;
            if files.len() == before {
                return Err(LoadError::io(format!("{} holds no .kb file", p.display())));
            }
        } else {
            files.push(p.clone());
        }
    }
    // A file named twice (a folder given twice) is read once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    files.iter().map(|f| read_text(f)).collect()
}

/// Largest knowledge-base or query file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Reads one UTF-8 text file.
///
/// Errors: unreadable, a directory, binary (NUL bytes) or not UTF-8, with the byte offset.
pub fn read_text(path: &Path) -> Result<SourceText, LoadError> {
    if path.is_dir() {
        return Err(LoadError::io(format!(
            "{} is a directory, not a file",
            path.display()
        )));
    }
    // Devices and pipes never end (or end nowhere useful): only regular files are read.
    if let Ok(m) = std::fs::metadata(path) {
        if !m.is_file() {
            return Err(LoadError::io(format!(
                "{} is not a regular file",
                path.display()
            )));
        }
        if m.len() > MAX_FILE_BYTES {
            return Err(LoadError::io(format!(
                "{} is {} MB; files over {} MB are not read (give large data as facts in TSV files: --facts)",
                path.display(),
                m.len() >> 20,
                MAX_FILE_BYTES >> 20
            )));
        }
    }
    let bytes = std::fs::read(path)
        .map_err(|e| LoadError::io(format!("cannot read {}: {}", path.display(), io_reason(&e))))?;
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Err(LoadError::io(format!(
            "{} looks binary (a NUL byte at offset {i}); expected a text file",
            path.display()
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        LoadError::io(format!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(SourceText {
        name: path.display().to_string(),
        text,
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
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

/// Facts read from files: `input` declarations (paths relative to the declaring file) and,
/// with `--facts DIR`, `DIR/PRED.tsv` or `DIR/PRED.csv` for every predicate.
///
/// Errors: an unreadable file or a bad row, at the declaration.
fn read_inputs(
    checked: &CheckedKb,
    sources: &SourceMap,
    config: &EvalConfig,
    interner: &mut Interner,
) -> Result<(FactRows, BTreeMap<String, Vec<PathBuf>>), Diagnostic> {
    let mut edb: FactRows = HashMap::new();
    let mut files: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut read =
        |pred: &str, path: PathBuf, span: Option<crate::syntax::Span>| -> Result<(), Diagnostic> {
            let arity = checked.preds.get(pred).map_or(0, |p| p.arity);
            let rows = crate::facts::read_rows(&path, arity, interner).map_err(|m| Diagnostic {
                severity: Severity::Error,
                code: "input",
                message: m,
                span,
                label: Some("read here".into()),
                help: None,
            })?;
            edb.entry(pred.to_string()).or_default().extend(rows);
            files.entry(pred.to_string()).or_default().push(path);
            Ok(())
        };
    for d in &checked.program.inputs {
        let declared_in = Path::new(&sources.file(d.span.file).name);
        let path = declared_in.parent().unwrap_or(Path::new(".")).join(&d.path);
        read(&d.pred, path, Some(d.span))?;
    }
    if let Some(dir) = &config.facts_dir {
        if !dir.is_dir() {
            return Err(Diagnostic {
                severity: Severity::Error,
                code: "io",
                message: format!("--facts {}: not a folder", dir.display()),
                span: None,
                label: None,
                help: None,
            });
        }
        for name in checked.preds.keys() {
            for ext in ["tsv", "csv"] {
                let path = dir.join(format!("{name}.{ext}"));
                if path.is_file() {
                    read(name, path, None)?;
                }
            }
        }
    }
    Ok((edb, files))
}

/// A loaded, checked and evaluated knowledge base.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    /// Every text read: the knowledge base's files, then queries as they come.
    pub sources: SourceMap,
    /// The texts the knowledge base was built from.
    pub texts: Vec<SourceText>,
    /// The checked program.
    pub checked: CheckedKb,
    /// The rules as evaluated (after the magic-set rewrite).
    pub rules: Vec<EvalRule>,
    /// The model of the knowledge base.
    pub model: Model,
    /// The interner of the model's rows.
    pub interner: Interner,
    /// Limits for every evaluation.
    pub config: EvalConfig,
    /// Queries behind the handles (`why #K`) of cut explanations, numbered from 1.
    pub handles: Vec<String>,
    /// The files each predicate's facts were read from (`input` declarations, `--facts`).
    pub input_files: BTreeMap<String, Vec<PathBuf>>,
}

impl KnowledgeBase {
    /// Parses, checks and evaluates `texts` as one knowledge base.
    ///
    /// Errors: every syntax and check error (the first syntax error per file), or an
    /// evaluation stopped by a limit.
    pub fn load(texts: Vec<SourceText>, config: EvalConfig) -> Result<Self, LoadError> {
        Self::load_without(texts, config, &[])
    }

    /// As [`KnowledgeBase::load`], with the facts printed as in `retracted` set aside
    /// (hypothetically removed).
    ///
    /// Errors: as [`KnowledgeBase::load`].
    pub fn load_without(
        texts: Vec<SourceText>,
        config: EvalConfig,
        retracted: &[String],
    ) -> Result<Self, LoadError> {
        let mut sources = SourceMap::default();
        let mut program = Program::default();
        let mut errors = Vec::new();
        for t in &texts {
            let file = sources.add(t.name.clone(), t.text.clone());
            match parse_kb(&t.text, file) {
                Ok(p) => program.extend(p),
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            return Err(LoadError {
                sources,
                diagnostics: errors,
                limit: false,
            });
        }
        if !retracted.is_empty() {
            program
                .clauses
                .retain(|c| !(c.is_fact() && retracted.contains(&c.to_string())));
        }
        let checked = check(program).map_err(|d| LoadError {
            sources: sources.clone(),
            diagnostics: d,
            limit: false,
        })?;
        let rules = rewrite(&checked);
        let mut interner = Interner::default();
        let (edb, input_files) =
            read_inputs(&checked, &sources, &config, &mut interner).map_err(|d| LoadError {
                sources: sources.clone(),
                diagnostics: vec![d],
                limit: false,
            })?;
        let model =
            evaluate_with(&rules, edb, None, &mut interner, &config).map_err(|e| match &e {
                EvalError::Program(d) => LoadError {
                    sources: sources.clone(),
                    diagnostics: d.clone(),
                    limit: false,
                },
                EvalError::Limit { .. } => LoadError {
                    limit: true,
                    ..LoadError::unplaced("limit", e.to_string())
                },
                EvalError::Cancelled => LoadError::unplaced("cancelled", e.to_string()),
            })?;
        Ok(KnowledgeBase {
            sources,
            texts,
            checked,
            rules,
            model,
            interner,
            config,
            handles: Vec::new(),
            input_files,
        })
    }

    /// The embedded CMG knowledge base.
    ///
    /// Errors: only if the embedded files are broken (a test guards against that).
    pub fn embedded(config: EvalConfig) -> Result<Self, LoadError> {
        Self::load(embedded_sources(), config)
    }

    /// Writes the `output` predicates to their files (relative to the declaring file) and,
    /// given `dir`, to `dir/PRED.tsv` — every derived predicate when none is declared.
    /// Returns `(predicate, file, rows)` per file written.
    ///
    /// Errors: a file that cannot be written (the ones before it are written).
    pub fn write_outputs(
        &self,
        dir: Option<&Path>,
    ) -> Result<Vec<(String, PathBuf, usize)>, String> {
        let mut targets: Vec<(String, PathBuf)> = self
            .checked
            .program
            .outputs
            .iter()
            .map(|d| {
                let declared_in = Path::new(&self.sources.file(d.span.file).name);
                (
                    d.pred.clone(),
                    declared_in.parent().unwrap_or(Path::new(".")).join(&d.path),
                )
            })
            .collect();
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let mut preds: Vec<String> = self
                .checked
                .program
                .outputs
                .iter()
                .map(|d| d.pred.clone())
                .collect();
            if preds.is_empty() {
                preds = self
                    .checked
                    .preds
                    .values()
                    .filter(|p| p.rules > 0 && p.inputs.is_empty())
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
            let rows: Vec<Vec<crate::syntax::Const>> = self
                .model
                .relation(&pred)
                .map(|r| r.rows().map(|row| self.interner.decode(row)).collect())
                .unwrap_or_default();
            crate::facts::write_rows(&path, &rows)?;
            written.push((pred, path, rows.len()));
        }
        Ok(written)
    }

    /// Warnings of the checker and the evaluator, as diagnostics.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let mut w = self.checked.warnings.clone();
        for ew in &self.model.warnings {
            let span = self.rules[ew.rule].clause.span;
            w.push(Diagnostic::warning("arithmetic", ew.message.clone(), span));
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_knowledge_base_loads_cleanly() {
        let kb = KnowledgeBase::embedded(EvalConfig::default())
            .unwrap_or_else(|e| panic!("{}", e.sources.render(&e.diagnostics, false)));
        assert!(kb.texts.iter().all(|t| t.name.starts_with("rules/cmg/")));
        assert!(kb.model.tuple_count() > 0);
        let w = kb.warnings();
        assert!(w.is_empty(), "{}", kb.sources.render(&w, false));
    }

    #[test]
    fn unreadable_inputs_are_errors_not_panics() {
        let dir = std::env::temp_dir().join(format!("supportkb-kb-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bin = dir.join("b.kb");
        std::fs::write(&bin, b"p(a).\0").unwrap();
        let bad = dir.join("u.kb");
        std::fs::write(&bad, b"p(\xff).").unwrap();
        let msg = |p: &Path| {
            read_paths(&[p.to_path_buf()]).unwrap_err().diagnostics[0]
                .message
                .clone()
        };
        assert!(msg(&bin).contains("binary"));
        assert!(msg(&bad).contains("not UTF-8"));
        assert!(msg(&dir.join("missing.kb")).contains("no such file"));
        let empty = dir.join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        assert!(msg(&empty).contains("holds no .kb file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
