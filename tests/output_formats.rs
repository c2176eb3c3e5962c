//! One rule for the format of a file written with `-o FILE`, in `report`, `explain` and
//! `diff` alike (README, "Output files"): without `--format` (or `--csv`) the extension
//! chooses; an extension that names no format, or none, is an error listing those known; an
//! explicit `--format` that disagrees with a known extension is an error; with an
//! extension that names no format, `--format` chooses. Guards: `-o r.xyz` and `-o r` wrote
//! text silently, `--format text -o x.json` wrote JSON.

mod common;

use common::*;

const SAMPLE: &str = "examples/estate/sample";
const H: &str = "examples/cmg-history";

/// The command line of each command writing `-o FILE`, before `-o`.
fn commands() -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        s(&["--inventory", SAMPLE, "report"]),
        s(&["explain", "supported? peer_cache"]),
        s(&[
            "diff",
            &format!("{H}/2020-11-30-memdocs"),
            &format!("{H}/2022-07-12-memdocs-57cb874b"),
        ]),
    ]
}

fn write(command: &[String], flags: &[&str], file: &str) -> (Run, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(file);
    let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
    args.extend(flags);
    args.extend(["-o", out.to_str().unwrap()]);
    let r = run(&args);
    let written = std::fs::read_to_string(&out).ok();
    (r, written)
}

/// What a written file's text is: JSON, Markdown, HTML, CSV or text.
fn kind_of(text: &str) -> &'static str {
    if text.starts_with('{') {
        "json"
    } else if text.starts_with("<!DOCTYPE html") || text.starts_with("<!doctype html") {
        "html"
    } else if text.starts_with('#') {
        "markdown"
    } else if text.starts_with("resource_id,") {
        "csv"
    } else {
        "text"
    }
}

#[test]
fn without_format_the_extension_chooses_and_an_unknown_one_is_an_error() {
    for command in commands() {
        for (file, kind) in [
            ("o.json", "json"),
            ("o.md", "markdown"),
            ("o.html", "html"),
            ("o.txt", "text"),
            ("O.JSON", "json"),
        ] {
            let (r, written) = write(&command, &[], file);
            assert!(r.code <= 1, "{command:?} {file}: {r:?}");
            assert_eq!(kind_of(&written.unwrap()), kind, "{command:?} {file}");
        }
        for file in ["o.xyz", "o"] {
            let (r, written) = write(&command, &[], file);
            assert_eq!(r.code, 2, "{command:?} {file}: {r:?}");
            assert!(written.is_none(), "{command:?} {file}: nothing written");
            assert!(
                r.stderr.contains("names no format") && r.stderr.contains(".json, .md"),
                "{command:?} {file}: {r:?}"
            );
            assert!(r.stderr.contains("--format"), "{r:?}");
        }
    }
    // The report alone writes CSV.
    let (r, written) = write(&commands()[0], &[], "o.csv");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(kind_of(&written.unwrap()), "csv");
}

#[test]
fn an_explicit_format_must_agree_with_a_known_extension() {
    for command in commands() {
        for (flags, file) in [
            (&["--format", "text"][..], "x.json"),
            (&["--format", "json"], "x.md"),
            (&["--format", "markdown"], "x.html"),
            (&["--format", "html"], "x.txt"),
        ] {
            let (r, written) = write(&command, flags, file);
            assert_eq!(r.code, 2, "{command:?} {flags:?} {file}: {r:?}");
            assert!(written.is_none(), "{command:?} {flags:?} {file}");
            let all = format!("{}{}", r.stdout, r.stderr);
            assert!(all.contains("conflicting"), "{command:?} {flags:?}: {r:?}");
        }
        // Agreeing, or an extension that names no format: --format chooses.
        for (flags, file, kind) in [
            (&["--format", "json"][..], "x.json", "json"),
            (&["--format", "text"], "x.txt", "text"),
            (&["--format", "json"], "x.out", "json"),
            (&["--format", "markdown"], "x", "markdown"),
        ] {
            let (r, written) = write(&command, flags, file);
            assert!(r.code <= 1, "{command:?} {flags:?} {file}: {r:?}");
            assert_eq!(kind_of(&written.unwrap()), kind, "{command:?} {flags:?}");
        }
    }
}
