//! Empty and mismatched cells of the inventory that gave a wrong "fine": IP flags of which
//! one is known, a site missing from sites.csv, and site codes spelled in another case. Each
//! one may only leave findings undetermined.

mod common;

use common::estate::*;

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
