//! Empty and mismatched cells of the inventory that gave a wrong "fine": a CMG's unknown
//! service name, IP flags of which one is known, a site missing from sites.csv, and site
//! codes spelled in another case. Each one may only leave findings undetermined.

mod common;

use common::estate::*;
use common::*;

/// The 9 clients through `contosocmgus` (service `cmgus.contoso.com`, classic, on US1 at
/// 2203): each is blocked by the classic deployment's removal.
fn through_contosocmgus(e: &Estate) -> Vec<String> {
    let mp = e.column("clients.csv", "management_point");
    e.files["clients.csv"][1..]
        .iter()
        .filter(|r| r[mp].starts_with("cmgus.contoso.com/"))
        .map(|r| r[0].clone())
        .collect()
}

/// An empty `service_cname` made the CMG's clients fine (blocked clients went from 49 to
/// 42): a client whose management point's host could be the unknown service name has its
/// findings through a CMG undetermined, and `why` names the empty cell.
#[test]
fn an_unknown_service_name_leaves_the_findings_through_that_cmg_undetermined() {
    let sample = Estate::sample();
    let before = statuses(&sample.report());
    let mut e = sample.clone();
    e.set("cmgs.csv", Some("contosocmgus"), "service_cname", "");
    let report = e.report();
    let after = statuses(&report);
    let clients = through_contosocmgus(&sample);
    assert_eq!(clients.len(), 9);
    for c in &clients {
        let at = |f: &str| after.get(&("client", c.clone(), f.to_string())).copied();
        assert_eq!(
            at("cmg_classic_deployment_removed"),
            Some(Status::Undetermined),
            "{c}: {report}"
        );
        assert_eq!(
            at("features_not_supported_through_cmg"),
            Some(Status::Undetermined),
            "{c}"
        );
    }
    assert_eq!(not_monotonic(&before, &after), Vec::<String>::new());
    // What the CMG is (classic, on a 2203 site) does not depend on its service name.
    assert_eq!(
        after.get(&(
            "cmg",
            "contosocmgus".into(),
            "classic_deployment_removed".into()
        )),
        Some(&Status::Blocked)
    );
    let dir = e.write();
    let r = run(&[
        "--inventory",
        dir.path().to_str().unwrap(),
        "query",
        &format!(
            "why undetermined({}, cmg_classic_deployment_removed)",
            clients[0]
        ),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("cmg_service_name_unknown(\"contosocmgus\")"),
        "{r:?}"
    );
    assert!(r.stdout.contains("service_cname"), "{r:?}");
}

/// The name rule reads the CMG's name, not its service name: an empty `service_cname`
/// dropped the CMG's `name_invalid` finding, and its clients' blocker.
#[test]
fn an_unknown_service_name_keeps_the_cmgs_own_name_finding() {
    let mut e = Estate::sample();
    e.set("cmgs.csv", Some("1cmgapac"), "service_cname", "");
    let after = statuses(&e.report());
    assert_eq!(
        after.get(&("cmg", "1cmgapac".into(), "name_invalid".into())),
        Some(&Status::Blocked)
    );
    // APC-LT0000024 talked through it: its blocker is now open.
    assert_eq!(
        after.get(&("client", "16777249".into(), "cmg_name_invalid".into())),
        Some(&Status::Undetermined)
    );
}

/// A client with a known IPv4 address is not IPv6-only, whatever its IPv6 cell; one without
/// IPv6 is not either, whatever its IPv4 cell.
#[test]
fn one_known_ip_flag_can_decide_ipv6_only() {
    // HQ1-LT0000001: has_ipv4 true, has_ipv6 false.
    for (column, decided) in [("has_ipv6", true), ("has_ipv4", true)] {
        let mut e = Estate::sample();
        e.set("clients.csv", Some("16777220"), column, "");
        let after = statuses(&e.report());
        let open = after.get(&("client", "16777220".into(), "ipv6_only".into()));
        assert_eq!(open.is_none(), decided, "{column} empty: {open:?}");
    }
    // US1-LT0000015: has_ipv4 false, has_ipv6 true: either cell empty leaves it open.
    for column in ["has_ipv6", "has_ipv4"] {
        let mut e = Estate::sample();
        e.set("clients.csv", Some("16777240"), column, "");
        let after = statuses(&e.report());
        assert_eq!(
            after.get(&("client", "16777240".into(), "ipv6_only".into())),
            Some(&Status::Undetermined),
            "{column} empty"
        );
    }
}

/// A site the inventory names but sites.csv does not hold has no release: the site's
/// release is listed undetermined, and so is the classic finding of its CMG and clients.
#[test]
fn a_site_missing_from_sites_csv_has_its_release_undetermined() {
    let sample = Estate::sample();
    let before = statuses(&sample.report());
    let mut e = sample.clone();
    e.remove("sites.csv", "US1");
    let after = statuses(&e.report());
    assert_eq!(not_monotonic(&before, &after), Vec::<String>::new());
    assert_eq!(
        after.get(&("site", "US1".into(), "release".into())),
        Some(&Status::Undetermined)
    );
    for c in through_contosocmgus(&sample) {
        assert_eq!(
            after.get(&("client", c.clone(), "cmg_classic_deployment_removed".into())),
            Some(&Status::Undetermined),
            "{c}"
        );
    }
}

/// A client of a site the inventory leaves out talks through a CMG cmgs.csv does not
/// describe (its management point is a CMG path, `HOST/CCM_Proxy_…/ID`, of no known
/// service name): its findings through a CMG are open, never fine, and its site's release
/// is listed undetermined.
#[test]
fn a_client_through_a_cmg_the_inventory_does_not_describe_is_undetermined() {
    let mut e = Estate::sample();
    e.push(
        "clients.csv",
        "16799999,XYZ-LT0000999,Microsoft Windows 11 Enterprise,10.0.22631,0,5.00.9132.1011,XYZ,true,cmgxyz.contoso.com/CCM_Proxy_MutualAuth/72057594037999999,true,false,",
    );
    let after = statuses(&e.report());
    for b in THROUGH_CMG {
        assert_eq!(
            after.get(&("client", "16799999".into(), b.into())),
            Some(&Status::Undetermined),
            "{b}"
        );
    }
    assert_eq!(
        after.get(&("site", "XYZ".into(), "release".into())),
        Some(&Status::Undetermined)
    );
}

/// Site codes are case-insensitive: `us1` in one file and `US1` in another are one site, so
/// any file's codes in lower case give the sample's report.
#[test]
fn site_codes_match_ignoring_case() {
    let sample = Estate::sample();
    let before = statuses(&sample.report());
    for file in FILES {
        let mut e = sample.clone();
        e.set_where(file, |_| true, "site_code", |s| s.to_lowercase());
        let after = statuses(&e.report());
        assert_eq!(before, after, "{file} in lower case");
    }
}

/// The report shows site codes in upper case, the clients' too: a client whose clients.csv
/// row spells its site `us1` was listed under `us1` while its CMG's findings said `US1`.
#[test]
fn the_report_shows_a_client_site_code_in_upper_case() {
    let sample = Estate::sample();
    let mut e = sample.clone();
    e.set_where("clients.csv", |_| true, "site_code", |s| s.to_lowercase());
    let (before, after) = (sample.report(), e.report());
    for list in ["affected", "undetermined_clients"] {
        assert!(!before[list].as_array().unwrap().is_empty(), "{list}");
        assert_eq!(before[list], after[list], "{list}");
    }
}

/// sites.csv holding one site twice, its code in two cases (`US1` and `us1`), with two
/// releases: which one is the site's is unknown. It gave both, and the later one blocked the
/// classic CMG's clients although the other is before 2203.
#[test]
fn a_site_on_two_rows_in_two_cases_with_two_releases_has_its_release_undetermined() {
    let sample = Estate::sample();
    let mut e = sample.clone();
    e.push("sites.csv", "us1,5.00.9068.1000");
    let after = statuses(&e.report());
    assert_eq!(
        after.get(&("site", "US1".into(), "release".into())),
        Some(&Status::Undetermined)
    );
    assert_eq!(
        after.get(&(
            "cmg",
            "contosocmgus".into(),
            "classic_deployment_removed".into()
        )),
        Some(&Status::Undetermined)
    );
    for c in through_contosocmgus(&sample) {
        assert_eq!(
            after.get(&("client", c.clone(), "cmg_classic_deployment_removed".into())),
            Some(&Status::Undetermined),
            "{c}"
        );
    }
    // The same version twice decides it.
    let mut e = sample.clone();
    e.push("sites.csv", "us1,5.00.9078.1000");
    assert_eq!(statuses(&e.report()), statuses(&sample.report()));
}
