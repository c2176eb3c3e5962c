//! Golden cases: every folder `tests/cases/NAME/` is one run of the `supportkb` command whose
//! standard output, standard error and exit code must be exactly the expected ones.
//!
//! A case folder holds
//! - the knowledge base: its `*.kb` files (none: the embedded CMG knowledge base), and the
//!   `*.tsv` / `*.csv` files they read;
//! - what to run: `queries.kbq` (run as `supportkb --kb F… run queries.kbq`) and/or
//!   `queries.txt` (one query per line, run as `supportkb --kb F… query LINE…`); with neither,
//!   `supportkb check F…`. When both are present both run, the query file first: their
//!   outputs are joined and the exit code is the larger of the two. An `args` file instead
//!   gives the command line itself, one argument per line (for inputs the defaults cannot
//!   name: a missing file, a folder); other files of the folder are then its inputs;
//! - the expectations: `expected.out` (stdout), `expected.err` (stderr) and `expected.code`
//!   (the exit code); an absent `expected.out` or `expected.err` means empty, an absent
//!   `expected.code` means 0.
//!
//! - `known-wrong` (rare): says what the tool prints now that is wrong; the expected files
//!   then hold the right output, the case must still differ from them, and it is never
//!   blessed. Once the tool is fixed the case fails until this file is deleted.
//!
//! Each case runs from inside its folder, so diagnostics name `kb.kb:line:col` as a user sees
//! them. Beyond the exact comparison, every diagnostic that names a place in a file of the
//! case (or in `<query>`) must underline that very column.
//!
//! A new case is a new folder. To write (or rewrite) the expected files from what the tool
//! prints now, run
//!
//! ```sh
//! SUPPORTKB_BLESS=1 cargo test --test cases
//! ```
//!
//! then read every file it wrote: blessed output is the specification, so it must be right,
//! not only what the tool printed. `tests/cases/README.md` says the same for the folder.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};

/// Files a case folder may hold besides its `*.kb` files and the `*.tsv` / `*.csv` files
/// they read (and, with `args`, any input the command line names).
const KNOWN: &[&str] = &[
    "queries.kbq",
    "queries.txt",
    "args",
    "expected.out",
    "expected.err",
    "expected.code",
    KNOWN_WRONG,
];

/// A case whose expected files hold the right output that the tool does not give yet; the
/// file says what is wrong. Such a case must differ from its expected files (and is never
/// blessed); once it matches, the file is to be deleted.
const KNOWN_WRONG: &str = "known-wrong";

/// What one case ran and printed.
struct Outcome {
    /// The command lines, for the report.
    commands: Vec<Vec<String>>,
    stdout: String,
    stderr: String,
    code: i32,
}

/// The case folders, sorted by name.
fn case_dirs() -> Vec<PathBuf> {
    let root = Path::new(ROOT).join("tests/cases");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn read_opt(path: &Path) -> Option<String> {
    match fs::read(path) {
        Ok(bytes) => Some(
            String::from_utf8(bytes).unwrap_or_else(|_| panic!("{} is not UTF-8", path.display())),
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

/// The command lines of the case in `dir` (arguments after `supportkb`).
fn commands(dir: &Path) -> Result<Vec<Vec<String>>, String> {
    let mut kbs = Vec::new();
    let mut others = Vec::new();
    for e in fs::read_dir(dir).map_err(|e| e.to_string())? {
        let e = e.map_err(|e| e.to_string())?;
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_file() && name.ends_with(".kb") {
            kbs.push(name);
        } else if !KNOWN.contains(&name.as_str())
            && !name.ends_with(".tsv")
            && !name.ends_with(".csv")
        {
            others.push(name);
        }
    }
    kbs.sort();
    if let Some(args) = read_opt(&dir.join("args")) {
        let args: Vec<String> = args.lines().map(str::to_string).collect();
        if args.is_empty() {
            return Err("`args` is empty".into());
        }
        return Ok(vec![args]);
    }
    if !others.is_empty() {
        others.sort();
        return Err(format!(
            "unknown files {others:?} (a case holds *.kb, *.tsv, *.csv, {KNOWN:?}; other inputs need `args`)"
        ));
    }
    let with_kb = |rest: &[&str]| -> Vec<String> {
        let mut args = Vec::new();
        for kb in &kbs {
            args.push("--kb".to_string());
            args.push(kb.clone());
        }
        args.extend(rest.iter().map(|s| s.to_string()));
        args
    };
    let mut cmds = Vec::new();
    if dir.join("queries.kbq").is_file() {
        cmds.push(with_kb(&["run", "queries.kbq"]));
    }
    if let Some(text) = read_opt(&dir.join("queries.txt")) {
        let queries: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        if queries.is_empty() {
            return Err("`queries.txt` has no query".into());
        }
        let mut args = with_kb(&["query"]);
        args.extend(queries.iter().map(|q| q.to_string()));
        cmds.push(args);
    }
    if cmds.is_empty() {
        if kbs.is_empty() {
            return Err("nothing to run: no *.kb file, no queries.kbq, queries.txt or args".into());
        }
        let mut args = vec!["check".to_string()];
        args.extend(kbs.iter().cloned());
        cmds.push(args);
    }
    Ok(cmds)
}

fn run_case(dir: &Path) -> Result<Outcome, String> {
    let commands = commands(dir)?;
    let mut out = Outcome {
        commands: commands.clone(),
        stdout: String::new(),
        stderr: String::new(),
        code: 0,
    };
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run_in(dir, &args);
        out.stdout.push_str(&r.stdout);
        out.stderr.push_str(&r.stderr);
        out.code = out.code.max(r.code);
    }
    Ok(out)
}

/// Where two texts first differ, for the report.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    for i in 0..w.len().max(g.len()) {
        if w.get(i) != g.get(i) {
            return format!(
                "line {}: expected {:?}, got {:?}",
                i + 1,
                w.get(i).copied().unwrap_or("<end>"),
                g.get(i).copied().unwrap_or("<end>")
            );
        }
    }
    "only in line endings or a final newline".into()
}

/// The differences between a case's outcome and its expected files.
fn compare(dir: &Path, out: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    for (file, got) in [("expected.out", &out.stdout), ("expected.err", &out.stderr)] {
        let want = read_opt(&dir.join(file)).unwrap_or_default();
        if &want != got {
            problems.push(format!(
                "{file} differs ({}):\n--- expected ---\n{want}\n--- actual ---\n{got}",
                first_difference(&want, got)
            ));
        }
    }
    let want_code: i32 = match read_opt(&dir.join("expected.code")) {
        Some(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{}/expected.code is not a number", dir.display())),
        None => 0,
    };
    if want_code != out.code {
        problems.push(format!(
            "exit code {}, expected {want_code}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            out.code, out.stdout, out.stderr
        ));
    }
    problems
}

/// Every diagnostic that names a place in one of the case's files (or in a query) and shows
/// its source excerpt underlines that place. (A line too long to show whole is shown as a
/// window, `│ …text…`, whose columns are not the file's: those are compared only exactly.)
fn check_places(dir: &Path, out: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    for text in [&out.stderr, &out.stdout] {
        for (file, line, col) in diagnostic_places(text) {
            if file != "<query>" && !dir.join(&file).is_file() {
                continue;
            }
            let header = format!(": {file}:{line}:{col}:");
            let excerpt = text
                .lines()
                .skip_while(|l| !l.contains(&header))
                .nth(1)
                .is_some_and(|l| l.trim_start().starts_with("╭─["));
            if !excerpt {
                continue;
            }
            if let Err(e) = points_at(text, &file, line, col) {
                problems.push(format!("the diagnostic at {file}:{line}:{col}: {e}"));
            }
        }
    }
    problems
}

/// Writes the expected files from `out`: empty output and exit code 0 are absent files.
fn bless(dir: &Path, out: &Outcome) {
    let code = if out.code == 0 {
        String::new()
    } else {
        format!("{}\n", out.code)
    };
    for (file, text) in [
        ("expected.out", &out.stdout),
        ("expected.err", &out.stderr),
        ("expected.code", &code),
    ] {
        let path = dir.join(file);
        if text.is_empty() {
            if path.exists() {
                fs::remove_file(&path).unwrap();
            }
        } else if read_opt(&path).as_ref() != Some(text) {
            fs::write(&path, text).unwrap();
            eprintln!("blessed {}", path.display());
        }
    }
}

#[test]
fn golden_cases() {
    let blessing = std::env::var_os("SUPPORTKB_BLESS").is_some_and(|v| v == "1");
    let dirs = case_dirs();
    assert!(dirs.len() >= 50, "only {} case folders", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let out = match run_case(dir) {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("case {name}: {e}"));
                continue;
            }
        };
        let mut problems = check_places(dir, &out);
        if let Some(wrong) = read_opt(&dir.join(KNOWN_WRONG)) {
            // The expected files hold the right output; the tool does not give it yet.
            if problems.is_empty() && compare(dir, &out).is_empty() {
                failures.push(format!(
                    "case {name} now gives its expected output: delete its {KNOWN_WRONG} file"
                ));
            } else {
                eprintln!("case {name} is known to be wrong: {}", wrong.trim());
            }
            continue;
        }
        if blessing {
            bless(dir, &out);
        } else {
            problems.extend(compare(dir, &out));
        }
        if !problems.is_empty() {
            let cmds: Vec<String> = out
                .commands
                .iter()
                .map(|c| format!("supportkb {c:?}"))
                .collect();
            failures.push(format!(
                "case {name} (ran {}):\n{}",
                cmds.join(" then "),
                problems.join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed (SUPPORTKB_BLESS=1 rewrites the expected files):\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}
