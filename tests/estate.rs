//! The estate rules against the committed 200-client inventory
//! (`examples/estate/sample/`): its query file, proofs that end at the CSV row, and the
//! errors of a bad inventory (a missing column, an unparsable cell), at `file:line` with
//! the column's name.

mod common;

use common::estate::edited_sample;
use common::*;
use std::path::Path;

const SAMPLE: &str = "examples/estate/sample";

#[test]
fn the_sample_query_file_passes() {
    let r = run(&["run", "examples/estate/estate.kbq"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(last_line(&r.stdout).ends_with(" passed, 0 failed"), "{r:?}");
}

#[test]
fn why_a_sample_client_is_blocked_ends_at_its_csv_row_and_the_articles_line() {
    // US1-LT0000015 (resource id 16777240) is line 16 of clients.csv: has_ipv4 false,
    // has_ipv6 true.
    let line = std::fs::read_to_string(Path::new(SAMPLE).join("clients.csv"))
        .unwrap()
        .lines()
        .nth(15)
        .unwrap()
        .to_string();
    assert!(line.starts_with("16777240,US1-LT0000015,"), "{line}");
    let r = run(&[
        "--inventory",
        SAMPLE,
        "query",
        "why blocked(16777240, ipv6_only)",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    for want in [
        "client_has_ipv6(16777240, true)   [fact, examples/estate/sample/clients.csv:16:1]",
        "client_has_ipv4(16777240, false)   [fact, examples/estate/sample/clients.csv:16:1]",
        "line 12 ✓: \"CMG doesn't support clients that only communicate with IPv6 addresses.\"",
        "cites estate_inventory § has_ipv4, has_ipv6, line 9 ✓",
    ] {
        assert!(r.stdout.contains(want), "missing {want:?}:\n{r:?}");
    }
    // The proof was checked: a proof the checker rejects is flagged.
    assert!(!r.stdout.contains("proof check failed"), "{r:?}");
}

/// Windows writes exports with CRLF line endings: a proof and an error still name the row's
/// own line (they were one line too low, pointing at another client).
#[test]
fn crlf_inventories_cite_the_rows_own_line() {
    let crlf = |t: &str| t.replace('\n', "\r\n");
    let dir = edited_sample("clients.csv", crlf);
    let inv = dir.path().to_str().unwrap();
    let r = run(&[
        "--inventory",
        inv,
        "query",
        "why blocked(16777240, ipv6_only)",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("clients.csv:16:1]"), "{r:?}");
    assert!(!r.stdout.contains("clients.csv:15:1]"), "{r:?}");
    let dir = edited_sample("clients.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let rest = lines[9].split_once(',').unwrap().1.to_string();
        lines[9] = format!("x9,{rest}");
        lines.join("\r\n") + "\r\n"
    });
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("clients.csv:10"), "{r:?}");
}

#[test]
fn an_empty_cell_is_unknown_never_a_blocker() {
    // HQ1-LT0000107 has both IP cells empty.
    let r = run(&[
        "--inventory",
        SAMPLE,
        "query",
        "blocked? 16777343 ipv6_only",
        "?- undetermined(16777343, B).",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "\nunknown: the knowledge base states nothing about blocked(16777343, ipv6_only)"
        ),
        "{r:?}"
    );
    assert!(r.stdout.contains("ipv6_only"), "{r:?}");
}

#[test]
fn a_missing_column_is_an_error_at_the_header_naming_it() {
    let dir = edited_sample("clients.csv", |t| t.replacen("has_ipv6", "ipv6", 1));
    let inv = dir.path().to_str().unwrap();
    let r = run(&["--inventory", inv, "query", "blocked? 1"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("clients.csv:1:1: no column `has_ipv6` in the header"),
        "{r:?}"
    );
    // The declaration reading that column is the one shown.
    assert!(r.stderr.contains("input client_has_ipv6("), "{r:?}");
}

#[test]
fn an_unparsable_cell_is_an_error_at_its_line_naming_the_column() {
    let dir = edited_sample("clients.csv", |t| {
        t.replacen(
            "16777221,HQ1-SRV0000002,Microsoft Windows Server 2022 Standard,10.0.20348,0,",
            "16777221,HQ1-SRV0000002,Microsoft Windows Server 2022 Standard,10.0.20348,mac,",
            1,
        )
    });
    let inv = dir.path().to_str().unwrap();
    let r = run(&["--inventory", inv, "query", "blocked? 1"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("clients.csv:3:75: column `client_edition`: `mac` is not an integer"),
        "{r:?}"
    );
}

#[test]
fn without_an_inventory_the_estate_rules_are_not_loaded() {
    let r = run(&["query", "?- blocked(C, B)."]);
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn the_report_summarises_the_sample_by_finding_with_the_articles_lines() {
    let r = run(&["report", "--inventory", SAMPLE]);
    assert_eq!(r.code, 0, "{r:?}");
    // Piped: no spinner on standard error.
    assert_eq!(r.stderr, "", "{r:?}");
    let line = |finding: &str, severity: &str| {
        r.stdout
            .lines()
            .find(|l| {
                let w: Vec<&str> = l
                    .split("  ")
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect();
                w.first() == Some(&finding) && w.get(1) == Some(&severity)
            })
            .unwrap_or_else(|| panic!("no summary line for {finding} {severity}:\n{r:?}"))
            .to_string()
    };
    assert!(
        line("ipv6_only", "blocked").ends_with("5  cmg line 12"),
        "{r:?}"
    );
    assert!(
        line("macos", "blocked").ends_with("8  cmg line 58"),
        "{r:?}"
    );
    assert!(
        line("software_updates_through_cmg", "blocked").ends_with("7  cmg line 14"),
        "{r:?}"
    );
    assert!(
        line("cmg_classic_deployment_removed", "blocked").ends_with("9  cmg line 16"),
        "{r:?}"
    );
    assert!(
        line("cmg_name_ambiguous", "at risk").ends_with("7  cmg line 18"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("16777240  US1-LT0000015   US1   cmg_classic_deployment_removed, features_not_supported_through_cmg (15 features), ipv6_only"),
        "{r:?}"
    );
}

#[test]
fn the_report_as_csv_and_json_holds_the_same_counts() {
    let r = run(&["report", "--inventory", SAMPLE, "--csv", "summary"]);
    assert_eq!(r.code, 0, "{r:?}");
    let mut rd = csv::Reader::from_reader(r.stdout.as_bytes());
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    assert!(
        rows.contains(&vec![
            "ipv6_only".into(),
            "blocked".into(),
            "5".into(),
            "cmg line 12".into()
        ]),
        "{rows:?}"
    );
    let r = run(&["report", "--inventory", SAMPLE, "--csv"]);
    let clients: Vec<csv::StringRecord> = csv::Reader::from_reader(r.stdout.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let r = run(&["report", "--inventory", SAMPLE, "--format", "json"]);
    let v = json(&r);
    assert_eq!(v["kind"], "estate_report");
    assert_eq!(v["clients"], 200);
    assert_eq!(v["affected"].as_array().unwrap().len(), clients.len());
    let r = run(&["report", "--inventory", SAMPLE, "--format", "markdown"]);
    assert!(
        r.stdout
            .contains("| `ipv6_only` | blocked | 5 | cmg line 12 |"),
        "{r:?}"
    );
}

#[test]
fn a_report_without_an_inventory_is_rejected() {
    let r = run(&["report"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("report needs an inventory"), "{r:?}");
}

#[test]
fn the_sample_report_on_postgres_is_the_in_memory_report() {
    let Some(url) =
        common::sql::postgres_url("the_sample_report_on_postgres_is_the_in_memory_report")
    else {
        return;
    };
    let db = common::sql::fresh_database(&url, "supportkb_estate_sample");
    let config = |engine| supportkb::query::LoadConfig {
        inventory: Some(Path::new(ROOT).join(SAMPLE)),
        engine,
        ..Default::default()
    };
    let mut texts = supportkb::query::embedded::sources();
    texts.extend(supportkb::query::embedded::estate_sources());
    let memory =
        supportkb::query::Session::load(texts.clone(), config(supportkb::sql::Engine::Memory))
            .unwrap();
    let mut pg = supportkb::query::Session::load(
        texts,
        config(supportkb::sql::Engine::Postgres(db.clone())),
    )
    .unwrap_or_else(|e| panic!("{:?}", e.diagnostics));
    common::sql::same_model(&memory, &pg).unwrap();
    assert!(memory.kb.tuple_count("blocked") > 0);
    assert!(common::sql::proofs_check(&mut pg, 20).unwrap() > 0);
    // The command line: the report in every format, and why a client is blocked.
    let dir = tempfile::tempdir().unwrap();
    for (args, file) in [
        (vec!["report"], None),
        (vec!["report", "--format", "json"], None),
        (vec!["report", "-o"], Some("report.csv")),
        (vec!["query", "why blocked(16777240, ipv6_only)"], None),
    ] {
        let outputs: Vec<String> = [None, Some(db.as_str())]
            .into_iter()
            .map(|engine| {
                let mut all = vec!["--inventory", SAMPLE];
                if let Some(e) = engine {
                    all.extend(["--engine", e]);
                }
                all.extend(&args);
                let path = file.map(|f| dir.path().join(format!("{}-{f}", engine.is_some())));
                let path_text = path.as_ref().map(|p| p.display().to_string());
                if let Some(p) = &path_text {
                    all.push(p);
                }
                let r = run(&all);
                assert_eq!(r.code, 0, "{args:?} on {engine:?}: {r:?}");
                match &path {
                    Some(p) => std::fs::read_to_string(p).unwrap(),
                    None => r.stdout,
                }
            })
            .collect();
        assert!(!outputs[0].is_empty(), "{args:?}");
        assert_eq!(
            outputs[0], outputs[1],
            "{args:?}: in memory, then on PostgreSQL"
        );
    }
}

/// `inventory_client` has `key(client)`: a resource id on two rows is an input error at the
/// second row, naming the first (it attributed one device's blockers to the other's name).
#[test]
fn a_duplicate_resource_id_is_an_error_at_its_line_naming_the_first() {
    let dir = edited_sample("clients.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let rest = lines[16].split_once(',').unwrap().1.to_string();
        lines[16] = format!("16777240,{rest}");
        lines.join("\n") + "\n"
    });
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("clients.csv:17:1: column `resource_id`: `16777240` is also on line 16"),
        "{r:?}"
    );
}

/// A boolean cell is `true` or `false`: any other word (it read as a symbol no rule matches)
/// silently dropped the blocker it decides.
#[test]
fn a_boolean_cell_other_than_true_or_false_is_an_error_naming_the_column() {
    // Line 16 (16777240): on_internet true, has_ipv4 false, has_ipv6 true.
    let dir = edited_sample("clients.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        lines[15] = lines[15].replace(",false,true,", ",nope,true,");
        lines.join("\n") + "\n"
    });
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains(
            "clients.csv:16:150: column `has_ipv4`: `nope` is not a boolean: `true` or `false`"
        ),
        "{r:?}"
    );
}

/// The key column cannot be unknown: a client row without a resource id silently vanished.
#[test]
fn an_empty_resource_id_is_an_error_at_its_line_naming_the_column() {
    let dir = edited_sample("clients.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let rest = lines[15].split_once(',').unwrap().1.to_string();
        lines[15] = format!(",{rest}");
        lines.join("\n") + "\n"
    });
    let r = run(&["--inventory", dir.path().to_str().unwrap(), "report"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("clients.csv:16:1: column `resource_id`: empty, but it is the key"),
        "{r:?}"
    );
}

/// The same bad boolean on a SQL engine: the same error at the same place, before anything
/// is loaded (not a constraint the database reports without the column).
#[test]
fn a_bad_boolean_cell_is_the_same_error_on_sqlite_and_postgres() {
    let dir = edited_sample("clients.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        lines[15] = lines[15].replace(",false,true,", ",nope,true,");
        lines.join("\n") + "\n"
    });
    let inv = dir.path().to_str().unwrap();
    let db = tempfile::tempdir().unwrap();
    let mut engines = vec![format!("sqlite:{}", db.path().join("e.db").display())];
    engines.extend(common::sql::postgres_url(
        "a_bad_boolean_cell_is_the_same_error_on_sqlite_and_postgres",
    ));
    let memory = run(&["--inventory", inv, "report"]);
    assert_eq!(memory.code, 2, "{memory:?}");
    for engine in &engines {
        for args in [
            &["report"][..],
            &["query", "why blocked(16777240, ipv6_only)"],
        ] {
            let mut all = vec!["--inventory", inv, "--engine", engine.as_str()];
            all.extend(args);
            let r = run(&all);
            assert_eq!(r.code, 2, "{engine} {args:?}: {r:?}");
            assert_eq!(r.stderr, memory.stderr, "{engine} {args:?}");
        }
    }
}
