//! The command line: global options and one subcommand each (clap).

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use supportkb::engine::EvalConfig;
use supportkb::render::Format;

/// Default of `--max-memory`, in MB: a third of a 24 GB machine.
pub const DEFAULT_MAX_MEMORY_MB: u64 = 8192;

/// Bytes each intermediate row is counted as by `--max-memory`.
pub const BYTES_PER_ROW: u64 = 32;

/// The command line with the exit codes at the end of every command's help, the top
/// level's included.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    fn with_codes(c: clap::Command) -> clap::Command {
        let codes = super::output::EXIT_CODES_HELP;
        let text = match c.get_after_help() {
            Some(before) => format!("{before}\n\n{codes}"),
            None => codes.to_string(),
        };
        c.after_help(text)
    }
    with_codes(Cli::command()).mut_subcommands(with_codes)
}

/// Parses the process's arguments (exits with clap's message on a bad one).
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let matches = command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // Whether `--format` was given: a file's extension chooses its format only when not.
    cli.format_given =
        std::iter::successors(Some(&matches), |m| m.subcommand().map(|(_, sub)| sub))
            .any(|m| m.value_source("format") == Some(clap::parser::ValueSource::CommandLine));
    cli
}

/// Global options and the subcommand.
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
        supportkb explain 'supported? peer_cache' -o trace.json && supportkb verify trace.json"
)]
pub struct Cli {
    /// Load this .kb file or folder instead of the embedded CMG knowledge base (repeat for more).
    #[arg(long, value_name = "PATH", global = true, action = clap::ArgAction::Append)]
    pub kb: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
    /// Whether `--format` was given on the command line (not its default).
    #[arg(skip)]
    pub format_given: bool,
    /// Cut explanations N levels down: cut proof nodes get handles `#K` that `why #K`
    /// expands; `why not` follows rules N levels (default 4).
    #[arg(long, global = true, value_name = "N")]
    pub depth: Option<usize>,
    /// Show up to K distinct derivations of each answer (other rules or premises), smallest first.
    #[arg(long, default_value_t = 1, global = true, value_name = "K", value_parser = clap::value_parser!(u16).range(1..))]
    pub proofs: u16,
    /// Prove at most N answer rows (a `why` with variables, a question or `?-` query with
    /// many rows); the answer says how many of how many were proved.
    #[arg(long, default_value_t = supportkb::query::MAX_PROOFS, global = true, value_name = "N")]
    pub prove: usize,
    /// Show at most N rows of a table, and say how many more there are (0: all). JSON and
    /// Markdown keep every row (the report's HTML and CSV too).
    #[arg(long, default_value_t = supportkb::render::text::DEFAULT_ROW_LIMIT, global = true, value_name = "N")]
    pub rows: usize,
    /// Fit text to N columns: long lines wrap at spaces, continuation lines indented under
    /// the proof tree, tables wrap their cells (0: never wrap). Default: the terminal's width
    /// on a terminal (its size, else COLUMNS); piped or written to a file, lines are kept whole.
    #[arg(long, global = true, value_name = "N")]
    pub width: Option<usize>,
    /// Stop evaluation after deriving this many tuples.
    #[arg(long, default_value_t = EvalConfig::default().max_tuples, global = true, value_name = "N")]
    pub max_tuples: usize,
    /// Evaluate the Configuration Manager inventory in FOLDER (clients.csv, site_systems.csv,
    /// cmgs.csv, sites.csv; see examples/estate/README.md) against the CMG knowledge base:
    /// adds the estate rules (rules/cmg/estate.kb, estate_open.kb) to the embedded knowledge base.
    #[arg(long, global = true, value_name = "FOLDER")]
    pub inventory: Option<PathBuf>,
    /// Read more facts from FOLDER: `PRED.tsv` or `PRED.csv` for any predicate PRED.
    #[arg(long, global = true, value_name = "FOLDER")]
    pub facts: Option<PathBuf>,
    /// Bound the memory of every evaluation, in MB. The bound counts rows of intermediate
    /// results, not bytes allocated: each row counts as 32 bytes, so evaluation stops past
    /// MB × 1,048,576 / 32 rows.
    #[arg(long, default_value_t = DEFAULT_MAX_MEMORY_MB, global = true, value_name = "MB", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_memory: u64,
    /// Stop evaluation after this many seconds (more than 0).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<std::time::Duration>,
    /// Evaluate on N threads: large batches of rows are sorted, and the model built from
    /// them, in parallel; answers and derivation heights are the same for every N. Default:
    /// the cores available, at most 16; 1 evaluates on one thread; at most 256 (each thread
    /// is started, so a mistyped count cannot start thousands).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    /// JSON: keep the engine's bookkeeping fields (a proof node's `height`, the round its
    /// tuple was first derived in), which are left out by default.
    #[arg(long, global = true)]
    pub internal: bool,
    /// Do not record derivation heights (proofs then cannot be rebuilt); only for measuring
    /// what heights cost.
    #[arg(long, global = true, hide = true)]
    pub no_heights: bool,
    /// Where the knowledge base is evaluated: `memory` (the default), `sqlite:FILE` (a
    /// SQLite database file, created if missing) or `postgres://USER@HOST/DB` (a
    /// PostgreSQL server). On a database the model stays in its tables (`skb_…`).
    #[arg(long, global = true, value_name = "ENGINE", default_value = "memory", value_parser = supportkb::sql::Engine::parse)]
    pub engine: supportkb::sql::Engine,
    /// Print to standard error, at exit, the wall time of each phase (parsing, checking,
    /// reading fact files, each stratum, building the model, output) and the peak memory.
    #[arg(long, global = true)]
    pub timings: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Answer queries given as arguments, e.g. `supportkb query 'supported? peer_cache'`.
    Query {
        /// One or more queries (questions, `?- …`, `why …`, `why not …`); `-` reads them
        /// from standard input, one statement after another (a query may span lines).
        #[arg(required = true)]
        queries: Vec<String>,
        #[command(flatten)]
        fail: FailOn,
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
        /// List the facts and rules of each knowledge base that no proof used, with the
        /// share of clauses, facts and rules some proof used, in percent.
        #[arg(long)]
        coverage: bool,
        /// Exit 1 when some knowledge base's coverage (clauses used by some proof, in percent)
        /// is under PCT (0 to 100); implies --coverage.
        #[arg(long, value_name = "PCT", value_parser = percent)]
        threshold: Option<f64>,
        /// Leave out the files and folders this glob matches: without a `/` it matches a
        /// file's or folder's name (`fixtures`, `*.slow.kbq`), with one a path from here
        /// (`tests/cases`, `**/broken/*.kbq`). Repeatable. A folder holding a
        /// `.supportkb-skip` file is left out too, unless named as a path.
        #[arg(long, value_name = "GLOB")]
        ignore: Vec<String>,
        /// Run only the queries whose text (as written) or whose file's path this regular
        /// expression matches; the others are left out of the report.
        #[arg(long, value_name = "PATTERN")]
        run: Option<String>,
        /// List every query with its result (ok, FAIL, or ran: printed only) and its time.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Check knowledge-base files (syntax, arity, safety, stratification, citations, lints).
    Check {
        /// Files or folders; the embedded knowledge base (or --kb) when none.
        paths: Vec<PathBuf>,
        /// Also print the strata and each rule's plan (order of literals, join keys,
        /// antijoins, filters); with PRED, only the rules of that predicate.
        #[arg(long, value_name = "PRED", num_args = 0..=1, default_missing_value = "")]
        plan: Option<String>,
        /// Treat warnings (lints, quotes not found in their source's text, broken keys) as
        /// errors: exit 2 when there is any.
        #[arg(long)]
        strict: bool,
    },
    /// Write an audit trace of one question: the answer, every proof with its rules,
    /// substitutions and quoted citations, and the SHA-256 of every knowledge-base file.
    Explain {
        /// The question (any query form).
        question: String,
        /// Write the trace here (atomically) instead of to standard output. Without
        /// --format the extension chooses the format (.json, .md, .txt, .html: one
        /// self-contained page with collapsible proofs and each citation in context); any
        /// other extension needs --format, and --format must agree with a known one.
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
        /// Let `output P to "FILE"` write outside the folder of the file that declares it
        /// (and outside --output): an absolute path or `../`.
        #[arg(long)]
        write_anywhere: bool,
    },
    /// How much of its documents the knowledge base says: every statement of each pinned
    /// source text (sentences, list items, table rows; headings, link lists and navigation
    /// as such) with the clauses whose @cite or @note quotes it, or the `unencoded` mark
    /// that says why none does, and the share covered per source.
    #[command(after_help = "Examples:\n  \
        supportkb coverage                       every pinned text of the embedded knowledge base\n  \
        supportkb coverage --source cmg --uncovered   what no clause cites and no mark explains\n  \
        supportkb --kb rules/ coverage --fail-under 100   exit 1 unless every statement is covered\n\n\
        Mark a statement as deliberately not encoded in a .kb file:\n  \
        unencoded cmg line 94 because \"navigation: points to the next article\".")]
    Coverage {
        /// Only this source (by the name citations use).
        #[arg(long, value_name = "NAME")]
        source: Option<String>,
        /// List only the statements neither cited nor marked (the summary stays whole).
        #[arg(long)]
        uncovered: bool,
        /// Exit 1 when a source's share covered is below PERCENT (0 to 100).
        #[arg(long, value_name = "PERCENT", value_parser = percent)]
        fail_under: Option<f64>,
    },
    /// Where does the document talk about X? Ranked full-text search (BM25, words stemmed)
    /// over the statements of the pinned source texts, the quotes and notes of sources that
    /// pin none, and the predicates' documentation. Each hit shows its source line, the
    /// clauses citing it and a question to ask about it.
    #[command(after_help = "Examples:\n  \
        supportkb search peer cache\n  \
        supportkb search ipv6 clients --limit 3\n  \
        supportkb search token authentication --format json")]
    Search {
        /// The words to look for (any order; each word found counts).
        #[arg(required = true)]
        words: Vec<String>,
        /// Show at most N hits.
        #[arg(long, default_value_t = 10, value_name = "N")]
        limit: usize,
    },
    /// What changed between two knowledge bases (two revisions of a document): asks both
    /// the same questions — by default every verdict predicate (a keyed predicate with an
    /// `answer` or `verdict` column) over the subjects of both — and reports each answer
    /// that changed, with both answers and the lines they cite. Names are matched through
    /// `alias(new, old)` facts. Exit 1 when an answer changed, 0 when none did.
    #[command(after_help = "Examples:\n  \
        supportkb diff examples/cmg-history/2022-07-12-memdocs-57cb874b examples/cmg-history/current-memdocs-5839143a\n  \
        supportkb diff OLD.kb NEW.kb --queries checks.kbq --full-proofs\n  \
        supportkb diff OLD.kb NEW.kb --format json")]
    Diff {
        /// The knowledge base before (a .kb file or a folder).
        a: PathBuf,
        /// The knowledge base after.
        b: PathBuf,
        /// Ask the questions (`p? a …`) of this query file instead.
        #[arg(long, value_name = "Q.kbq")]
        queries: Option<PathBuf>,
        /// Show both answers' whole proof trees, not only the lines they cite.
        #[arg(long)]
        full_proofs: bool,
        /// Write the report here (atomically) instead of to standard output. Without
        /// --format the extension chooses the format (.json, .md, .txt, .html: one
        /// self-contained page); any other extension needs --format, and --format must
        /// agree with a known one.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print the knowledge base compiled to SQL: the schema, the facts, and each stratum's
    /// round of statements (what `--engine sqlite:FILE` or `--engine postgres://…` runs).
    Sql {
        /// The SQL dialect.
        #[arg(long, value_enum, default_value_t = SqlDialect::Postgres)]
        dialect: SqlDialect,
    },
    /// Evaluate a Configuration Manager inventory (--inventory FOLDER) against the CMG
    /// knowledge base: the summary by finding with counts and the article's lines, the CMG
    /// and site findings, and the table of clients blocked or at risk. `why blocked(ID, B)`
    /// (with --inventory) proves any row.
    #[command(after_help = "Examples:\n  \
        supportkb report --inventory examples/estate/sample\n  \
        supportkb report --inventory examples/estate/sample --csv summary\n  \
        supportkb report --inventory DIR -o report.html    (.csv, .json, .md, .txt, .html, or --format)")]
    Report {
        /// Print CSV: the table of affected clients, the summary, or the CMG and site findings.
        #[arg(long, value_enum, value_name = "TABLE", num_args = 0..=1, default_missing_value = "clients")]
        csv: Option<CsvKind>,
        /// Write the report here (atomically). Without --format or --csv the extension
        /// chooses the format (.csv, .json, .md, .txt, .html); any other extension needs
        /// one of them, and they must agree with a known one.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Interactive session (the default). Piped standard input runs as a script.
    Repl,
}

/// Verdicts that make `query` exit 1, in the spirit of OPA's `--fail` and `--fail-defined`.
/// A verdict is the first line of a question's answer (`yes`, `no`, `unknown`, `ambiguous`,
/// or the value a predicate answers with, like `valid`; several values are `mixed`; a count of
/// the subjects a question leaves open, `supported? _ no`, is `yes`); a `?-`
/// query or `why` is `yes` when it matches, else `unknown`, and a `why not` of a goal the
/// knowledge base contradicts is `no`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FailOn {
    /// Exit 1 unless every answer's verdict is one of VERDICTS (comma-separated, e.g.
    /// `--fail-unless yes`).
    #[arg(long, value_name = "VERDICTS", value_delimiter = ',', value_parser = parse_verdict)]
    pub fail_unless: Vec<String>,
    /// Exit 1 if some answer's verdict is one of VERDICTS (comma-separated, e.g.
    /// `--fail-on no,unknown`).
    #[arg(long, value_name = "VERDICTS", value_delimiter = ',', value_parser = parse_verdict)]
    pub fail_on: Vec<String>,
}

impl FailOn {
    /// The flag a verdict of this kind (`Answer::verdict_kind`: `yes`, `no`, `unknown`,
    /// `mixed` or a value) fails by, as written (`--fail-on no,unknown`), if it fails.
    pub fn fails(&self, kind: &str) -> Option<String> {
        if !self.fail_unless.is_empty() && !self.fail_unless.iter().any(|v| v == kind) {
            return Some(format!("--fail-unless {}", self.fail_unless.join(",")));
        }
        self.fail_on
            .iter()
            .any(|v| v == kind)
            .then(|| format!("--fail-on {}", self.fail_on.join(",")))
    }
}

impl FailOn {
    /// The first listed verdict no answer can have: neither `yes`, `no`, `unknown`, `mixed`
    /// nor a value of the knowledge base (`values`, its interned constants; a string counts
    /// by its text), as an error naming the flag. A typo would otherwise never match.
    pub fn unknown_verdict(&self, values: &[supportkb::ir::Const]) -> Option<String> {
        const KINDS: [&str; 4] = ["yes", "no", "unknown", "mixed"];
        let held = |w: &str| {
            KINDS.contains(&w)
                || values.iter().any(|c| match c {
                    supportkb::ir::Const::Str(s) => s.as_str() == w,
                    c => c.to_string() == w,
                })
        };
        let lists = [
            ("--fail-unless", &self.fail_unless),
            ("--fail-on", &self.fail_on),
        ];
        lists.into_iter().find_map(|(flag, list)| {
            list.iter().find(|w| !held(w)).map(|w| {
                format!(
                    "{flag}: no answer can have the verdict `{w}`: a verdict is yes, no, unknown, mixed, or a value the knowledge base holds (like valid)"
                )
            })
        })
    }
}

/// One verdict of `--fail-on` / `--fail-unless`: a word.
fn parse_verdict(s: &str) -> Result<String, String> {
    let v = s.trim();
    if v.is_empty() || v.contains(char::is_whitespace) {
        return Err(format!(
            "`{s}` is not a verdict: give words like yes, no, unknown, separated by commas"
        ));
    }
    Ok(v.to_string())
}

/// The table `report --csv` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvKind {
    /// One row per client blocked or at risk.
    Clients,
    /// One row per finding, with its count.
    Summary,
    /// One row per CMG or site finding.
    Findings,
}

impl CsvKind {
    /// The report's table.
    pub fn table(self) -> supportkb::render::estate::CsvTable {
        match self {
            CsvKind::Clients => supportkb::render::estate::CsvTable::Clients,
            CsvKind::Summary => supportkb::render::estate::CsvTable::Summary,
            CsvKind::Findings => supportkb::render::estate::CsvTable::Findings,
        }
    }
}

/// `--timeout`: a positive, finite number of seconds, at most a year.
pub fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
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

/// `supportkb sql --dialect`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SqlDialect {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// A percentage from 0 to 100, for `--threshold` and `--fail-under`.
fn percent(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a percentage from 0 to 100")),
    }
}
