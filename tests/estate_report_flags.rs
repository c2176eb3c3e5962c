//! The report's flags: `--rows N` cuts the text table of clients and says how many more
//! there are (CSV and JSON stay complete); `--csv` with a `--format` or an output file of
//! another format is refused (it printed CSV, ignoring the format); the captions read as
//! English.

mod common;

use common::*;

const SAMPLE: &str = "examples/estate/sample";

/// The client rows of a text report: lines that start with a resource id.
fn client_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_digit()))
        })
        .collect()
}

#[test]
fn rows_cuts_the_text_table_of_clients_and_says_how_many_more() {
    let all = run(&["report", "--inventory", SAMPLE, "--rows", "0"]);
    assert_eq!(all.code, 0, "{all:?}");
    let total = client_lines(&all.stdout).len();
    assert!(total > 10, "{all:?}");
    let cut = run(&["report", "--inventory", SAMPLE, "--rows", "10"]);
    assert_eq!(cut.code, 0, "{cut:?}");
    let shown = client_lines(&cut.stdout);
    assert_eq!(shown, client_lines(&all.stdout)[..10].to_vec(), "{cut:?}");
    assert!(
        cut.stdout.contains(&format!(
            "… {} more clients (--rows 0 shows all)",
            total - 10
        )),
        "{cut:?}"
    );
    // The summary is not cut, and CSV and JSON keep every client.
    assert!(cut.stdout.contains("cmg_name_ambiguous"), "{cut:?}");
    let csv = run(&["report", "--inventory", SAMPLE, "--rows", "10", "--csv"]);
    assert_eq!(csv.stdout.lines().count(), total + 1, "{csv:?}");
    let js = json(&run(&[
        "report",
        "--inventory",
        SAMPLE,
        "--rows",
        "10",
        "--format",
        "json",
    ]));
    assert_eq!(js["affected"].as_array().unwrap().len(), total);
}

#[test]
fn csv_with_another_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let json_out = dir.path().join("r.json");
    let json_out = json_out.to_str().unwrap();
    let csv_out = dir.path().join("r.csv");
    let csv_out = csv_out.to_str().unwrap();
    for args in [
        vec!["--format", "json", "--csv", "summary"],
        vec!["--format", "markdown", "--csv"],
        vec!["--csv", "-o", json_out],
        vec!["--format", "html", "-o", csv_out],
    ] {
        let mut all = vec!["report", "--inventory", SAMPLE];
        all.extend(&args);
        let r = run(&all);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        // Under --format json the error is the JSON document; else it goes to stderr.
        let said = if args.contains(&"json") {
            &r.stdout
        } else {
            &r.stderr
        };
        assert!(
            said.contains("conflicting report formats"),
            "{args:?}: {r:?}"
        );
        assert!(
            !r.stdout.contains("resource_id"),
            "no report written: {args:?}: {r:?}"
        );
    }
    assert!(!dir.path().join("r.json").exists());
    assert!(!dir.path().join("r.csv").exists());
    // Agreeing flags still work.
    let r = run(&["report", "--inventory", SAMPLE, "--csv", "-o", csv_out]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn the_html_captions_read_as_english() {
    let r = run(&["report", "--inventory", SAMPLE, "--format", "html"]);
    assert_eq!(r.code, 0, "{r:?}");
    let captions: Vec<&str> = r
        .stdout
        .split("<caption>")
        .skip(1)
        .filter_map(|c| c.split("</caption>").next())
        .collect();
    assert!(
        captions.contains(&"Findings about the CMGs"),
        "{captions:?}"
    );
    assert!(
        captions.contains(&"Findings about the sites"),
        "{captions:?}"
    );
    assert!(!r.stdout.contains("CMGs findings"), "{captions:?}");
}
