//! `why` of a client the inventory says nothing about ends at the file: a resource id no
//! row of clients.csv holds is said to be so (naming the file), and a row that leaves the
//! cell empty is named by its line, not "no fact gives it".

mod common;

use common::*;

const SAMPLE: &str = "examples/estate/sample";

#[test]
fn why_of_a_resource_id_no_row_holds_says_so_naming_the_file() {
    let r = run(&["--inventory", SAMPLE, "query", "why blocked(99, ipv6_only)"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "client_has_ipv6(99, true) is stated nowhere — unknown: no row of examples/estate/sample/clients.csv has resource_id `99`"
        ),
        "{r:?}"
    );
    assert!(!r.stdout.contains("no fact gives it"), "{r:?}");
}

#[test]
fn why_of_a_client_whose_cell_is_empty_names_its_row() {
    // Line 108, resource id 16777343: has_ipv4 and has_ipv6 empty (no address rows).
    let r = run(&[
        "--inventory",
        SAMPLE,
        "query",
        "why not blocked(16777343, ipv6_only)",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(
            "client_has_ipv6(16777343, true) is stated nowhere — unknown: examples/estate/sample/clients.csv:108 has resource_id `16777343` and no value under `has_ipv6`"
        ),
        "{r:?}"
    );
}

#[test]
fn why_as_json_carries_the_reason() {
    let r = run(&[
        "--inventory",
        SAMPLE,
        "--format",
        "json",
        "query",
        "why blocked(99, ipv6_only)",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("no row of examples/estate/sample/clients.csv has resource_id `99`"),
        "{r:?}"
    );
}
