//! Query files as test suites: `supportkb test` over folders, JUnit XML, coverage, and the
//! expectation forms (verdict, row count, exact rows, a row, uses, cites).

use assert_cmd::Command;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn supportkb(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("supportkb")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn last_line(s: &str) -> &str {
    s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
}

#[test]
fn the_examples_pass_as_a_suite_with_junit_and_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("results.xml");
    let (code, out, err) = supportkb(
        Path::new(ROOT),
        &[
            "test",
            "examples/",
            "--coverage",
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let last = last_line(&out);
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(
        passed >= 50 && last.ends_with(" passed, 0 failed"),
        "{last}"
    );
    assert!(
        out.contains("ok   examples/cmg-audit.kbq: 20 passed, 0 failed"),
        "{out}"
    );
    assert!(
        out.contains("examples/lifecycle/lifecycle.kbq (kb examples/lifecycle/lifecycle.kb)"),
        "{out}"
    );
    // Coverage names facts of the CMG document that no example question asks about.
    assert!(out.contains("coverage of the knowledge base:"), "{out}");
    assert!(out.contains("fact  alternative_detail(remote_assistance_solution, announced_at, \"Microsoft Ignite 2021\")."), "{out}");
    assert!(out.contains("fact  see_also("), "{out}");
    // The facts the audit asks about are covered.
    assert!(
        !out.contains("fact  status(peer_cache, not_supported, unconditional)."),
        "{out}"
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

    let (code, json, _) = supportkb(
        Path::new(ROOT),
        &["--format", "json", "test", "examples/", "--coverage"],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
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
    let (code, out, _) = supportkb(dir.path(), &["test", ".", "--junit", "j.xml"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(last_line(&out), "1 passed, 3 failed", "{out}");
    // The failing verdict, side by side.
    assert!(out.contains("│ yes "), "{out}");
    assert!(out.contains("│ verdict no "), "{out}");
    assert!(
        out.contains("rows (management_point), (software_update_point)"),
        "{out}"
    );
    assert!(
        out.contains(
            "proofs use supported (rules/cmg/features.kb:39:1), status (rules/cmg/features.kb:"
        ),
        "{out}"
    );
    assert!(out.contains("proofs cite cmg 22, cmg 67, cmg 59"), "{out}");
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
    let (code, out, _) = supportkb(dir.path(), &["test"]);
    // Files that cannot run are rejected input: exit 2, not 1.
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("ok   ./a.kbq: 1 passed, 0 failed"), "{out}");
    assert!(out.contains("FAIL ./b.kbq"), "{out}");
    assert!(out.contains("error[syntax]"), "{out}");
    assert!(out.contains("FAIL ./c.kbq"), "{out}");
    assert!(out.contains("missing.kb: no such file"), "{out}");
    assert_eq!(last_line(&out), "1 passed, 2 failed", "{out}");

    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = supportkb(empty.path(), &["test"]);
    assert_eq!(code, 2);
    assert!(err.contains("no .kbq query file under ."), "{err}");
}
