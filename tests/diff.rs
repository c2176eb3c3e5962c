//! `supportkb diff A B` on the real revisions of the CMG table (examples/cmg-history/):
//! rows added and removed, version qualifiers retired, renames through aliases, notes, the
//! exit code, and the three formats.

mod common;

use common::*;
use serde_json::Value;

const H: &str = "examples/cmg-history";

fn diff(a: &str, b: &str, extra: &[&str]) -> Run {
    let (a, b) = (format!("{H}/{a}"), format!("{H}/{b}"));
    let mut args = vec!["--format", "json", "diff", a.as_str(), b.as_str()];
    args.extend(extra);
    run(&args)
}

/// The changes of `kind`, as (question asked of B, details).
fn changes(d: &Value, kind: &str) -> Vec<(String, Vec<String>)> {
    d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == kind)
        .map(|c| {
            let details = c["details"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect();
            (c["question_b"].as_str().unwrap().to_string(), details)
        })
        .collect()
}

fn questions(d: &Value, kind: &str) -> Vec<String> {
    changes(d, kind).into_iter().map(|(q, _)| q).collect()
}

fn renames(d: &Value) -> Vec<(String, String)> {
    d["renames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["old"].as_str().unwrap().to_string(),
                r["new"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn application_catalog_removed_and_1802_retired() {
    let r = diff(
        "2019-06-18-sccmdocs-2e514cca",
        "2019-07-30-sccmdocs-accadfff",
        &[],
    );
    assert_eq!(r.code, 1, "an answer changed: exit 1\n{}", r.stderr);
    let d = json(&r);
    assert_eq!(questions(&d, "removed"), ["supported? application_catalog"]);
    let retired: Vec<_> = changes(&d, "qualifier")
        .into_iter()
        .filter(|(q, _)| q.starts_with("supported? "))
        .collect();
    let subjects: Vec<&str> = retired.iter().map(|(q, _)| q.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "supported? software_distribution_user_targeted_available",
            "supported? task_sequences_not_using_boot_images_download_all_content_first",
            "supported? windows_10_in_place_upgrade_task_sequence",
        ]
    );
    for (q, details) in &retired {
        assert!(
            details
                .iter()
                .any(|l| l.starts_with("only A rests on since(") && l.ends_with("; 1802)")),
            "{q}: {details:?}"
        );
    }
    // Both answers come with their proofs: A's cites the removed row at its line.
    let removed = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "removed")
        .unwrap();
    let a = &removed["a"]["proofs"][0];
    assert!(a.to_string().contains("Application catalog"), "{a}");
    assert_eq!(removed["b"]["verdict"], "unknown");
}

#[test]
fn a_revision_that_only_renames_changes_no_answer() {
    let r = diff(
        "2022-07-12-memdocs-57cb874b",
        "current-memdocs-5839143a",
        &[],
    );
    assert_eq!(r.code, 0, "no answer changed: exit 0\n{}", r.stdout);
    let d = json(&r);
    assert!(d["changes"].as_array().unwrap().is_empty(), "{}", r.stdout);
    assert_eq!(
        renames(&d),
        [(
            "with_azure_ad_integration".to_string(),
            "with_microsoft_entra_integration".to_string()
        )]
    );
    assert!(d["asked"].as_u64().unwrap() > 30);
}

#[test]
fn rows_added_renamed_and_qualifiers_retired_in_2022() {
    let r = diff("2020-11-30-memdocs", "2022-07-12-memdocs-57cb874b", &[]);
    assert_eq!(r.code, 1);
    let d = json(&r);
    let added: Vec<String> = questions(&d, "added")
        .into_iter()
        .filter(|q| q.starts_with("supported? "))
        .collect();
    assert_eq!(
        added,
        [
            "supported? content_for_app_v_streaming_applications",
            "supported? content_for_microsoft_365_apps_updates",
            "supported? content_for_pxe_or_multicast_deployments",
            "supported? prestage_content",
            "supported? pull_distribution_point_source",
        ]
    );
    // A rename, not an add and a remove.
    assert_eq!(
        renames(&d),
        [(
            "windows_10_in_place_upgrade_task_sequence".to_string(),
            "windows_in_place_upgrade_task_sequence".to_string()
        )]
    );
    let all = d["changes"].to_string();
    assert!(!all.contains("supported? windows_in_place_upgrade_task_sequence\""));
    assert!(
        questions(&d, "removed")
            .iter()
            .all(|q| !q.contains("windows"))
    );
    // Every version mark retired.
    let retired = changes(&d, "qualifier");
    let retired_since: Vec<String> = retired
        .iter()
        .flat_map(|(_, l)| l.iter().filter(|l| l.contains("since(")).cloned())
        .collect();
    assert_eq!(retired_since.len(), 5, "{retired_since:?}");
    assert!(
        retired_since
            .iter()
            .all(|l| l.starts_with("only A rests on"))
    );
    // Note 1 lost its version.
    assert!(
        questions(&d, "note").contains(&"supported? endpoint_protection".to_string()),
        "{all}"
    );
}

#[test]
fn by_default_inputs_are_asked_at_the_versions_the_revisions_mention() {
    // `deployment_supported` needs a method and a version: the default questions ask it at
    // every version either revision mentions, so the removal shows without a query file.
    let r = diff("2020-11-30-memdocs", "2022-07-12-memdocs-57cb874b", &[]);
    assert_eq!(r.code, 1);
    let d = json(&r);
    let added = changes(&d, "added");
    let classic = added
        .iter()
        .find(|(q, _)| q == "deployment_supported? cloud_service_classic 2203")
        .unwrap_or_else(|| panic!("{added:?}"));
    assert_eq!(
        classic.1,
        ["answer: unknown → (no, virtual_machine_scale_set)"]
    );
    // The versions before 2203 changed alike: one change names the others.
    let before: Vec<_> = changes(&d, "qualifier")
        .into_iter()
        .filter(|(q, _)| q.starts_with("deployment_supported? cloud_service_classic"))
        .collect();
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(
        before[0].1.last().map(String::as_str),
        Some("the same with 2002, 2006 in its place")
    );
    // A refinement of a verdict already asked (`supported_at` of `supported`) is not asked.
    assert!(
        d["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["question_b"]
                .as_str()
                .unwrap()
                .starts_with("supported_at?")),
        "{d}"
    );
}

#[test]
fn questions_of_a_query_file_the_classic_option_removed_from_2203() {
    let r = diff(
        "2020-11-30-memdocs",
        "2022-07-12-memdocs-57cb874b",
        &["--queries", "tests/diff/versions.kbq"],
    );
    assert_eq!(r.code, 1);
    let d = json(&r);
    assert_eq!(d["asked"], 3);
    let added = changes(&d, "added");
    assert_eq!(
        added[0].0,
        "deployment_supported? cloud_service_classic 2203"
    );
    assert_eq!(
        added[0].1,
        ["answer: unknown → (no, virtual_machine_scale_set)"]
    );
    let verdict = changes(&d, "verdict");
    assert_eq!(verdict[0].0, "supported_at? bitlocker_management 2006");
    assert_eq!(
        verdict[0].1,
        ["answer: (no, unconditional) → (yes, unconditional)"]
    );
}

#[test]
fn text_and_markdown_show_both_answers_and_their_lines() {
    let (a, b) = (
        format!("{H}/2019-06-18-sccmdocs-2e514cca"),
        format!("{H}/2019-07-30-sccmdocs-accadfff"),
    );
    let t = run(&["diff", &a, &b]);
    assert_eq!(t.code, 1);
    assert!(t.stdout.contains("subject removed (1):"), "{}", t.stdout);
    assert!(
        t.stdout
            .contains("A: supported? application_catalog  →  no unconditional")
    );
    assert!(
        t.stdout
            .contains("B: supported? application_catalog  →  unknown")
    );
    assert!(t.stdout.contains("cmg line "), "{}", t.stdout);
    let full = run(&["diff", &a, &b, "--full-proofs"]);
    assert!(
        full.stdout.contains("by rule supported(S, no, C)"),
        "{}",
        full.stdout
    );
    let m = run(&["--format", "markdown", "diff", &a, &b]);
    assert!(m.stdout.starts_with("# Diff"));
    assert!(m.stdout.contains("## subject removed (1)"));
    let same = run(&["diff", &a, &a]);
    assert_eq!(same.code, 0);
    assert!(same.stdout.contains("no answer changed"));
}

/// Two premises citing the same line (a note's heading section and its statement) list the
/// line once under an answer, not once per premise.
#[test]
fn each_answer_lists_a_cited_line_once() {
    let (a, b) = (
        format!("{H}/2020-11-30-memdocs"),
        format!("{H}/2022-07-12-memdocs-57cb874b"),
    );
    let t = run(&["diff", &a, &b]);
    assert_eq!(t.code, 1);
    let mut under: Vec<&str> = Vec::new();
    let mut checked = 0;
    for l in t.stdout.lines() {
        if l.starts_with("    A: ") || l.starts_with("    B: ") {
            under.clear();
        } else if let Some(c) = l.strip_prefix("       ") {
            assert!(!under.contains(&c), "{c} listed twice:\n{}", t.stdout);
            under.push(c);
            checked += 1;
        }
    }
    assert!(checked > 20, "{}", t.stdout);
}

/// A versioned verdict whose version facts the unversioned verdict does not read
/// (`csp_support_at` reads `csp_support_from`, `csp_support` does not) is asked at the
/// versions the revisions mention: the retired "Starting in version 1802" on the CSP bullet
/// shows without a query file.
#[test]
fn the_retired_1802_on_the_csp_bullet_shows_by_default() {
    let r = diff(
        "2019-06-18-sccmdocs-2e514cca",
        "2019-07-30-sccmdocs-accadfff",
        &[],
    );
    let d = json(&r);
    let csp: Vec<_> = changes(&d, "qualifier")
        .into_iter()
        .filter(|(q, _)| q.starts_with("csp_support_at? azure_resource_manager"))
        .collect();
    assert_eq!(csp.len(), 1, "{}", d["changes"]);
    assert_eq!(csp[0].0, "csp_support_at? azure_resource_manager 1802");
    assert!(
        csp[0].1.contains(
            &"only A rests on csp_support_from(azure_resource_manager; 1802)".to_string()
        ),
        "{:?}",
        csp[0].1
    );
}

/// A verdict predicate only one side declares, with no inputs either model holds to ask it
/// with (the name rule takes a name the question supplies), is reported as a predicate added.
#[test]
fn the_name_rule_added_in_2022_is_reported() {
    let r = diff("2020-11-30-memdocs", "2022-07-12-memdocs-57cb874b", &[]);
    let d = json(&r);
    let added = changes(&d, "predicate_added");
    let names: Vec<&str> = added.iter().map(|(q, _)| q.as_str()).collect();
    assert_eq!(
        names,
        [
            "name_under(name, reading, verdict)",
            "valid_cmg_name(name, verdict)"
        ],
        "{}",
        d["changes"]
    );
    assert!(
        added[1].1[0].starts_with("only B declares valid_cmg_name"),
        "{:?}",
        added[1].1
    );
    let back = diff("2022-07-12-memdocs-57cb874b", "2020-11-30-memdocs", &[]);
    assert_eq!(changes(&json(&back), "predicate_removed").len(), 2);
}

/// Note 1's "Starting in version 2006 …" (2020-11-30) is the note's answer qualified by a
/// version: the 2022-07-12 note without it retires a qualifier, not a subject added and a
/// versioned statement removed.
#[test]
fn note_1_loses_its_version_as_a_qualifier_retired() {
    let r = diff("2020-11-30-memdocs", "2022-07-12-memdocs-57cb874b", &[]);
    let d = json(&r);
    let qualifier = changes(&d, "qualifier");
    for (q, fact) in [
        (
            "applies_immediately? endpoint_protection_policies",
            "only A rests on applies_immediately_from(endpoint_protection_policies, 2006; yes)",
        ),
        (
            "requires_active_directory_connection? endpoint_protection_policies",
            "only A rests on requires_active_directory_connection_from(endpoint_protection_policies, 2006; no)",
        ),
    ] {
        let (_, details) = qualifier
            .iter()
            .find(|(x, _)| x == q)
            .unwrap_or_else(|| panic!("{q}: {qualifier:?}"));
        assert!(details.contains(&fact.to_string()), "{details:?}");
    }
    let all: Vec<String> = ["added", "removed"]
        .iter()
        .flat_map(|k| questions(&d, k))
        .collect();
    assert!(
        all.iter()
            .all(|q| !q.contains("applies_immediately") && !q.contains("active_directory")),
        "{all:?}"
    );
}

fn queries_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("supportkb-diff-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{name}.kbq"));
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn query_file_errors_are_placed_in_the_query_file() {
    let (a, b) = (
        format!("{H}/2020-11-30-memdocs"),
        format!("{H}/2022-07-12-memdocs-57cb874b"),
    );
    let bad = queries_file(
        "syntax",
        "supported? bitlocker_management.\nsupported? (.\n",
    );
    let r = run(&["diff", &a, &b, "--queries", &bad]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{bad}:2:")), "{}", r.stderr);
    assert!(!r.stderr.contains("<unknown>"), "{}", r.stderr);
    let unknown = queries_file(
        "unknown",
        "supported? bitlocker_management.\nno_such_thing? x.\n",
    );
    let r = run(&["diff", &a, &b, "--queries", &unknown]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{unknown}:2:1")), "{}", r.stderr);
    // A predicate only B declares is a change, and a query diff does not ask is named.
    let only_b = queries_file(
        "only-b",
        "valid_cmg_name? \"cmg-prod\".\n?- status(S, supported, C).\n",
    );
    let r = run(&["--format", "json", "diff", &a, &b, "--queries", &only_b]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let d = json(&r);
    assert_eq!(questions(&d, "added"), ["valid_cmg_name? \"cmg-prod\""]);
    assert!(r.stderr.contains(&format!("{only_b}:2:1")), "{}", r.stderr);
    assert!(r.stderr.contains("skipped"), "{}", r.stderr);
}

#[test]
fn diff_help_says_exit_1_is_an_answer_changed() {
    let help = run(&["diff", "--help"]);
    let text = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    let codes = text.split("Exit codes:").nth(1).unwrap_or_default();
    assert!(
        codes.contains("diff found an answer changed"),
        "{}",
        help.stdout
    );
}

/// The two answers side by side shrink to the page (800 px) instead of overflowing it.
#[test]
fn the_html_sides_shrink_and_wrap() {
    let (a, b) = (
        format!("{H}/2019-06-18-sccmdocs-2e514cca"),
        format!("{H}/2019-07-30-sccmdocs-accadfff"),
    );
    let page = run(&["--format", "html", "diff", &a, &b]);
    assert!(
        !page.stdout.contains("1fr 1fr"),
        "columns cannot shrink below their content"
    );
    assert!(
        page.stdout
            .contains("grid-template-columns:minmax(0,1fr) minmax(0,1fr)")
    );
    assert!(page.stdout.contains("overflow-wrap:anywhere"));
}
