//! The `supportkb` command: a thin layer over the library. See `supportkb --help`.

use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use supportkb::diag::Diagnostic;
use supportkb::engine::EvalConfig;
use supportkb::explain::trace::{Trace, explain, verify};
use supportkb::kb::{
    KnowledgeBase, LoadError, SourceText, embedded_sources, read_paths, read_text,
};
use supportkb::query::script::run_script;
use supportkb::query::{AskOptions, QueryError};
use supportkb::render::{Format, emit, emit_err, json, text};
use supportkb::{emit_line, err_line};

/// Exit code when an expectation of a query file fails.
const EXIT_FAILED: u8 = 1;
/// Exit code when input is rejected: a syntax or check error, a bad query, a missing file.
const EXIT_INPUT: u8 = 2;
/// Exit code when a resource limit stops evaluation.
const EXIT_LIMIT: u8 = 3;

#[derive(Parser)]
#[command(
    name = "supportkb",
    version,
    about = "Ask documented support matrices questions and get answers you can audit.",
    long_about = "Ask documented support matrices questions and get answers you can audit.\n\n\
        Knowledge bases (.kb) are Datalog with citations of their source document. Without --kb, \
        every command uses the embedded knowledge base of Microsoft Configuration Manager's \
        \"Supported configurations for cloud management gateway\".",
    after_help = "Queries:\n  \
        supported? peer_cache                    a question: the verdict, then its proof\n  \
        valid_cmg_name? \"cmg-prod\"               questions can supply goal-directed arguments\n  \
        ?- status(F, not_supported, _).          all bindings, as a table\n  \
        why supported(peer_cache, no, unconditional)      the proof tree down to cited facts\n  \
        why not supported(peer_cache, yes, unconditional) the first literal each rule fails at\n\n\
        Examples:\n  \
        supportkb query 'supported? peer_cache'\n  \
        supportkb run examples/cmg-audit.kbq\n  \
        supportkb test examples/ --coverage --junit results.xml\n  \
        supportkb --kb examples/lifecycle query 'can_upgrade? 2204 2304'\n  \
        supportkb check rules/\n  \
        supportkb explain 'supported? peer_cache' -o trace.json && supportkb verify trace.json\n\n\
        Exit codes: 0 ok, 1 an expectation failed (or a verified trace no longer stands), 2 input \
        rejected, 3 a resource limit was reached."
)]
struct Cli {
    /// Load this .kb file or folder instead of the embedded CMG knowledge base (repeat for more).
    #[arg(long, value_name = "PATH", global = true, action = clap::ArgAction::Append)]
    kb: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text, global = true)]
    format: Format,
    /// Cut explanations N levels down: cut proof nodes get handles `#K` that `why #K`
    /// expands; `why not` follows rules N levels (default 4).
    #[arg(long, global = true, value_name = "N")]
    depth: Option<usize>,
    /// Show up to K distinct derivations of each answer (other rules or premises), smallest first.
    #[arg(long, default_value_t = 1, global = true, value_name = "K", value_parser = clap::value_parser!(u16).range(1..))]
    proofs: u16,
    /// Stop evaluation after deriving this many tuples.
    #[arg(long, default_value_t = EvalConfig::default().max_tuples, global = true, value_name = "N")]
    max_tuples: usize,
    /// Read more facts from FOLDER: `PRED.tsv` or `PRED.csv` for any predicate PRED.
    #[arg(long, global = true, value_name = "FOLDER")]
    facts: Option<PathBuf>,
    /// Stop evaluation after this many seconds (more than 0).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    timeout: Option<std::time::Duration>,
    /// Do not record derivation heights (proofs then cannot be rebuilt); only for measuring
    /// what heights cost.
    #[arg(long, global = true, hide = true)]
    no_heights: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Answer queries given as arguments, e.g. `supportkb query 'supported? peer_cache'`.
    Query {
        /// One or more queries (questions, `?- …`, `why …`, `why not …`).
        #[arg(required = true)]
        queries: Vec<String>,
    },
    /// Run a query file: print each answer, check its `expect` lines, end with `N passed, M failed`.
    Run {
        /// The .kbq file.
        file: PathBuf,
    },
    /// Run every query file (.kbq) under the paths as tests: per-file results, then
    /// `N passed, M failed`. A file runs against the knowledge base it names (`kb "PATH".`),
    /// else --kb, else the embedded one.
    Test {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Also write the results as JUnit XML here (atomically).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// List the facts and rules of each knowledge base that no proof used.
        #[arg(long)]
        coverage: bool,
    },
    /// Check knowledge-base files (syntax, arity, safety, stratification, citations, lints).
    Check {
        /// Files or folders; the embedded knowledge base (or --kb) when none.
        paths: Vec<PathBuf>,
    },
    /// Write an audit trace of one question: the answer, every proof with its rules,
    /// substitutions and quoted citations, and the SHA-256 of every knowledge-base file.
    Explain {
        /// The question (any query form).
        question: String,
        /// Write the trace here (atomically) instead of to standard output. The format
        /// follows the extension (.json, .md) unless --format says otherwise.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Re-check a JSON audit trace against today's knowledge base: changed files, the answer
    /// asked again, every proof re-checked. Exit 0 only if the answer still stands.
    Verify {
        /// The trace (.json) written by `explain`.
        trace: PathBuf,
    },
    /// Evaluate the knowledge base and write its outputs: every `output P to "FILE".`, and with
    /// --output FOLDER each output predicate (every derived one when none is declared) as
    /// FOLDER/P.tsv. Prints the tuple counts.
    Eval {
        /// Also write outputs into this folder.
        #[arg(long, value_name = "FOLDER")]
        output: Option<PathBuf>,
    },
    /// Interactive session (the default). Piped standard input runs as a script.
    Repl,
}

/// Stack for the command's thread: proofs and why-not reports recurse once per level, and a
/// proof through a long chain of rules is thousands of levels deep. Only the pages used are
/// ever touched.
const STACK_BYTES: usize = 1 << 30;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match std::thread::Builder::new()
        .name("supportkb".into())
        .stack_size(STACK_BYTES)
        .spawn(move || command(cli))
    {
        Ok(handle) => handle.join().unwrap_or(ExitCode::from(EXIT_INPUT)),
        Err(_) => command_on_this_thread(),
    }
}

/// Runs on the main thread when no thread with a large stack can be had.
fn command_on_this_thread() -> ExitCode {
    command(Cli::parse())
}

fn command(cli: Cli) -> ExitCode {
    let config = EvalConfig {
        facts_dir: cli.facts.clone(),
        heights: !cli.no_heights,
        max_tuples: cli.max_tuples,
        timeout: cli.timeout,
        cancel: None,
    };
    let opts = AskOptions {
        depth: cli.depth,
        proofs: usize::from(cli.proofs),
    };
    match &cli.command {
        Some(Command::Check { paths }) => {
            let paths = if paths.is_empty() {
                cli.kb.clone()
            } else {
                paths.clone()
            };
            check_cmd(&paths, config, cli.format)
        }
        Some(Command::Query { queries }) => match load(&cli.kb, config, cli.format) {
            Ok(mut kb) => query_cmd(&mut kb, queries, opts, cli.format),
            Err(code) => code,
        },
        Some(Command::Run { file }) => run_cmd(&cli.kb, config, file, opts, cli.format),
        Some(Command::Test {
            paths,
            junit,
            coverage,
        }) => test_cmd(
            &cli.kb,
            config,
            paths,
            junit.as_deref(),
            *coverage,
            opts,
            cli.format,
        ),
        Some(Command::Explain { question, output }) => match load(&cli.kb, config, cli.format) {
            Ok(mut kb) => explain_cmd(&mut kb, question, output.as_deref(), cli.format, opts),
            Err(code) => code,
        },
        Some(Command::Verify { trace }) => match load(&cli.kb, config, cli.format) {
            Ok(mut kb) => verify_cmd(&mut kb, trace, cli.format),
            Err(code) => code,
        },
        Some(Command::Eval { output }) => match load(&cli.kb, config, cli.format) {
            Ok(kb) => eval_cmd(&kb, output.as_deref(), cli.format),
            Err(code) => code,
        },
        Some(Command::Repl) | None => match load(&cli.kb, config, cli.format) {
            Ok(kb) => supportkb::repl::run(kb, cli.format, opts, cli.kb.clone()),
            Err(code) => code,
        },
    }
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn report_load_error(e: &LoadError, format: Format) -> ExitCode {
    emit_err(&e.sources.render(&e.diagnostics, color()));
    if format == Format::Json {
        emit(&format!(
            "{}\n",
            json::diagnostics(&e.sources, &e.diagnostics)
        ));
    }
    ExitCode::from(if e.limit { EXIT_LIMIT } else { EXIT_INPUT })
}

fn texts(paths: &[PathBuf]) -> Result<Vec<SourceText>, LoadError> {
    if paths.is_empty() {
        Ok(embedded_sources())
    } else {
        read_paths(paths)
    }
}

fn load(paths: &[PathBuf], config: EvalConfig, format: Format) -> Result<KnowledgeBase, ExitCode> {
    let kb = texts(paths)
        .and_then(|t| KnowledgeBase::load(t, config))
        .map_err(|e| report_load_error(&e, format))?;
    // Lints are for `check`; evaluation warnings (overflow) matter to every answer.
    let warnings: Vec<Diagnostic> = kb
        .warnings()
        .into_iter()
        .filter(|w| w.code == "arithmetic")
        .collect();
    if !warnings.is_empty() {
        emit_err(&kb.sources.render(&warnings, color()));
    }
    Ok(kb)
}

fn check_cmd(paths: &[PathBuf], config: EvalConfig, format: Format) -> ExitCode {
    let kb = match texts(paths).and_then(|t| KnowledgeBase::load(t, config)) {
        Ok(kb) => kb,
        Err(e) => return report_load_error(&e, format),
    };
    let warnings = kb.warnings();
    let preds = kb.checked.preds.len();
    let clauses = kb.checked.program.clauses.len();
    let goal_directed: Vec<String> = kb
        .checked
        .preds
        .values()
        .filter(|p| !p.inputs.is_empty())
        .map(|p| {
            let cols: Vec<String> = p.inputs.iter().map(|&i| p.column(i)).collect();
            format!("{} (needs {})", p.name, cols.join(", "))
        })
        .collect();
    match format {
        Format::Json => {
            let mut v = json::diagnostics(&kb.sources, &warnings);
            v["kind"] = "check".into();
            v["ok"] = true.into();
            v["files"] = kb
                .texts
                .iter()
                .map(|t| t.name.clone())
                .collect::<Vec<_>>()
                .into();
            v["clauses"] = clauses.into();
            v["predicates"] = preds.into();
            v["tuples"] = kb.model.tuple_count().into();
            v["goal_directed"] = goal_directed.into();
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ));
        }
        Format::Text | Format::Markdown => {
            emit_err(&kb.sources.render(&warnings, color()));
            emit_line!(
                "ok: {} file{}, {clauses} clauses, {preds} predicates, {} tuples derived, {} warning{}",
                kb.texts.len(),
                if kb.texts.len() == 1 { "" } else { "s" },
                kb.model.tuple_count(),
                warnings.len(),
                if warnings.len() == 1 { "" } else { "s" }
            );
            if !goal_directed.is_empty() {
                emit_line!(
                    "goal-directed (questions must give these arguments): {}",
                    goal_directed.join("; ")
                );
            }
        }
    }
    ExitCode::SUCCESS
}

/// Prints a query error; returns its exit code.
fn report_query_error(kb: &KnowledgeBase, e: &QueryError, format: Format) -> u8 {
    match e {
        QueryError::Invalid(d) => {
            emit_err(&kb.sources.render(d, color()));
            if format == Format::Json {
                emit(&format!("{}\n", json::diagnostics(&kb.sources, d)));
            }
            EXIT_INPUT
        }
        QueryError::Eval(err) => {
            err_line!("error: {err}");
            if format == Format::Json {
                emit_line!(
                    "{}",
                    serde_json::json!({"kind": "error", "message": err.to_string()})
                );
            }
            if matches!(err, supportkb::engine::EvalError::Limit { .. }) {
                EXIT_LIMIT
            } else {
                EXIT_INPUT
            }
        }
    }
}

fn query_cmd(
    kb: &mut KnowledgeBase,
    queries: &[String],
    opts: AskOptions,
    format: Format,
) -> ExitCode {
    let mut code = 0;
    let mut docs = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        match kb.ask(q, opts) {
            Ok(a) => match format {
                Format::Json => docs.push(serde_json::to_value(&a).unwrap_or_default()),
                Format::Markdown => emit(&supportkb::render::markdown::answer(&a)),
                Format::Text => {
                    if queries.len() > 1 {
                        emit_line!("{}{q}", if i > 0 { "\n" } else { "" });
                    }
                    emit(&text::answer(&a));
                }
            },
            Err(e) => code = code.max(report_query_error(kb, &e, format)),
        }
    }
    if format == Format::Json && !docs.is_empty() {
        let v = if docs.len() == 1 {
            docs.remove(0)
        } else {
            serde_json::Value::Array(docs)
        };
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    }
    ExitCode::from(code)
}

fn run_cmd(
    kb_paths: &[PathBuf],
    config: EvalConfig,
    file: &std::path::Path,
    opts: AskOptions,
    format: Format,
) -> ExitCode {
    let src = match read_text(file) {
        Ok(s) => s,
        Err(e) => return report_load_error(&e, format),
    };
    // --kb wins; else the file's own `kb "PATH".`; else the embedded knowledge base.
    let named = supportkb::query::script::script_kb(file, &src.text);
    let paths = match (kb_paths.is_empty(), named) {
        (true, Some(p)) => vec![p],
        _ => kb_paths.to_vec(),
    };
    let mut kb = match load(&paths, config, format) {
        Ok(kb) => kb,
        Err(code) => return code,
    };
    let report = match run_script(&mut kb, &src.name, &src.text, opts) {
        Ok(r) => r,
        Err(d) => {
            let d = [d];
            emit_err(&kb.sources.render(&d, color()));
            if format == Format::Json {
                emit(&format!("{}\n", json::diagnostics(&kb.sources, &d)));
            }
            return ExitCode::from(EXIT_INPUT);
        }
    };
    finish(
        &report,
        text::script_report(&report),
        report.failed,
        (report.limit_hit, report.rejected),
        format,
    )
}

fn test_cmd(
    kb_paths: &[PathBuf],
    config: EvalConfig,
    paths: &[PathBuf],
    junit: Option<&std::path::Path>,
    coverage: bool,
    opts: AskOptions,
    format: Format,
) -> ExitCode {
    use supportkb::query::suite::{collect_query_files, run_suite};
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let files = match collect_query_files(&paths) {
        Ok(f) => f,
        Err(e) => {
            err_line!("error[io]: {e}");
            return ExitCode::from(EXIT_INPUT);
        }
    };
    let default_kb = || texts(kb_paths).and_then(|t| KnowledgeBase::load(t, config.clone()));
    let report = run_suite(&files, &default_kb, &config, opts, coverage);
    if let Some(path) = junit
        && let Err(e) = supportkb::render::write_atomic(
            path,
            supportkb::query::suite::junit(&report).as_bytes(),
        )
    {
        err_line!("error: cannot write {}: {e}", path.display());
        return ExitCode::from(EXIT_INPUT);
    }
    finish(
        &report,
        text::suite_report(&report),
        report.failed,
        (report.limit_hit, report.rejected),
        format,
    )
}

fn explain_cmd(
    kb: &mut KnowledgeBase,
    question: &str,
    output: Option<&std::path::Path>,
    format: Format,
    opts: AskOptions,
) -> ExitCode {
    let trace = match explain(kb, question, opts.proofs) {
        Ok(t) => t,
        Err(e) => return ExitCode::from(report_query_error(kb, &e, format)),
    };
    // The extension chooses the format unless --format asked for JSON or Markdown.
    let as_json = match (
        format,
        output.and_then(|p| p.extension()).and_then(|e| e.to_str()),
    ) {
        (Format::Json, _) => true,
        (Format::Markdown, _) => false,
        (Format::Text, Some("json")) => true,
        _ => false,
    };
    let body = if as_json {
        format!(
            "{}\n",
            serde_json::to_string_pretty(&trace).unwrap_or_default()
        )
    } else {
        supportkb::render::markdown::trace(&trace)
    };
    match output {
        None => emit(&body),
        Some(path) => {
            if let Err(e) = supportkb::render::write_atomic(path, body.as_bytes()) {
                err_line!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(EXIT_INPUT);
            }
            err_line!(
                "wrote {} ({}, verdict {})",
                path.display(),
                if as_json { "JSON" } else { "Markdown" },
                trace.answer.verdict()
            );
        }
    }
    ExitCode::SUCCESS
}

fn verify_cmd(kb: &mut KnowledgeBase, path: &std::path::Path, format: Format) -> ExitCode {
    let text = match read_text(path) {
        Ok(t) => t.text,
        Err(e) => return report_load_error(&e, format),
    };
    let trace: Trace = match serde_json::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            err_line!(
                "error[trace]: {}:{}:{}: not a JSON trace: {e}\n  help: `supportkb explain QUESTION -o trace.json` writes one; Markdown traces are for reading, not verifying",
                path.display(),
                e.line(),
                e.column()
            );
            return ExitCode::from(EXIT_INPUT);
        }
    };
    let v = match verify(kb, &trace) {
        Ok(v) => v,
        Err(e) => {
            err_line!("error[trace]: {}: {e}", path.display());
            return ExitCode::from(EXIT_INPUT);
        }
    };
    match format {
        Format::Json => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )),
        Format::Markdown => emit(&supportkb::render::markdown::verification(&v)),
        Format::Text => emit(&text::verification(&v)),
    }
    if v.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}

fn eval_cmd(kb: &KnowledgeBase, output: Option<&std::path::Path>, format: Format) -> ExitCode {
    let written = match kb.write_outputs(output) {
        Ok(w) => w,
        Err(e) => {
            err_line!("error[io]: {e}");
            return ExitCode::from(EXIT_INPUT);
        }
    };
    let counts: Vec<(String, usize)> = kb
        .model
        .relations
        .iter()
        .filter(|(p, _)| !p.contains('#'))
        .map(|(p, r)| (p.clone(), r.len()))
        .collect();
    match format {
        Format::Json => {
            let v = serde_json::json!({
                "kind": "eval",
                "tuples": counts.iter().map(|(p, n)| (p.clone(), serde_json::Value::from(*n))).collect::<serde_json::Map<_, _>>(),
                "written": written.iter().map(|(p, f, n)| serde_json::json!({"predicate": p, "file": f.display().to_string(), "rows": n})).collect::<Vec<_>>(),
            });
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ));
        }
        Format::Text | Format::Markdown => {
            for (p, n) in &counts {
                emit_line!("{p}: {n} tuple{}", if *n == 1 { "" } else { "s" });
            }
            for (p, f, n) in &written {
                emit_line!("wrote {} ({p}, {n} rows)", f.display());
            }
        }
    }
    ExitCode::SUCCESS
}

/// `--timeout`: a positive, finite number of seconds, at most a year.
fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 365.0 * 24.0 * 3600.0) {
        return Err(format!(
            "`{s}`: give a number of seconds above 0 and at most a year"
        ));
    }
    std::time::Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

/// Prints a report of checks (JSON, or its text) and gives the exit code: 0, or 1 for a
/// failed check, 2 when a file or query was rejected as input, 3 when a limit stopped one.
fn finish(
    report: &impl serde::Serialize,
    text: String,
    failed: usize,
    (limit_hit, rejected): (bool, bool),
    format: Format,
) -> ExitCode {
    match format {
        Format::Json => emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(report).unwrap_or_default()
        )),
        Format::Text | Format::Markdown => emit(&text),
    }
    match (failed, limit_hit, rejected) {
        (0, _, _) => ExitCode::SUCCESS,
        (_, true, _) => ExitCode::from(EXIT_LIMIT),
        (_, _, true) => ExitCode::from(EXIT_INPUT),
        _ => ExitCode::from(EXIT_FAILED),
    }
}
