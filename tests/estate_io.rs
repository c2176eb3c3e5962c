//! Bad input and output of `report --inventory`: cells far longer than a table is wide,
//! inventory folders that are not there, files that are folders. Each is rendered or
//! refused with a message naming the path (exit 2), never a panic.

mod common;

use common::estate::edited_sample;
use common::*;

const SAMPLE: &str = "examples/estate/sample";

/// A blocked client's name of 70,000 characters: the text table padded every name to the
/// widest with a width argument, which cannot exceed 65,535, and panicked ("Formatting
/// argument out of range"). Every format keeps the whole name; the text table stays aligned
/// for the other clients.
#[test]
fn a_name_longer_than_any_format_width_is_rendered_whole_in_every_format() {
    let long = "X".repeat(70_000);
    let dir = edited_sample("clients.csv", |t| t.replacen("US1-LT0000015", &long, 1));
    let inv = dir.path().to_str().unwrap();
    for format in ["text", "markdown", "json", "html"] {
        let r = run(&["--inventory", inv, "report", "--format", format]);
        assert_eq!(r.code, 0, "{format}: {r:?}");
        assert!(r.stdout.contains(&long), "{format}: the whole name");
    }
    let r = run(&["--inventory", inv, "report", "--csv"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains(&format!("16777240,{long},US1,")), "{r:?}");
    // The text table: the long row holds the whole name; the others are not padded to it.
    let r = run(&["--inventory", inv, "report", "--rows", "0"]);
    let row = r
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("16777240"))
        .unwrap();
    assert!(row.contains(&format!("  {long}  US1")), "{row:.80}");
    let other = r
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("16777221") || l.contains("HQ1-"))
        .unwrap();
    assert!(
        other.len() < 400,
        "padded to the long name: {}",
        other.len()
    );
    let header = r
        .stdout
        .lines()
        .find(|l| l.contains("resource_id  name"))
        .unwrap();
    let name_col = header.find("name").unwrap();
    let site_col = header.find("site").unwrap();
    assert_eq!(&other[name_col..name_col + 4], "HQ1-", "{header}\n{other}");
    assert!(other[site_col..].starts_with("HQ1 "), "{header}\n{other}");
}

/// `--inventory` naming no folder: `--kb examples/lifecycle` reported 0 clients (exit 0),
/// and the CMG knowledge base blamed its own declaration for a missing `clients.csv`.
#[test]
fn an_inventory_that_is_no_folder_is_refused_naming_it() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let not_dir = file.path().to_str().unwrap();
    for kb in [&[][..], &["--kb", "examples/lifecycle"][..]] {
        for (path, says) in [
            (
                "no/such/inventory",
                "--inventory no/such/inventory: no such folder",
            ),
            (not_dir, "not a folder"),
        ] {
            for command in [
                &["report"][..],
                &["eval"],
                &["query", "supported? peer_cache"],
                &["query", "why blocked(16777240, ipv6_only)"],
            ] {
                let args = [kb, &["--inventory", path], command].concat();
                let r = run(&args);
                assert_eq!(r.code, 2, "{args:?}: {r:?}");
                let first = r.stderr.lines().next().unwrap_or_default();
                assert!(first.contains(says), "{args:?}: {r:?}");
                assert!(first.contains(path), "{args:?}: {r:?}");
                assert!(r.stdout.is_empty(), "{args:?}: {r:?}");
            }
        }
    }
}

/// A knowledge base that reads nothing from an inventory, given one: the inventory was
/// ignored and the report said 0 clients.
#[test]
fn an_inventory_for_a_knowledge_base_that_reads_none_is_refused() {
    for command in [&["report"][..], &["query", "can_upgrade? 2204 2304"]] {
        let args = [
            &["--kb", "examples/lifecycle", "--inventory", SAMPLE][..],
            command,
        ]
        .concat();
        let r = run(&args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(
            r.stderr.contains(&format!(
                "--inventory {SAMPLE}: the knowledge base reads nothing from an inventory"
            )),
            "{r:?}"
        );
        assert!(r.stdout.is_empty(), "{r:?}");
    }
}

/// `clients.csv` a folder: the message was the raw "Is a directory (os error 21)".
#[test]
fn an_inventory_file_that_is_a_folder_is_refused_naming_it() {
    let dir = edited_sample("sites.csv", str::to_string);
    let clients = dir.path().join("clients.csv");
    std::fs::remove_file(&clients).unwrap();
    std::fs::create_dir(&clients).unwrap();
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 2, "{r:?}");
    let says = format!("cannot read {}: it is a folder", clients.display());
    assert!(r.stderr.contains(&says), "{r:?}");
    assert!(!r.stderr.contains("os error"), "{r:?}");
}

/// `-o` naming a folder, or a path through a file: a clear message naming it, exit 2, and
/// nothing left behind.
#[test]
fn an_output_path_that_cannot_be_a_file_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_str().unwrap().to_string();
    let file = dir.path().join("f.txt");
    std::fs::write(&file, "x").unwrap();
    let through = format!("{}/r", file.display());
    for (out, says) in [
        (folder.as_str(), "is a folder"),
        (through.as_str(), "is not a folder"),
    ] {
        let r = run(&[
            "--inventory",
            SAMPLE,
            "report",
            "--format",
            "json",
            "-o",
            out,
        ]);
        assert_eq!(r.code, 2, "{r:?}");
        assert!(r.stderr.contains(&format!("cannot write {out}: ")), "{r:?}");
        assert!(r.stderr.contains(says), "{r:?}");
        assert!(!r.stderr.contains("os error"), "{r:?}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

/// A client name a spreadsheet reads as a formula (`=1+2`, `+cmd|…`, `-…`, `@…`, or one
/// starting with a tab or carriage return, which a cell of the inventory cannot: cells are
/// trimmed) was written raw into the CSV report: OWASP's
/// CSV injection. The CSV prefixes such a cell with `'`; the other formats keep the name.
#[test]
fn a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_quoted_with_an_apostrophe() {
    // Six clients the sample finds blocked.
    let names = [
        ("EU1-LT0000003", "=1+2"),
        ("HQ1-LT0000010", "+cmd|' /C calc'!A0"),
        ("HQ1-LT0000011", "-2+3"),
        ("US1-LT0000015", "@SUM(1+1)"),
        ("EU1-LT0000018", "=HYPERLINK(1)"),
        ("HQ1-DT0000019", "@x"),
    ];
    let dir = edited_sample("clients.csv", |t| {
        names.iter().fold(t.to_string(), |t, (from, to)| {
            t.replacen(&format!(",{from},"), &format!(",\"{to}\","), 1)
        })
    });
    let inv = dir.path().to_str().unwrap();
    let r = run(&["--inventory", inv, "report", "--csv"]);
    assert_eq!(r.code, 0, "{r:?}");
    let cells: Vec<String> = csv::Reader::from_reader(r.stdout.as_bytes())
        .records()
        .map(|row| row.unwrap()[1].to_string())
        .collect();
    for (_, name) in names {
        assert!(cells.contains(&format!("'{name}")), "{name:?}: {cells:?}");
    }
    assert!(
        !cells
            .iter()
            .any(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r'])),
        "{cells:?}"
    );
    // Other cells are as they were.
    assert!(cells.iter().any(|c| c.starts_with("US1-")), "{cells:?}");
    // JSON keeps the name itself.
    let r = run(&["--inventory", inv, "report", "--format", "json"]);
    assert!(r.stdout.contains("\"=1+2\""), "{r:?}");
}

/// A CMG name holding backticks and a pipe stays one code span in one Markdown table cell:
/// a single backtick ended the span (`` `x`\|y` ``), and the pipe then split the cell.
#[test]
fn a_cmg_name_with_backticks_stays_one_markdown_code_span() {
    let dir = edited_sample("cmgs.csv", |t| t.replacen("\ncmg-eu,", "\n\"x`|y``z\",", 1));
    let inv = dir.path().to_str().unwrap();
    let r = run(&["--inventory", inv, "report", "--format", "markdown"]);
    assert_eq!(r.code, 0, "{r:?}");
    let row = r
        .stdout
        .lines()
        .find(|l| l.contains("x`"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(row.starts_with("| ``` x`\\|y``z ``` | "), "{row}");
}
