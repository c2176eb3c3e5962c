//! The `supportkb` command: options parsed once into a [`Context`], one file per command,
//! every document printed through the library's one render entry, and the exit-code policy
//! in [`output`].

pub mod args;
mod check;
mod check_script;
mod coverage;
mod diff;
mod eval;
pub mod explain;
pub mod output;
mod query;
mod report;
mod run;
mod search;
mod sql;

use args::{BYTES_PER_ROW, Cli, Command};
use output::Exit;
use std::path::PathBuf;
use supportkb::engine::EvalConfig;
use supportkb::query::suite::kb_texts_for;
use supportkb::query::{AskOptions, LoadConfig, LoadError, Session};
use supportkb::render::Format;
use supportkb::render::document::{Kind, Public};
use supportkb::source::{Code, Diagnostic};

/// What every command reads from the global options.
pub struct Context {
    /// `--kb` paths (empty: the embedded knowledge base).
    pub kb: Vec<PathBuf>,
    /// `--format`.
    pub format: Format,
    /// Whether `--format` was given (else `format` is its default, text).
    pub format_given: bool,
    /// `--depth`, `--proofs`.
    pub opts: AskOptions,
    /// Limits and `--facts`.
    pub load: LoadConfig,
}

impl Context {
    fn new(cli: &Cli) -> Self {
        let eval = EvalConfig {
            heights: !cli.no_heights,
            max_tuples: cli.max_tuples,
            max_rows: usize::try_from(cli.max_memory.saturating_mul(1 << 20) / BYTES_PER_ROW)
                .unwrap_or(usize::MAX),
            timeout: cli.timeout,
            threads: cli
                .threads
                .map_or(supportkb::engine::par::AVAILABLE_THREADS, usize::from),
            ..EvalConfig::default()
        };
        Context {
            kb: cli.kb.clone(),
            format: cli.format,
            format_given: cli.format_given,
            opts: AskOptions {
                depth: cli.depth,
                proofs: usize::from(cli.proofs),
                rows_proved: cli.prove,
            },
            load: LoadConfig {
                eval,
                facts_dir: cli.facts.clone(),
                retracted: Vec::new(),
                engine: cli.engine.clone(),
                inventory: cli.inventory.clone(),
                tables_unread: false,
                reuse_stored: false,
            },
        }
    }

    /// Loads the knowledge base at `paths` (none: the embedded one) into a session; prints
    /// the evaluation's warnings.
    ///
    /// Errors: the load error, printed; its exit code.
    pub fn session_at(&self, paths: &[PathBuf]) -> Result<Session, Exit> {
        let session = self.load_at(paths)?;
        // Lints are for `check`; evaluation warnings (overflow) matter to every answer.
        output::warnings(&session.kb.sources, &session.kb.evaluation_warnings());
        Ok(session)
    }

    /// As [`Context::session_at`], printing no warning (`check` prints them all).
    pub fn load_at(&self, paths: &[PathBuf]) -> Result<Session, Exit> {
        self.load_with(paths, &self.load)
    }

    /// As [`Context::load_at`] with another load configuration (a query file's inventory).
    ///
    /// Errors: the load error, printed; its exit code.
    pub fn load_with(&self, paths: &[PathBuf], load: &LoadConfig) -> Result<Session, Exit> {
        let texts = kb_texts_for(paths, load.inventory.is_some())
            .map_err(|d| output::load_error(self.format, &LoadError::from(d)))?;
        self.load_texts(texts, load)
    }

    /// As [`Context::load_with`], of these knowledge-base texts.
    ///
    /// Errors: the load error, printed; its exit code.
    pub fn load_texts(
        &self,
        texts: Vec<supportkb::source::SourceText>,
        load: &LoadConfig,
    ) -> Result<Session, Exit> {
        let _load = supportkb::source::timings::phase(|| "load the knowledge base".into());
        let session =
            Session::load(texts, load.clone()).map_err(|e| output::load_error(self.format, &e))?;
        // What the load says of a SQL engine's stored model (stale: evaluated again).
        for note in &session.kb.notes {
            supportkb::render::emit_err(&format!("note: {note}\n"));
        }
        Ok(session)
    }

    /// The session of `--kb` (or the embedded knowledge base).
    pub fn session(&self) -> Result<Session, Exit> {
        self.session_at(&self.kb)
    }
}

/// The kind of JSON document `command` prints.
fn document_kind(command: Option<&Command>) -> Kind {
    match command {
        Some(Command::Run { .. }) => Kind::Run,
        Some(Command::Test { .. }) => Kind::Test,
        Some(Command::Check { .. }) => Kind::Check,
        Some(Command::Explain { .. }) => Kind::Trace,
        Some(Command::Verify { .. }) => Kind::Verification,
        Some(Command::Eval { .. }) => Kind::Eval,
        Some(Command::Coverage { .. }) => Kind::Coverage,
        Some(Command::Search { .. }) => Kind::Search,
        Some(Command::Diff { .. }) => Kind::Diff,
        Some(Command::Sql { .. }) => Kind::Answers,
        Some(Command::Report { .. }) => Kind::Report,
        Some(Command::Query { .. } | Command::Repl) | None => Kind::Answers,
    }
}

/// Runs the command line.
pub fn run(cli: Cli) -> Exit {
    if cli.timings {
        supportkb::source::timings::enable();
    }
    let timings = cli.timings;
    let exit = run_command(cli);
    if timings {
        print_timings();
    }
    exit
}

/// The recorded phases and the process's peak resident memory, on standard error.
fn print_timings() {
    let phases = supportkb::source::timings::take();
    let mut text = supportkb::source::timings::report(&phases);
    // Linux reports the peak resident set as `VmHWM:   1234 kB`.
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().to_string()))
        });
    if let Some(peak) = peak {
        text.push_str(&format!("peak resident memory: {peak}\n"));
    }
    supportkb::render::emit_err(&text);
}

fn run_command(cli: Cli) -> Exit {
    let cx = Context::new(&cli);
    supportkb::render::text::set_row_limit(cli.rows);
    // A document written to a file (`-o`) keeps whole lines, as one piped does.
    let writes_file = matches!(
        &cli.command,
        Some(
            Command::Explain {
                output: Some(_),
                ..
            } | Command::Diff {
                output: Some(_),
                ..
            } | Command::Report {
                output: Some(_),
                ..
            }
        )
    );
    supportkb::render::text::set_width(cli.width.unwrap_or(if writes_file {
        0
    } else {
        supportkb::render::text::FOLLOW_TERMINAL
    }));
    output::document_kind(
        document_kind(cli.command.as_ref()),
        Public {
            internal: cli.internal,
        },
    );
    let html_page = matches!(
        cli.command,
        Some(Command::Report { .. } | Command::Explain { .. } | Command::Diff { .. })
    );
    if cx.format == Format::Html && !html_page {
        return output::rejected(
            Format::Text,
            Diagnostic::unplaced(
                Code::Input,
                "--format html is for `report`, `explain` and `diff`; other commands print text, json or markdown",
            ),
        );
    }
    let exit = match cli.command {
        Some(Command::Check {
            paths,
            plan,
            strict,
        }) => check::check(&cx, &paths, plan.as_deref(), strict),
        Some(Command::Query { queries, fail }) => query::query(&cx, &queries, &fail),
        Some(Command::Run { file }) => run::run(&cx, &file),
        Some(Command::Test {
            paths,
            junit,
            coverage,
            threshold,
            ignore,
            run,
            verbose,
        }) => run::test(
            &cx,
            &paths,
            &run::TestOptions {
                junit: junit.as_deref(),
                coverage: coverage || threshold.is_some(),
                threshold,
                ignore: &ignore,
                run: run.as_deref(),
                verbose,
            },
        ),
        Some(Command::Explain { question, output }) => {
            explain::explain(&cx, &question, output.as_deref())
        }
        Some(Command::Verify { trace }) => explain::verify(&cx, &trace),
        Some(Command::Eval {
            output,
            write_anywhere,
        }) => eval::eval(&cx, output.as_deref(), write_anywhere),
        Some(Command::Search { words, limit }) => search::search(&cx, &words, limit),
        Some(Command::Sql { dialect }) => sql::sql(&cx, dialect),
        Some(Command::Report { csv, output }) => report::report(
            &cx,
            csv.map(args::CsvKind::table),
            output.as_deref(),
            cli.timings,
        ),
        Some(Command::Coverage {
            source,
            uncovered,
            fail_under,
        }) => coverage::coverage(&cx, source.as_deref(), uncovered, fail_under),
        Some(Command::Diff {
            a,
            b,
            queries,
            full_proofs,
            output,
        }) => diff::diff(
            &cx,
            (&a, &b),
            queries.as_deref(),
            full_proofs,
            output.as_deref(),
        ),
        Some(Command::Repl) | None => match cx.session() {
            Ok(s) => {
                match supportkb::repl::run(s.kb, cx.format, cx.opts.for_reading(), cx.kb.clone()) {
                    supportkb::repl::ReplEnd::Ok => Exit::Ok,
                    _ => Exit::Rejected,
                }
            }
            Err(e) => e,
        },
    };
    if cx.format == Format::Json {
        output::finish_json();
    }
    if output::stdout_closed() {
        Exit::Ok
    } else {
        exit
    }
}
