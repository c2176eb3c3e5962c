//! What the inventory leaves open is unknown, never a blocker and never a silent "fine":
//! a site version that is empty or whose build is not in the build table leaves the
//! classic-deployment finding undetermined, for the CMG and for each of its clients, and a
//! `why` about a client the inventory does not hold says so.

mod common;

use common::estate::edited_sample;
use common::*;

const SAMPLE: &str = "examples/estate/sample";

/// US1 (the classic CMG's site, 9 clients through it) with `version` as its version.
fn us1_at(version: &str) -> tempfile::TempDir {
    let version = version.to_string();
    edited_sample("sites.csv", move |t| {
        t.replace("US1,5.00.9078.1000", &format!("US1,{version}"))
    })
}

#[test]
fn an_unknown_release_leaves_the_classic_finding_undetermined_for_the_cmg_and_its_clients() {
    for version in ["", "5.00.9135.1000"] {
        let dir = us1_at(version);
        let inv = dir.path().to_str().unwrap();
        let r = run(&[
            "--inventory",
            inv,
            "query",
            "?- blocked(C, cmg_classic_deployment_removed).",
            "?- undetermined(C, cmg_classic_deployment_removed).",
            "?- cmg_undetermined(G, F).",
            "?- site_undetermined(S, F).",
        ]);
        assert_eq!(r.code, 0, "{version:?}: {r:?}");
        let v = run(&[
            "--inventory",
            inv,
            "--format",
            "json",
            "query",
            "?- blocked(C, cmg_classic_deployment_removed).",
            "?- undetermined(C, cmg_classic_deployment_removed).",
            "?- cmg_undetermined(G, F).",
            "?- site_undetermined(S, F).",
        ]);
        let v = json(&v);
        let counts: Vec<usize> = v["answers"]
            .as_array()
            .unwrap_or_else(|| panic!("{v}"))
            .iter()
            .map(|a| a["rows"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(counts, vec![0, 9, 1, 1], "{version:?}: {r:?}\n{v}");
        assert!(
            r.stdout
                .contains("(\"contosocmgus\", classic_deployment_removed)"),
            "{r:?}"
        );
        assert!(r.stdout.contains("(\"US1\", release)"), "{r:?}");
        // The report shows what is open, for the CMG, the site and the clients.
        let r = run(&["--inventory", inv, "report"]);
        assert_eq!(r.code, 0, "{r:?}");
        assert!(
            r.stdout
                .lines()
                .any(|l| l.contains("cmg_classic_deployment_removed")
                    && l.contains("undetermined")
                    && l.contains(" 9 ")),
            "{r:?}"
        );
        assert!(
            r.stdout.lines().any(|l| l.contains("contosocmgus")
                && l.contains("classic_deployment_removed")
                && l.contains("undetermined")),
            "{r:?}"
        );
        assert!(
            r.stdout
                .lines()
                .any(|l| l.contains("US1") && l.contains("release") && l.contains("undetermined")),
            "{r:?}"
        );
    }
}

#[test]
fn a_known_release_decides_the_classic_finding() {
    let r = run(&[
        "--inventory",
        SAMPLE,
        "query",
        "?- undetermined(C, cmg_classic_deployment_removed).",
        "?- cmg_undetermined(G, F).",
        "?- site_undetermined(S, F).",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains("contosocmgus"), "{r:?}");
    assert!(!r.stdout.contains("US1"), "{r:?}");
}

/// A CMG without a site code: which site's software update point and release apply is
/// unknown, so both blockers stay open for its clients.
#[test]
fn a_cmg_without_a_site_leaves_its_clients_blockers_open() {
    let dir = edited_sample("cmgs.csv", |t| {
        t.replace(
            "cmg-eu.westeurope.cloudapp.azure.com,westeurope,2,EU1",
            "cmg-eu.westeurope.cloudapp.azure.com,westeurope,2,",
        )
    });
    let inv = dir.path().to_str().unwrap();
    let r = run(&[
        "--inventory",
        inv,
        "--format",
        "json",
        "query",
        "?- blocked(C, software_updates_through_cmg).",
        "?- undetermined(C, software_updates_through_cmg).",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = json(&r);
    let counts: Vec<usize> = v["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rows"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(counts, vec![0, 7], "{v}");
}
