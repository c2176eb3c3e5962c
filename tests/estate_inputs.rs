//! Input errors of an inventory: a cell that is not of its column's type is an error at
//! `file:line` naming the column, and the error leads with the admin's file (its line,
//! column and a caret), the estate rules' declaration following as context.

mod common;

use common::*;
use std::path::Path;

const SAMPLE: &str = "examples/estate/sample";

/// A copy of the sample inventory with `edit` applied to the text of `file`.
fn edited_sample(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["clients.csv", "site_systems.csv", "cmgs.csv", "sites.csv"] {
        let text = std::fs::read_to_string(Path::new(SAMPLE).join(f)).unwrap();
        let text = if f == file { edit(&text) } else { text };
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    dir
}

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
            .contains("sites.csv:4: column `version`: `5.00.abc` is not a version"),
        "{r:?}"
    );
    // An empty version is unknown, not an error.
    let dir = edited_sample("sites.csv", |t| t.replace("US1,5.00.9078.1000", "US1,"));
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 0, "{r:?}");
}
