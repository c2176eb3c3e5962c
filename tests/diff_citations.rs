//! The lines `supportkb diff` shows under each side of a changed answer: every cited line of a
//! source once, with its full quote, on the real revisions of the CMG table
//! (examples/cmg-history/), in text and Markdown.

mod common;

use common::*;
use std::collections::BTreeMap;

const H: &str = "examples/cmg-history";

/// Consecutive revisions, oldest first.
const REVISIONS: [&str; 9] = [
    "2018-03-23-sccmdocs-3f08f827",
    "2018-08-02-sccmdocs-d4f6bac8",
    "2019-06-18-sccmdocs-2e514cca",
    "2019-07-30-sccmdocs-accadfff",
    "2020-03-09-sccmdocs-177ceb62",
    "2020-04-17-sccmdocs-a9243f04",
    "2020-11-30-memdocs",
    "2022-07-12-memdocs-57cb874b",
    "current-memdocs-5839143a",
];

/// Each side's cited lines (`cmg line N`), in order, one list per `A:` or `B:` heading
/// (text) or `- **A**` / `- **B**` item (Markdown).
fn sides(out: &str) -> Vec<(String, Vec<String>)> {
    let mut sides: Vec<(String, Vec<String>)> = Vec::new();
    for l in out.lines() {
        let t = l.trim_start();
        if t.starts_with("A: ") || t.starts_with("B: ") || t.starts_with("- **") {
            sides.push((t.to_string(), Vec::new()));
        } else if let Some(cite) = t.strip_prefix("- ").or(Some(t))
            && cite.starts_with("cmg line ")
            && let Some(side) = sides.last_mut()
        {
            side.1.push(cite.to_string());
        }
    }
    sides
}

fn line_of(cite: &str) -> &str {
    cite.split(':').next().unwrap()
}

#[test]
fn a_side_of_a_change_cites_each_line_once_with_its_full_quote() {
    for pair in REVISIONS.windows(2) {
        let (a, b) = (format!("{H}/{}", pair[0]), format!("{H}/{}", pair[1]));
        for format in ["text", "markdown"] {
            let r = run(&["--format", format, "diff", &a, &b]);
            assert!(r.code <= 1, "{r:?}");
            for (side, cites) in sides(&r.stdout) {
                let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
                for c in &cites {
                    if let Some(before) = seen.insert(line_of(c), c) {
                        panic!("{a} → {b} ({format}), {side}: cited twice:\n{before}\n{c}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_line_quoted_whole_and_in_part_shows_the_whole_quote() {
    let a = format!("{H}/2020-11-30-memdocs");
    let b = format!("{H}/2022-07-12-memdocs-57cb874b");
    let r = run(&["diff", &a, &b]);
    assert_eq!(r.code, 1, "{r:?}");
    let whole = "cmg line 114 ✓: \"Starting in version 2203, you can also configure the task \
                 sequence to allow token authentication with alternate content providers. For \
                 more information, see Task sequence variables: SMSTSAllowTokenAuthURLForACP.\"";
    let part = "cmg line 114 ✓: \"Starting in version 2203, you can also configure the task \
                sequence to allow token authentication with alternate content providers.\"";
    assert!(r.stdout.contains(whole), "{r:?}");
    assert!(
        !r.stdout.lines().any(|l| l.trim() == part),
        "the part is shown beside the whole: {r:?}"
    );
    // Two sentences of one line are both shown, on that line's one entry.
    let two = r
        .stdout
        .lines()
        .find(|l| l.trim().starts_with("cmg line 34 ✓: ") && l.contains("\"; \""))
        .unwrap_or_else(|| panic!("line 34 with both its sentences: {r:?}"));
    assert!(two.contains("is removed."), "{two}");
    assert!(two.contains("virtual machine scale set."), "{two}");
}
