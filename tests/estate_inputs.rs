//! Input errors of an inventory: a cell that is not of its column's type is an error at
//! `file:line` naming the column, and the error leads with the admin's file (its line,
//! column and a caret), the estate rules' declaration following as context.

mod common;

use common::estate::edited_sample;
use common::*;
use std::path::Path;

const SAMPLE: &str = "examples/estate/sample";

/// A version that is not dotted numbers was read as text and silently gave no release.
#[test]
fn an_unparsable_site_version_is_an_error_at_its_line_naming_the_column() {
    let dir = edited_sample("sites.csv", |t| {
        t.replace("US1,5.00.9078.1000", "US1,5.00.abc")
    });
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("sites.csv:4:5: column `version`: `5.00.abc` is not a version"),
        "{r:?}"
    );
    // An empty version is unknown, not an error.
    let dir = edited_sample("sites.csv", |t| t.replace("US1,5.00.9078.1000", "US1,"));
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 0, "{r:?}");
}

/// The column (0-based, in characters) where the underline under `row` starts in a rendered
/// diagnostic: the line showing `row`, then the line under it marking the span.
fn caret_under(stderr: &str, row: &str) -> Option<usize> {
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines.iter().position(|l| l.ends_with(row))?;
    let shown = lines[at].chars().count() - row.chars().count();
    let under: Vec<char> = lines.get(at + 1)?.chars().collect();
    let first = under
        .iter()
        .enumerate()
        .skip(shown)
        .find(|(_, c)| !c.is_whitespace())?
        .0;
    Some(first - shown)
}

/// Line `n` (1-based) of `file` in the sample.
fn sample_line(file: &str, n: usize) -> String {
    let text = std::fs::read_to_string(Path::new(SAMPLE).join(file)).unwrap();
    text.lines().nth(n - 1).unwrap().to_string()
}

/// Runs the report on the sample with line `n` of `file` replaced by `edit(line)`; the
/// run, and the new line.
fn with_line(file: &str, n: usize, edit: impl Fn(&str) -> String) -> (Run, String) {
    let new = edit(&sample_line(file, n));
    let dir = edited_sample(file, |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        lines[n - 1] = new.clone();
        lines.join("\n") + "\n"
    });
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    (r, new)
}

/// Replaces field `k` (0-based) of a comma-separated line with `value`.
fn set_field(line: &str, k: usize, value: &str) -> String {
    let mut cells: Vec<&str> = line.split(',').collect();
    cells[k] = value;
    cells.join(",")
}

/// The character column (1-based) where field `k` of a comma-separated line starts.
fn field_column(line: &str, k: usize) -> usize {
    line.split(',')
        .take(k)
        .map(|c| c.chars().count() + 1)
        .sum::<usize>()
        + 1
}

/// Asserts that `r` failed with exit 2, its first line leading with `FILE:LINE:COL` and
/// saying `says`, the offending line shown with the underline starting at `COL`.
fn assert_at(r: &Run, file: &str, line: usize, col: usize, row: &str, says: &str) {
    assert_eq!(r.code, 2, "{r:?}");
    let first = r.stderr.lines().next().unwrap_or_default();
    let lead = format!("/{file}:{line}:{col}: ");
    assert!(
        first.starts_with("error[input]: ") && first.contains(&lead),
        "leads with {lead}: {r:?}"
    );
    assert!(
        !first.contains("estate.kb"),
        "leads with the admin's file: {r:?}"
    );
    assert!(first.contains(says), "says {says}: {r:?}");
    assert_eq!(caret_under(&r.stderr, row), Some(col - 1), "caret: {r:?}");
}

/// Every typed column the rules read: a value not of its type is an error at the cell, the
/// line shown and the column named, before any place in the rules.
#[test]
fn an_unparsable_value_in_each_typed_column_leads_with_the_cell() {
    // clients.csv: resource_id 0, client_edition 4 (integers), on_internet 7, has_ipv4 9,
    // has_ipv6 10 (booleans).
    for (k, value, says) in [
        (
            0,
            "16777x",
            "column `resource_id`: `16777x` is not an integer",
        ),
        (4, "mac", "column `client_edition`: `mac` is not an integer"),
        (
            7,
            "yes",
            "column `on_internet`: `yes` is not a boolean: `true` or `false`",
        ),
        (9, "TRUE", "column `has_ipv4`: `TRUE` is not a boolean"),
        (10, "1", "column `has_ipv6`: `1` is not a boolean"),
    ] {
        let (r, row) = with_line("clients.csv", 7, |l| set_field(l, k, value));
        assert_at(&r, "clients.csv", 7, field_column(&row, k), &row, says);
    }
    let (r, row) = with_line("sites.csv", 4, |l| set_field(l, 1, "5.00.abc"));
    let says = "column `version`: `5.00.abc` is not a version";
    assert_at(&r, "sites.csv", 4, 5, &row, says);
}

/// A row with fewer fields than the header, or more, is an error at the row: more fields
/// were read silently (a comma in an unquoted name shifts nothing the rules read).
#[test]
fn a_row_with_too_few_or_too_many_fields_is_an_error_at_the_row() {
    let (r, row) = with_line("clients.csv", 9, |l| {
        l.rsplit_once(',').unwrap().0.to_string()
    });
    let says = "11 fields, the header has 12: no cell for `boundary_groups`";
    assert_at(&r, "clients.csv", 9, row.chars().count() + 1, &row, says);
    let (r, row) = with_line("clients.csv", 9, |l| format!("{l},extra"));
    let says = "13 fields, the header has 12";
    assert_at(&r, "clients.csv", 9, field_column(&row, 12), &row, says);
}

/// A byte that is not UTF-8 is an error at it, naming its column.
#[test]
fn a_byte_that_is_not_utf8_is_an_error_at_it() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["clients.csv", "site_systems.csv", "cmgs.csv", "sites.csv"] {
        let mut bytes = std::fs::read(Path::new(SAMPLE).join(f)).unwrap();
        if f == "cmgs.csv" {
            // Line 3 is `cmg-eu,…`: a Latin-1 é in the name.
            let at = bytes.windows(6).position(|w| w == b"cmg-eu").unwrap();
            bytes.splice(at + 3..at + 4, [0xe9]);
        }
        std::fs::write(dir.path().join(f), bytes).unwrap();
    }
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    let row = sample_line("cmgs.csv", 3).replacen("cmg-eu", "cmg\u{fffd}eu", 1);
    let says = "column `name`: byte 0xE9 is not UTF-8";
    assert_at(&r, "cmgs.csv", 3, 4, &row, says);
}

/// A header naming a column twice is an error at the second: which one is read was the
/// first, silently.
#[test]
fn a_duplicated_header_is_an_error_at_its_second_cell() {
    let (r, row) = with_line("sites.csv", 1, |_| "site_code,version,site_code".into());
    let dir_rows = r;
    assert_at(
        &dir_rows,
        "sites.csv",
        1,
        19,
        &row,
        "`site_code` is in the header twice (columns 1 and 3)",
    );
}

/// An empty file has no header: an error at its first line. A header alone is fine: no
/// rows (no clients).
#[test]
fn an_empty_file_is_an_error_and_a_header_alone_is_no_rows() {
    let dir = edited_sample("clients.csv", |_| String::new());
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 2, "{r:?}");
    let first = r.stderr.lines().next().unwrap_or_default();
    assert!(
        first.contains("/clients.csv:1:1: empty: the first row must be the header"),
        "{r:?}"
    );
    let dir = edited_sample("clients.csv", |t| {
        t.lines().next().unwrap().to_string() + "\n"
    });
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("0 clients"), "{r:?}");
}

/// A required column missing from the header is an error at the header line, naming the
/// column; the declaration that reads it follows as help.
#[test]
fn a_missing_column_leads_with_the_header_line() {
    let (r, row) = with_line("cmgs.csv", 1, |l| l.replacen("region", "azure_region", 1));
    assert_at(
        &r,
        "cmgs.csv",
        1,
        1,
        &row,
        "no column `region` in the header",
    );
    assert!(r.stderr.contains("input cmg_region(name, region)"), "{r:?}");
}

/// Integers are plain decimal numbers (examples/estate/README.md), but `+5`, ` 5` and `5 `
/// were read as 5; a boolean ` true` as `true`. A typed cell is its value exactly: blanks
/// around it, or a `+`, are the error at the cell that other unparsable values get. A text
/// cell (a name) is read without the blanks around it.
#[test]
fn a_typed_cell_with_a_plus_or_blanks_around_it_is_an_error_at_the_cell() {
    for (k, value, says) in [
        (
            0,
            "+16777226",
            "column `resource_id`: `+16777226` is not an integer",
        ),
        (
            4,
            " 5",
            "column `client_edition`: ` 5` has blanks around it",
        ),
        (
            4,
            "5 ",
            "column `client_edition`: `5 ` has blanks around it",
        ),
        (4, "+5", "column `client_edition`: `+5` is not an integer"),
        (
            9,
            " true",
            "column `has_ipv4`: ` true` has blanks around it",
        ),
    ] {
        let (r, row) = with_line("clients.csv", 7, |l| set_field(l, k, value));
        assert_at(&r, "clients.csv", 7, field_column(&row, k), &row, says);
    }
    let (r, _) = with_line("clients.csv", 7, |l| set_field(l, 1, "  HQ1-LT0000006 "));
    assert_eq!(r.code, 0, "a text cell is trimmed: {r:?}");
    let (r, _) = with_line("clients.csv", 7, |l| set_field(l, 4, "-5"));
    assert_eq!(r.code, 0, "a negative number is plain decimal: {r:?}");
}
