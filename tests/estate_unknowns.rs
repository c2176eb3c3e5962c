//! Empty and mismatched cells of the inventory that gave a wrong "fine". Each one may only
//! leave findings undetermined.

mod common;

use common::estate::*;

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
