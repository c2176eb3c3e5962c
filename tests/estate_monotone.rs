//! Every required column of the four inventory files, audited: an empty cell is unknown, so
//! blanking a column's cell, in one row that matters or in every row, may move a finding of
//! a client, CMG or site only to undetermined. Nothing goes from blocked (or at risk) to
//! fine, from fine to blocked, or from undetermined to decided.
//!
//! `nlb_address` is left out: there an empty cell means none (no load balancer), as the
//! inventory's README says. Key columns are errors when empty, which the last test checks.

mod common;

use common::estate::*;
use common::*;
use std::collections::BTreeMap;

/// Per file, each required column that may be unknown and the rows (by first cell) to
/// blank it in one at a time: rows whose findings depend on that cell.
const COLUMNS: &[(&str, &str, &[&str])] = &[
    // US1-LT0000015 (IPv6-only, through the classic CMG, on the internet), EU1-LT0000003
    // (through cmg-eu, behind EU1's load balancer), HQ1-LT0000107 (IP cells empty),
    // EU1-MAC0000035 (macOS, connection unknown), APC-LT0000024 (through 1cmgapac).
    ("clients.csv", "name", &["16777343", "16777264", "16777240"]),
    ("clients.csv", "client_edition", &["16777264", "16777240"]),
    ("clients.csv", "site_code", &["16777240", "16777227"]),
    ("clients.csv", "on_internet", &["16777240", "16777227"]),
    (
        "clients.csv",
        "management_point",
        &["16777240", "16777227", "16777249"],
    ),
    ("clients.csv", "has_ipv4", &["16777240", "16777227"]),
    ("clients.csv", "has_ipv6", &["16777240", "16777227"]),
    ("site_systems.csv", "site_code", &["EU1"]),
    ("site_systems.csv", "server", &["EU1"]),
    ("site_systems.csv", "role", &["EU1"]),
    (
        "cmgs.csv",
        "service_cname",
        &["cmg-eu", "contosocmgus", "1cmgapac"],
    ),
    ("cmgs.csv", "fqdn", &["contosocmgus", "cmg-eu"]),
    ("cmgs.csv", "region", &["contosocmgus", "cmg-eu"]),
    ("cmgs.csv", "site_code", &["contosocmgus", "cmg-eu"]),
    ("sites.csv", "version", &["US1", "EU1"]),
];

/// The statuses with `column` of `file` blanked in the rows whose first cell is `row`, or
/// in every row.
fn blanked(file: &str, column: &str, row: Option<&str>) -> BTreeMap<Finding, Status> {
    let mut e = Estate::sample();
    e.set(file, row, column, "");
    statuses(&e.report())
}

#[test]
fn no_empty_cell_decides_a_finding() {
    let before = statuses(&Estate::sample().report());
    let mut cases: Vec<(&str, &str, Option<&str>)> = Vec::new();
    for &(file, column, rows) in COLUMNS {
        cases.push((file, column, None));
        cases.extend(rows.iter().map(|r| (file, column, Some(*r))));
    }
    // Two threads: each run is one process.
    let half = cases.len() / 2;
    let (a, b) = cases.split_at(half);
    let check = |part: &[(&str, &str, Option<&str>)]| -> Vec<String> {
        part.iter()
            .flat_map(|&(file, column, row)| {
                let after = blanked(file, column, row);
                not_monotonic(&before, &after)
                    .into_iter()
                    .map(move |m| format!("{file} {column} {row:?}: {m}"))
            })
            .collect()
    };
    let bad: Vec<String> = std::thread::scope(|s| {
        let other = s.spawn(|| check(b));
        let mut bad = check(a);
        bad.extend(other.join().unwrap());
        bad
    });
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Each required column of each file is audited above, or is a key or `nlb_address`.
#[test]
fn the_audit_covers_every_required_column() {
    let readme = std::fs::read_to_string(format!("{ROOT}/examples/estate/README.md")).unwrap();
    let mut file = "";
    let mut required = Vec::new();
    for line in readme.lines() {
        if let Some(f) = line.strip_prefix("## ").filter(|f| f.ends_with(".csv")) {
            file = FILES.iter().find(|x| **x == f).unwrap();
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if !file.is_empty() && cells.len() > 4 && cells[3] == "yes" {
            required.push((file, cells[1].trim_matches('`')));
        }
    }
    assert!(required.len() > 15, "{required:?}");
    let keys = [
        ("clients.csv", "resource_id"),
        ("cmgs.csv", "name"),
        ("sites.csv", "site_code"),
        ("site_systems.csv", "nlb_address"),
    ];
    for (f, c) in required {
        assert!(
            keys.contains(&(f, c)) || COLUMNS.iter().any(|&(g, d, _)| (g, d) == (f, c)),
            "{f} {c} is not audited"
        );
    }
}

/// A key column cannot be unknown: an empty one is an error at its line, exit 2.
#[test]
fn an_empty_key_cell_is_an_error() {
    for (file, column, row, line) in [
        ("clients.csv", "resource_id", "16777240", 16),
        ("cmgs.csv", "name", "cmg-eu", 3),
        ("sites.csv", "site_code", "EU1", 3),
    ] {
        let mut e = Estate::sample();
        e.set(file, Some(row), column, "");
        let dir = e.write();
        let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
        assert_eq!(r.code, 2, "{file} {column}: {r:?}");
        assert!(r.stderr.contains(&format!("{file}:{line}:")), "{r:?}");
        assert!(
            r.stderr.contains(&format!("column `{column}`: empty")),
            "{r:?}"
        );
    }
}

/// Found by the audit: a client without a name was no client (`inventory_client` read the
/// name), so what its data left open vanished and the report counted 199 clients.
#[test]
fn a_client_without_a_name_keeps_what_is_open() {
    // HQ1-LT0000107: IP cells empty.
    let mut e = Estate::sample();
    e.set("clients.csv", Some("16777343"), "name", "");
    let report = e.report();
    assert_eq!(report["clients"], 200, "{report}");
    assert_eq!(
        statuses(&report).get(&("client", "16777343".into(), "ipv6_only".into())),
        Some(&Status::Undetermined)
    );
}

/// Found by the audit: a load balancer row of EU1 with an empty site code, server or role
/// gave no fact, and EU1's CMG clients (EU1-LT0000003 among them) were fine.
#[test]
fn a_load_balancer_row_with_an_empty_cell_leaves_software_updates_open() {
    for column in ["site_code", "server", "role"] {
        let mut e = Estate::sample();
        e.set_where(
            "site_systems.csv",
            |r| r[5] == "10.20.4.100",
            column,
            |_| String::new(),
        );
        let after = statuses(&e.report());
        assert_eq!(
            after.get(&(
                "client",
                "16777227".into(),
                "software_updates_through_cmg".into()
            )),
            Some(&Status::Undetermined),
            "{column}"
        );
        assert_eq!(
            after.get(&(
                "site",
                "EU1".into(),
                "software_updates_through_cmg_do_not_work".into()
            )),
            Some(&Status::Undetermined),
            "{column}"
        );
    }
}

/// Two empty cells of one load balancer row, its site code and its role: the row gave no
/// fact at all (each partial reading needs one of them), so EU1's CMG clients were fine.
#[test]
fn a_load_balancer_row_without_site_and_role_leaves_every_site_open() {
    let mut e = Estate::sample();
    for column in ["site_code", "role"] {
        e.set_where(
            "site_systems.csv",
            |r| r[5] == "10.20.4.100",
            column,
            |_| String::new(),
        );
    }
    let after = statuses(&e.report());
    assert_eq!(
        after.get(&(
            "client",
            "16777227".into(),
            "software_updates_through_cmg".into()
        )),
        Some(&Status::Undetermined)
    );
}
