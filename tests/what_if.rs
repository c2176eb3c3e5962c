//! What-if scenarios over a fact set aside: assuming a fact that `retract` set aside brings
//! it back, in a query file and in the REPL's script mode alike.

mod common;

use common::estate::SAMPLE;
use common::*;
use std::path::Path;

const FACT: &str = "status(peer_cache, not_supported, unconditional)";

#[test]
fn a_query_file_can_assume_again_what_it_retracted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.kbq"),
        format!(
            "retract {FACT}.\nsupported? peer_cache.\nexpect unknown.\n\nassume {FACT}.\nsupported? peer_cache.\nexpect no.\n"
        ),
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "a.kbq"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2 passed, 0 failed"), "{r:?}");
}

#[test]
fn the_repl_can_assume_again_what_it_retracted() {
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        ":retract {FACT}.\nsupported? peer_cache\n:assume {FACT}.\nsupported? peer_cache\n"
    );
    let r = run_with_stdin(dir.path(), &[], script);
    assert_eq!(r.code, 0, "{r:?}");
    let verdicts: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("unknown") || l == &"no")
        .collect();
    assert_eq!(
        verdicts,
        [
            "unknown: the knowledge base states nothing about supported(peer_cache, _, _)",
            "no"
        ],
        "{r:?}"
    );
    assert!(
        r.stdout.contains("restored"),
        "the REPL says the fact is back: {r:?}"
    );
}

#[test]
fn an_assumption_of_a_query_file_is_cited_at_its_own_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.kbq"),
        "supported? peer_cache.\n\n  assume site(hq).\nsoftware_updates_through_cmg? hq.\nexpect yes.\n\
         assume site_software_update_point(hq, network_load_balancer).\n\
         software_updates_through_cmg? hq.\nexpect no.\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "a.kbq"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("site(hq)   [fact, a.kbq:3:10]"), "{r:?}");
    assert!(
        r.stdout
            .contains("site_software_update_point(hq, network_load_balancer)   [fact, a.kbq:6:8]"),
        "{r:?}"
    );
    assert!(!r.stdout.contains("<assumptions>"), "{r:?}");
    let r = run_in(dir.path(), &["run", "a.kbq", "--format", "json"]);
    let doc = json(&r);
    let text = doc.to_string();
    assert!(!text.contains("<assumptions>"), "{text}");
    assert!(
        text.contains(r#""location":{"file":"a.kbq","line":3,"column":10}"#),
        "{text}"
    );
}

#[test]
fn an_assumption_that_breaks_the_knowledge_base_is_an_error_at_that_assumption() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.kbq"),
        "supported? peer_cache.\n  assume site(hq, x).\n\
         assume site_software_update_point(hq, network_load_balancer).\n\
         software_updates_through_cmg? hq.\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "b.kbq"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_error_at(&r.stderr, "input", "b.kbq", 2, 10);
    assert!(!r.stderr.contains("<assumptions>"), "{r:?}");
}

const CSV_FACT: &str = "client_has_ipv4(16777240, false)";

/// The verdict lines (`mixed: …`) of the answers to `blocked? 16777240` that list ipv6_only.
fn blocked_lines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("mixed: ") && l.contains("ipv6_only"))
        .collect()
}

#[test]
fn the_repl_sets_aside_a_fact_read_from_an_inventory_csv() {
    let dir = tempfile::tempdir().unwrap();
    let inv = Path::new(ROOT).join(SAMPLE);
    let inv = inv.to_str().unwrap();
    let script = format!(
        "blocked? 16777240\n:retract {CSV_FACT}.\nblocked? 16777240\n:reset\nblocked? 16777240\n"
    );
    let r = run_with_stdin(dir.path(), &["--inventory", inv], script);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains(&format!("set aside {CSV_FACT}.")),
        "{r:?}"
    );
    assert!(!r.stdout.contains("derived by rules"), "{r:?}");
    let lines = blocked_lines(&r.stdout);
    assert_eq!(
        lines.len(),
        2,
        "ipv6_only before the retraction and after the reset only: {lines:?}\n{r:?}"
    );
}

#[test]
fn a_query_file_retracts_a_fact_read_from_an_inventory_csv() {
    let dir = tempfile::tempdir().unwrap();
    let inv = Path::new(ROOT).join(SAMPLE);
    std::fs::write(
        dir.path().join("a.kbq"),
        format!(
            "inventory \"{}\".\n?- blocked(16777240, ipv6_only).\nexpect rows 1.\n\nretract {CSV_FACT}.\n?- blocked(16777240, ipv6_only).\nexpect rows 0.\n",
            inv.display()
        ),
    )
    .unwrap();
    let r = run_in(dir.path(), &["run", "a.kbq"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2 passed, 0 failed"), "{r:?}");
}

#[test]
fn an_assumption_against_a_declared_key_warns_naming_the_key_and_the_fact() {
    let dir = tempfile::tempdir().unwrap();
    let inv = Path::new(ROOT).join(SAMPLE);
    let r = run_with_stdin(
        dir.path(),
        &["--inventory", inv.to_str().unwrap()],
        ":assume client_has_ipv4(16777240, true).\n",
    );
    assert_eq!(r.code, 0, "{r:?}");
    let all = format!("{}{}", r.stdout, r.stderr);
    let warning = all
        .lines()
        .find(|l| l.starts_with("warning:") && l.contains("key"))
        .unwrap_or_else(|| panic!("no warning about the key: {r:?}"));
    assert!(warning.contains("(client)"), "{warning}");
    assert!(warning.contains(CSV_FACT), "{warning}");
    assert!(warning.contains("clients.csv:16:1"), "{warning}");
}
