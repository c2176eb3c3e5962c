//! The messages of a malformed inventory CSV say what is wrong where it is: a quote never
//! closed (at the quote, not at a field count it throws off), a missing column (once), a
//! header cell with no name (at that cell).

mod common;

use common::estate::edited_sample;
use common::*;

/// `edit` applied to line `n` (1-based) of the sample's `file`; the report's run.
fn report_with_line(file: &str, n: usize, edit: impl Fn(&str) -> String) -> Run {
    let dir = edited_sample(file, |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        lines[n - 1] = edit(&lines[n - 1]);
        lines.join("\n") + "\n"
    });
    run(&["--inventory", dir.path().to_str().unwrap(), "report"])
}

fn first_line(r: &Run) -> &str {
    r.stderr.lines().next().unwrap_or_default()
}

/// A quote opening a cell and never closed swallows the rest of the file into that cell:
/// the message was "2 fields, the header has 12: no cell for `os_caption`" at the end of
/// the line, or (the quote in the last column) nothing at all, the clients after it lost.
#[test]
fn a_quote_never_closed_is_an_error_at_the_quote() {
    // In the name (column 10 of line 5): the row comes out short.
    let r = report_with_line("clients.csv", 5, |l| l.replacen(',', ",\"", 1));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        first_line(&r).contains("/clients.csv:5:10: the quote opened at 5:10 is never closed"),
        "{r:?}"
    );
    // In the last column: the row had the right number of fields, and 195 clients vanished.
    let r = report_with_line("clients.csv", 5, |l| {
        let (head, last) = l.rsplit_once(',').unwrap();
        format!("{head},\"{last}")
    });
    assert_eq!(r.code, 2, "{r:?}");
    assert!(first_line(&r).contains("the quote opened at 5:"), "{r:?}");
    assert!(first_line(&r).contains("is never closed"), "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    // A quoted cell that is closed, and a quote inside a cell, are fine.
    let r = report_with_line("clients.csv", 5, |l| {
        let (head, last) = l.rsplit_once(',').unwrap();
        format!("{head},\"{last} \"\"x\"\"\"")
    });
    assert_eq!(r.code, 0, "{r:?}");
}

/// A missing column's message is long (it lists the header); the rendered error printed
/// its wrapped tail a second time under the first line.
#[test]
fn a_missing_columns_message_is_printed_once() {
    let r = report_with_line("clients.csv", 1, |l| l.replace(",has_ipv6", ",ipv6"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        first_line(&r).contains("no column `has_ipv6` in the header (it has `resource_id`"),
        "{r:?}"
    );
    assert!(first_line(&r).ends_with("`boundary_groups`)"), "{r:?}");
    assert_eq!(r.stderr.matches("`boundary_groups`").count(), 1, "{r:?}");
}

/// A header cell with no name names no column: an error at that cell (it was read as a
/// column no input could name, and a row's cell under it was silently unreadable).
#[test]
fn a_header_cell_with_no_name_is_an_error_at_it() {
    let r = report_with_line("clients.csv", 1, |l| l.replace(",os_caption,", ",,"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        first_line(&r).contains("/clients.csv:1:18: column 3 of the header has no name"),
        "{r:?}"
    );
    let r = report_with_line("sites.csv", 1, |l| format!("{l},"));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        first_line(&r).contains("/sites.csv:1:19: column 3 of the header has no name"),
        "{r:?}"
    );
}
