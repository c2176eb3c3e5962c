//! Every column examples/estate/README.md documents is either required (a header without
//! it is an input error naming the column and the file, exit 2) or documented as optional
//! (a file without it gives the same report): the tables' `Required` column is checked
//! against what the reader does, column by column.

mod common;

use common::*;
use std::path::Path;

const SAMPLE: &str = "examples/estate/sample";
const FILES: [&str; 4] = ["clients.csv", "site_systems.csv", "cmgs.csv", "sites.csv"];

/// The documented columns of `file`: (name, required), from the table under `## FILE` in
/// examples/estate/README.md, whose `Required` cell starts with `yes` or `no`.
fn documented(file: &str) -> Vec<(String, bool)> {
    let readme =
        std::fs::read_to_string(Path::new(ROOT).join("examples/estate/README.md")).unwrap();
    let section = readme
        .split(&format!("\n## {file}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no section for {file}"));
    let mut lines = section.lines().skip_while(|l| !l.starts_with('|'));
    let head: Vec<&str> = lines.next().unwrap().split('|').map(str::trim).collect();
    let required = head
        .iter()
        .position(|h| *h == "Required")
        .unwrap_or_else(|| panic!("{file}: the table has no `Required` column: {head:?}"));
    lines
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let name = cells[1].trim_matches('`').to_string();
            let r = cells[required];
            assert!(
                r.starts_with("yes") || r.starts_with("no"),
                "{file}: `{name}`: Required is `{r}`"
            );
            (name, r.starts_with("yes"))
        })
        .collect()
}

/// A copy of the sample with column `col` of `file` removed (the sample has no quoted cell).
fn without_column(file: &str, col: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in FILES {
        let text = std::fs::read_to_string(Path::new(ROOT).join(SAMPLE).join(f)).unwrap();
        let text = if f == file {
            let at = text
                .lines()
                .next()
                .unwrap()
                .split(',')
                .position(|h| h == col)
                .unwrap_or_else(|| panic!("{file} has no column `{col}`"));
            text.lines()
                .map(|l| {
                    let mut cells: Vec<&str> = l.split(',').collect();
                    cells.remove(at);
                    cells.join(",") + "\n"
                })
                .collect()
        } else {
            text
        };
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    dir
}

#[test]
fn the_documented_columns_are_the_samples_columns() {
    for file in FILES {
        let text = std::fs::read_to_string(Path::new(ROOT).join(SAMPLE).join(file)).unwrap();
        let header: Vec<String> = text
            .lines()
            .next()
            .unwrap()
            .split(',')
            .map(String::from)
            .collect();
        let doc: Vec<String> = documented(file).into_iter().map(|(n, _)| n).collect();
        assert_eq!(header, doc, "{file}");
    }
}

#[test]
fn a_required_column_missing_is_an_error_naming_it_and_an_optional_one_changes_nothing() {
    let full = run(&["report", "--inventory", SAMPLE, "--format", "json"]);
    assert_eq!(full.code, 0, "{full:?}");
    for file in FILES {
        for (col, required) in documented(file) {
            let dir = without_column(file, &col);
            let r = run(&[
                "report",
                "--inventory",
                dir.path().to_str().unwrap(),
                "--format",
                "json",
            ]);
            if required {
                assert_eq!(r.code, 2, "{file} without required `{col}`: {r:?}");
                let first = r.stderr.lines().next().unwrap_or_default();
                assert!(
                    first.contains(&format!("{file}:1")) && first.contains(&format!("`{col}`")),
                    "{file} without `{col}`: {r:?}"
                );
            } else {
                assert_eq!(r.code, 0, "{file} without optional `{col}`: {r:?}");
                assert_eq!(r.stdout, full.stdout, "{file} without optional `{col}`");
            }
        }
    }
}
