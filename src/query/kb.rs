//! A knowledge base, loaded: its texts parsed, checked, rewritten for goal-directed
//! evaluation and evaluated, with the facts its `input` declarations (and `--facts`) read
//! from files. The pipeline of every stage below, in one place: [`KnowledgeBase::load`].

use super::inputs::read_inputs;
use crate::check::citations::{LoadedText, PinnedTexts};
use crate::check::{CheckedKb, check_with};
use crate::engine::facts::Columns;
use crate::engine::{EvalConfig, EvalError, Limit, Model, evaluate};
use crate::explain::{FactFiles, GroundAtom};
use crate::ir::{Const, Interner, Pred, Rule};
use crate::source::{Code, Diagnostic, SourceMap, SourceText, Span, read_text};
use crate::sql::Engine;
use crate::syntax::Program;
use crate::transform::rewrite;
use std::path::{Path, PathBuf};

/// How a knowledge base is loaded: evaluation limits, more facts, facts set aside.
#[derive(Debug, Clone, Default)]
pub struct LoadConfig {
    /// Limits of every evaluation.
    pub eval: EvalConfig,
    /// A folder whose `PRED.tsv` / `PRED.csv` files hold more facts of `PRED` (`--facts`).
    pub facts_dir: Option<PathBuf>,
    /// Facts of the knowledge base set aside (hypothetically removed: the REPL's `:retract`).
    pub retracted: Vec<GroundAtom>,
    /// Where the knowledge base is evaluated (`--engine`): in memory, or on a database
    /// that keeps the model in its tables. Later evaluations (queries) run in memory over
    /// the model read back.
    pub engine: Engine,
    /// The inventory folder: where `input … from inventory "FILE"` reads (`--inventory`).
    /// Without one such inputs read nothing.
    pub inventory: Option<PathBuf>,
    /// Leave `input … from table` unread (no facts) where there is no database, rather
    /// than refuse the knowledge base: `supportkb sql` prints statements reading them.
    pub tables_unread: bool,
    /// On a SQL engine, answer `why` and `why not` from the model the database holds when
    /// it is current ([`super::stored`]): nothing is read or evaluated, each question
    /// fetches the tuples it needs. A stale model is evaluated again.
    pub reuse_stored: bool,
}

/// Why loading stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadFailure {
    /// The input was rejected (syntax, check, a file).
    Rejected,
    /// A resource limit stopped the evaluation.
    Limit(Limit),
    /// The user cancelled it.
    Cancelled,
    /// The program passed the checks but could not be evaluated: an internal error.
    Internal,
}

/// Why a knowledge base could not be loaded: its diagnostics, with the texts they point
/// into.
#[derive(Debug)]
pub struct LoadError {
    /// The texts read so far.
    pub sources: SourceMap,
    /// Errors (and warnings) found.
    pub diagnostics: Vec<Diagnostic>,
    /// What kind of failure.
    pub failure: LoadFailure,
}

impl LoadError {
    /// A rejection of no single place (a file that cannot be read).
    pub fn unplaced(d: Diagnostic) -> Self {
        LoadError {
            sources: SourceMap::default(),
            diagnostics: vec![d],
            failure: LoadFailure::Rejected,
        }
    }

    fn rejected(sources: &SourceMap, diagnostics: Vec<Diagnostic>) -> Self {
        LoadError {
            sources: sources.clone(),
            diagnostics,
            failure: LoadFailure::Rejected,
        }
    }
}

impl From<Diagnostic> for LoadError {
    fn from(d: Diagnostic) -> Self {
        LoadError::unplaced(d)
    }
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
    pub rules: Vec<Rule>,
    /// The model of the knowledge base.
    pub model: Model,
    /// The interner of the model's rows.
    pub interner: Interner,
    /// How it was loaded (limits apply to every later evaluation too).
    pub config: LoadConfig,
    /// The files each predicate's facts were read from.
    pub fact_files: FactFiles,
    /// Warnings about the fact files (`--facts DIR/NAME.tsv` naming no predicate).
    pub input_warnings: Vec<Diagnostic>,
    /// The pinned source texts, by source name (those that could be read).
    pub pinned: Vec<(String, LoadedText)>,
    /// Where the load's time went.
    pub timings: LoadTimings,
    /// The model in the database, when the load reused it instead of evaluating: then
    /// [`KnowledgeBase::model`] holds only the tuples fetched so far ([`super::stored`]).
    pub stored: Option<super::stored::SharedStored>,
    /// What the load did that a user should know (a stored model found stale).
    pub notes: Vec<String>,
}

/// Where a load's time went (wall clock).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadTimings {
    /// Parsing, checking and rewriting the knowledge base's texts.
    pub compile: std::time::Duration,
    /// Reading the facts of `input` declarations and `--facts`.
    pub inputs: std::time::Duration,
    /// Evaluating the rules.
    pub evaluate: std::time::Duration,
}

/// A written output: the predicate, the file and the rows written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenOutput {
    /// The predicate.
    pub pred: String,
    /// The file.
    pub path: PathBuf,
    /// Rows written.
    pub rows: usize,
}

/// `path` relative to the folder of the file a declaration at `span` was written in.
pub(super) fn relative_to_declaring(sources: &SourceMap, span: Span, path: &str) -> PathBuf {
    let declared_in = Path::new(sources.name(span.file));
    declared_in.parent().unwrap_or(Path::new(".")).join(path)
}

impl KnowledgeBase {
    /// Parses, checks and evaluates `texts` as one knowledge base.
    ///
    /// Errors: every syntax error (the first per file) and every check error; a file of
    /// facts that cannot be read; an evaluation stopped by a limit or cancelled.
    ///
    /// The embedded texts, unchanged, are read from the cache of this build when it holds
    /// them ([`super::snapshot`]), else loaded in full and stored there.
    pub fn load(texts: Vec<SourceText>, config: LoadConfig) -> Result<Self, LoadError> {
        if super::embedded::are_sources(&texts) {
            return Self::embedded(config);
        }
        Self::load_in_full(texts, config)
    }

    pub(super) fn load_in_full(
        texts: Vec<SourceText>,
        config: LoadConfig,
    ) -> Result<Self, LoadError> {
        let started = std::time::Instant::now();
        let mut timings = LoadTimings::default();
        use crate::source::timings::phase;
        let mut sources = SourceMap::default();
        let parsing = phase(|| "parse".into());
        let given = texts.clone();
        let loaded = super::include::load_all(texts, &mut sources);
        drop(parsing);
        if !loaded.errors.is_empty() {
            return Err(LoadError::rejected(&sources, loaded.errors));
        }
        let (texts, mut program) = (loaded.texts, loaded.program);
        if !config.retracted.is_empty() {
            program
                .clauses
                .retain(|c| !(c.is_fact() && config.retracted.iter().any(|g| g.is_head_of(c))));
        }
        let checking = phase(|| "check".into());
        let pinned = read_pinned(&program, &texts, &sources);
        let checked = check_with(program, &pinned).map_err(|d| LoadError::rejected(&sources, d))?;
        drop(checking);
        super::inputs::check_inventory(&checked, &config)
            .map_err(|d| LoadError::rejected(&sources, vec![d]))?;
        let rewriting = phase(|| "rewrite and stratify".into());
        let rules = rewrite(&checked);
        if let Err(errors) = crate::check::stratify(&rules) {
            return Err(LoadError::rejected(
                &sources,
                crate::transform::relax::unorderable(errors),
            ));
        }
        drop(rewriting);
        let mut interner = Interner::default();
        timings.compile = started.elapsed();
        let mut database = crate::sql::connect(&config.engine, &config.eval)
            .map_err(|d| LoadError::rejected(&sources, vec![d]))?;
        let mut notes = Vec::new();
        // A database that cannot be read (a lock held past the wait) is refused here; one
        // without a stamp (never evaluated) is evaluated.
        let stamp = match &mut database {
            Some((db, _)) => crate::sql::stored::read_stamp(db.as_mut())
                .map_err(|e| LoadError::rejected(&sources, vec![e.diagnostic()]))?,
            None => None,
        };
        if config.reuse_stored
            && let Some((_, dialect)) = &database
        {
            match reusable(stamp, *dialect, &given, &config) {
                Ok((stamp, fact_files)) => {
                    let (db, dialect) = database.take().expect("connected");
                    let script = crate::sql::compile(
                        &rules,
                        &stamp.arity,
                        &column_types(&checked),
                        &mut interner,
                        dialect,
                    )
                    .map_err(|d| LoadError::rejected(&sources, d))?;
                    let stored = super::stored::StoredModel {
                        db,
                        script,
                        fetched: crate::sql::stored::Fetched::new(stamp.rows.clone()),
                        max_height: stamp.max_height,
                        texts: given,
                    };
                    return Ok(KnowledgeBase {
                        sources,
                        texts,
                        checked,
                        rules,
                        model: Model {
                            max_height: stamp.max_height,
                            ..Model::default()
                        },
                        interner,
                        config,
                        fact_files,
                        input_warnings: Vec::new(),
                        pinned: sorted_pinned(pinned),
                        timings,
                        stored: Some(std::sync::Arc::new(std::sync::Mutex::new(stored))),
                        notes,
                    });
                }
                Err(why) => notes.push(format!("{why}: evaluating it again")),
            }
        } else if let Some((_, dialect)) = &database
            && stamp.is_some()
            && let Err(why) = reusable(stamp, *dialect, &given, &config)
        {
            // A load that evaluates anyway says so only of a model gone stale, as `why` does.
            notes.push(format!("{why}: evaluating it again"));
        }
        let reading = phase(|| "read fact files".into());
        let db = database.as_mut().map(|(db, _)| db);
        let (edb, fact_files, input_warnings) =
            read_inputs(&checked, &sources, &config, db, &mut interner).map_err(|e| {
                let mut sources = sources.clone();
                let d = e.into_diagnostic(&mut sources);
                LoadError::rejected(&sources, vec![d])
            })?;
        drop(reading);
        let edb = set_aside(edb, &config.retracted, &interner);
        timings.inputs = started.elapsed() - timings.compile;
        let evaluating = phase(|| "evaluate".into());
        let evaluated = match database {
            None => evaluate(&rules, edb, None, &mut interner, &config.eval),
            Some((mut db, dialect)) => {
                let stamp = super::stored::fingerprint(&given, &config, dialect, &fact_files).map(
                    |fingerprint| crate::sql::stored::Stamp {
                        fingerprint,
                        files: super::stored::files_text(&fact_files),
                    },
                );
                let lookups = super::stored::lookups(&rules);
                crate::sql::evaluate(
                    db.as_mut(),
                    dialect,
                    &rules,
                    &edb,
                    &column_types(&checked),
                    &mut interner,
                    &config.eval,
                    crate::sql::Keep {
                        stamp: stamp.as_ref(),
                        lookups: Some(&lookups),
                    },
                )
            }
        };
        drop(evaluating);
        let model = evaluated.map_err(|e| {
            let failure = match &e {
                // A rule the SQL dialect cannot evaluate is the input's limit, not a bug.
                EvalError::Program(d)
                    if d.iter().any(|d| {
                        matches!(d.code, Code::SqlUnsupported | Code::DatabaseUnavailable)
                    }) =>
                {
                    LoadFailure::Rejected
                }
                EvalError::Program(_) => LoadFailure::Internal,
                EvalError::Limit(l) => LoadFailure::Limit(*l),
                EvalError::Cancelled => LoadFailure::Cancelled,
            };
            let diagnostics = match e {
                EvalError::Program(d) => d,
                EvalError::Limit(_) => vec![Diagnostic::unplaced(Code::Limit, e.to_string())],
                EvalError::Cancelled => vec![Diagnostic::unplaced(Code::Cancelled, e.to_string())],
            };
            LoadError {
                sources: sources.clone(),
                diagnostics,
                failure,
            }
        })?;
        timings.evaluate = started.elapsed() - timings.compile - timings.inputs;
        let pinned = sorted_pinned(pinned);
        Ok(KnowledgeBase {
            sources,
            texts,
            checked,
            rules,
            model,
            interner,
            config,
            fact_files,
            input_warnings,
            pinned,
            timings,
            stored: None,
            notes,
        })
    }

    /// The embedded CMG knowledge base: read from the cache of this build when it holds it
    /// ([`super::snapshot`]), else loaded in full and stored there.
    ///
    /// Errors: only if the embedded files are broken (a test guards against that).
    pub fn embedded(config: LoadConfig) -> Result<Self, LoadError> {
        if let Some(kb) = super::snapshot::read(&config) {
            return Ok(kb);
        }
        let kb = Self::load_in_full(super::embedded::sources(), config)?;
        super::snapshot::write(&kb, &kb.config);
        Ok(kb)
    }

    /// The columns of a user predicate as its files are read and written.
    pub fn columns_of(&self, pred: &str) -> Columns {
        self.checked
            .preds
            .get(pred)
            .map_or_else(Columns::default, |p| Columns {
                names: (0..p.arity).map(|i| p.column(i)).collect(),
                types: p.types.clone(),
            })
    }

    /// The tuples of a user predicate, decoded, sorted.
    pub fn rows_of(&self, pred: &str) -> Vec<Vec<Const>> {
        self.model
            .relation(&Pred::user(pred))
            .map(|r| r.rows().map(|row| self.interner.decode(row)).collect())
            .unwrap_or_default()
    }

    /// Number of tuples of a user predicate.
    pub fn tuple_count(&self, pred: &str) -> usize {
        self.model
            .relation(&Pred::user(pred))
            .map_or(0, |r| r.len())
    }

    /// Warnings of the checker, the evaluator and the model (broken keys), as diagnostics.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let mut w = self.checked.warnings.clone();
        w.extend(self.evaluation_warnings());
        w.extend(self.key_violations());
        w
    }

    /// Warnings of the evaluator (overflow, division by zero) and of the fact files read (a
    /// file of `--facts` naming no predicate): they matter to every answer, where lints
    /// matter to `check`.
    pub fn evaluation_warnings(&self) -> Vec<Diagnostic> {
        let mut w = self.input_warnings.clone();
        w.extend(self.arithmetic_warnings());
        w
    }

    fn arithmetic_warnings(&self) -> Vec<Diagnostic> {
        self.model
            .warnings
            .iter()
            .map(|ew| {
                Diagnostic::warning(
                    Code::Arithmetic,
                    ew.message.clone(),
                    self.rules[ew.rule].span,
                )
            })
            .collect()
    }
}

/// The pinned texts that could be read, by source name.
fn sorted_pinned(pinned: PinnedTexts) -> Vec<(String, LoadedText)> {
    let mut out: Vec<(String, LoadedText)> = pinned
        .into_iter()
        .filter_map(|(n, t)| t.ok().map(|t| (n, t)))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The stamp of the model in the database (`stamp`, as read) and the files it was read
/// from, when that model is current for `texts` and `config`; else why not.
fn reusable(
    stamp: Option<crate::sql::stored::StoredStamp>,
    dialect: crate::sql::Dialect,
    texts: &[SourceText],
    config: &LoadConfig,
) -> Result<(crate::sql::stored::StoredStamp, FactFiles), &'static str> {
    let stamp = stamp.ok_or("the database holds no reusable model")?;
    let files = super::stored::files_of(&stamp.stamp.files)
        .ok_or("the database's model does not name its files")?;
    match super::stored::fingerprint(texts, config, dialect, &files) {
        Some(f) if f == stamp.stamp.fingerprint => Ok((stamp, files)),
        _ => Err("the database's model is out of date"),
    }
}

/// The pinned texts of the program's sources: each read relative to the file declaring it
/// (from the binary when that file is the embedded knowledge base's).
fn read_pinned(program: &Program, texts: &[SourceText], sources: &SourceMap) -> PinnedTexts {
    let mut out = PinnedTexts::new();
    for s in &program.sources {
        let Some(pin) = &s.text else { continue };
        let path = relative_to_declaring(sources, s.span, &pin.path);
        let shown = path.display().to_string();
        let declared_in = texts.get(s.span.file);
        let embedded = declared_in
            .filter(|t| super::embedded::is_embedded(t))
            .and_then(|_| super::embedded::file(&shown));
        let loaded = match embedded {
            Some(text) => Ok(LoadedText {
                path: shown,
                text: text.to_string(),
            }),
            None => read_text(&path)
                .map(|t| LoadedText {
                    path: shown,
                    text: t.text,
                })
                .map_err(|d| d.message),
        };
        out.insert(s.name.clone(), loaded);
    }
    out
}

/// The declared column types of the user predicates, for the SQL engines' typed columns.
pub fn column_types(checked: &CheckedKb) -> crate::sql::kinds::ColumnTypes {
    checked
        .preds
        .iter()
        .map(|(name, p)| (Pred::user(name), p.types.clone()))
        .collect()
}

/// `edb` without the tuples of `retracted`: a fact read from an input, set aside by
/// `retract` as a written fact is.
fn set_aside(
    mut edb: crate::engine::eval::FactRows,
    retracted: &[GroundAtom],
    interner: &Interner,
) -> crate::engine::eval::FactRows {
    for g in retracted {
        let Some(table) = edb.get_mut(&Pred::user(&g.pred)) else {
            continue;
        };
        let Some(ids) = g
            .args
            .iter()
            .map(|c| interner.get(c))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        if table.iter().any(|row| row == ids.as_slice()) {
            let kept: Vec<&[_]> = table.iter().filter(|row| *row != ids.as_slice()).collect();
            *table = crate::engine::rows::FactTable::from_rows(table.arity(), kept);
        }
    }
    edb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_knowledge_base_loads_cleanly() {
        let kb = KnowledgeBase::embedded(LoadConfig::default())
            .unwrap_or_else(|e| panic!("{}", e.sources.render(&e.diagnostics, false)));
        assert!(kb.texts.iter().all(|t| t.name.starts_with("rules/cmg/")));
        assert!(kb.model.tuple_count() > 0);
        let w = kb.warnings();
        assert!(w.is_empty(), "{}", kb.sources.render(&w, false));
    }
}
