//! Query files as test suites: `supportkb test` over folders, JUnit XML, coverage, and the
//! expectation forms (verdict, row count, exact rows, a row, uses, cites).

mod common;

use common::*;

#[test]
fn the_examples_pass_as_a_suite_with_junit_and_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("results.xml");
    let r = run(&[
        "test",
        "examples/",
        "--coverage",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let last = last_line(&r.stdout);
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(
        passed >= 50 && last.ends_with(" passed, 0 failed"),
        "{last}"
    );
    assert!(
        r.stdout
            .contains("ok   examples/cmg-audit.kbq: 20 passed, 0 failed"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("examples/lifecycle/lifecycle.kbq (kb examples/lifecycle/lifecycle.kb)"),
        "{r:?}"
    );
    // Coverage names facts of the CMG document that no example question asks about.
    assert!(
        r.stdout.contains("coverage of the knowledge base:"),
        "{r:?}"
    );
    assert!(r.stdout.contains("fact  alternative_detail(remote_assistance_solution, announced_at, \"Microsoft Ignite 2021\")."), "{r:?}");
    assert!(r.stdout.contains("fact  see_also("), "{r:?}");
    // The facts the audit asks about are covered.
    assert!(
        !r.stdout
            .contains("fact  status(peer_cache, not_supported, unconditional)."),
        "{r:?}"
    );

    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains(&format!("tests=\"{passed}\"")), "{xml}");
    assert!(xml.contains("failures=\"0\""), "{xml}");
    assert!(
        xml.contains(
            "<testcase name=\"supported? peer_cache\" classname=\"examples/cmg-audit.kbq\""
        ),
        "{xml}"
    );

    let r = run(&["--format", "json", "test", "examples/", "--coverage"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = json(&r);
    assert_eq!(v["failed"], 0);
    assert!(v["coverage"][0]["uncovered"].as_array().unwrap().len() > 10);
}

#[test]
fn failures_show_expected_and_actual_side_by_side_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("checks.kbq"),
        "supported? peer_cache.\nexpect yes.\nexpect cites cmg 59.\nexpect uses status.\nexpect uses \"features.kb:39\".\n\n\
         ?- cmg_role(R).\nexpect rows (management_point), (distribution_point).\n\n\
         ?- cmg_role(R).\nexpect rows (software_update_point), (management_point).\nexpect cites cmg 10.\n\n\
         supported? peer_cache.\nexpect uses name_under.\nexpect cites cmg 60.\n",
    )
    .unwrap();
    let junit = dir.path().join("j.xml");
    let r = run_in(dir.path(), &["test", ".", "--junit", "j.xml"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(last_line(&r.stdout), "1 passed, 3 failed", "{r:?}");
    // The failing verdict, side by side.
    assert!(r.stdout.contains("│ yes "), "{r:?}");
    assert!(r.stdout.contains("│ verdict no "), "{r:?}");
    assert!(
        r.stdout
            .contains("rows (management_point), (software_update_point)"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains(
            "proofs use supported (rules/cmg/features.kb:39:1), status (rules/cmg/features.kb:"
        ),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("proofs cite cmg 22, cmg 67, cmg 59"),
        "{r:?}"
    );
    let xml = std::fs::read_to_string(junit).unwrap();
    assert!(xml.contains("failures=\"3\""), "{xml}");
    assert!(xml.contains("expected yes, actual verdict no"), "{xml}");
}

#[test]
fn a_suite_reports_a_file_that_cannot_run_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.kbq"),
        "supported? peer_cache.\nexpect no.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.kbq"),
        "supported? peer_cache\nexpect no.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.kbq"),
        "kb \"missing.kb\".\nsupported? peer_cache.\nexpect no.\n",
    )
    .unwrap();
    let r = run_in(dir.path(), &["test"]);
    // Files that cannot run are rejected input: exit 2, not 1.
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stdout.contains("ok   ./a.kbq: 1 passed, 0 failed"),
        "{r:?}"
    );
    assert!(r.stdout.contains("FAIL ./b.kbq"), "{r:?}");
    assert!(r.stdout.contains("error[syntax]"), "{r:?}");
    assert!(r.stdout.contains("FAIL ./c.kbq"), "{r:?}");
    assert!(r.stdout.contains("./c.kbq:1:1"), "{r:?}");
    assert!(
        r.stdout
            .contains("kb \"missing.kb\": no such file or folder"),
        "{r:?}"
    );
    assert_eq!(last_line(&r.stdout), "1 passed, 2 failed", "{r:?}");

    let empty = tempfile::tempdir().unwrap();
    let r = run_in(empty.path(), &["test"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no .kbq query file under ."), "{r:?}");
}
