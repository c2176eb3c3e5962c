//! Exit codes a script can branch on: `query --fail-unless VERDICTS` and `--fail-on
//! VERDICTS` turn verdicts into exit 1, so a shell script need not parse the output.

mod common;

use common::*;

#[test]
fn without_the_flags_every_verdict_exits_0() {
    for q in [
        "supported? endpoint_protection",
        "supported? peer_cache",
        "supported? software_metering",
    ] {
        let r = run(&["query", q]);
        assert_eq!(r.code, 0, "{r:?}");
    }
}

#[test]
fn fail_unless_yes_exits_1_for_no_and_unknown() {
    let r = run(&[
        "query",
        "--fail-unless",
        "yes",
        "supported? endpoint_protection",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    for q in ["supported? peer_cache", "supported? software_metering"] {
        let r = run(&["query", "--fail-unless", "yes", q]);
        assert_eq!(r.code, 1, "{q}: {r:?}");
        assert!(!r.stdout.is_empty(), "the answer is still printed: {r:?}");
        assert!(
            r.stderr.contains("--fail-unless yes"),
            "stderr says which answer failed by which flag: {r:?}"
        );
    }
}

#[test]
fn fail_on_takes_a_list_of_verdicts() {
    let flags = ["query", "--fail-on", "no,unknown"];
    let r = run(&[&flags[..], &["supported? endpoint_protection"]].concat());
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(&[&flags[..], &["supported? peer_cache"]].concat());
    assert_eq!(r.code, 1, "{r:?}");
    let r = run(&[&flags[..], &["supported? software_metering"]].concat());
    assert_eq!(r.code, 1, "{r:?}");
    // The same flag given twice adds to the list.
    let r = run(&[
        "query",
        "--fail-on",
        "no",
        "--fail-on",
        "ambiguous",
        "valid_cmg_name? \"cmg-prod\"",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn with_several_queries_any_failing_verdict_fails_the_command() {
    let r = run(&[
        "query",
        "--fail-unless",
        "yes",
        "supported? endpoint_protection",
        "supported? peer_cache",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("supported? peer_cache"), "{r:?}");
    assert!(!r.stderr.contains("endpoint_protection"), "{r:?}");
}

#[test]
fn conjunctive_queries_are_yes_when_they_match_and_unknown_when_not() {
    let r = run(&["query", "--fail-unless", "yes", "?- cmg_role(R)."]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = run(&["query", "--fail-on", "unknown", "?- cmg_role(nothing)."]);
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn why_not_is_no_only_when_the_knowledge_base_contradicts_the_goal() {
    // Guards: every `why` or `why not` of a goal that does not hold counted as "no", the
    // document's silence included.
    let flags = ["query", "--fail-on", "unknown"];
    let contradicted = "why not supported(peer_cache, yes, unconditional)";
    let r = run(&[&flags[..], &[contradicted]].concat());
    assert_eq!(r.code, 0, "peer cache is stated as not supported: {r:?}");
    let r = run(&["query", "--fail-on", "no", contradicted]);
    assert_eq!(r.code, 1, "{r:?}");
    let silent = "why not supported(software_metering, yes, unconditional)";
    let r = run(&[&flags[..], &[silent]].concat());
    assert_eq!(
        r.code, 1,
        "the document says nothing of software metering: {r:?}"
    );
    let r = run(&[
        "query",
        "--fail-on",
        "no",
        "why supported(software_metering, yes, unconditional)",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn rejected_input_and_limits_keep_their_own_exit_codes() {
    let r = run(&["query", "--fail-unless", "yes", "nosuch? x"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(&[
        "--max-tuples",
        "5",
        "query",
        "--fail-unless",
        "yes",
        "supported? peer_cache",
    ]);
    assert_eq!(r.code, 3, "{r:?}");
}

#[test]
fn an_empty_verdict_list_is_rejected() {
    let r = run(&["query", "--fail-on", "", "supported? peer_cache"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("--fail-on"), "{r:?}");
}

#[test]
fn a_value_that_reads_like_a_count_is_a_value_not_a_yes() {
    // `supported? _ no` headlines "16 subjects" and counts as yes; a string value "2 things"
    // is the answer's value and must not.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("v.kb"),
        "decl p(subject: symbol, answer: string).\np(a, \"2 things\").\n",
    )
    .unwrap();
    let r = run_in(
        dir.path(),
        &["--kb", "v.kb", "query", "--fail-on", "yes", "p? a"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("2 things"), "{r:?}");
    let r = run_in(
        dir.path(),
        &["--kb", "v.kb", "query", "--fail-on", "2 things", "p? a"],
    );
    assert_eq!(r.code, 2, "a verdict is one word: {r:?}");
    let r = run_in(
        dir.path(),
        &["--kb", "v.kb", "query", "--fail-unless", "yes", "p? a"],
    );
    assert_eq!(r.code, 1, "{r:?}");
}

#[test]
fn a_verdict_no_answer_can_have_is_rejected_before_answering() {
    // A typo (`--fail-on bogus`, `--fail-unless yse`) would otherwise never match, so the
    // script's check silently passes (or always fails).
    for flag in ["--fail-on", "--fail-unless"] {
        let r = run(&["query", flag, "no,bogus", "supported? peer_cache"]);
        assert_eq!(r.code, 2, "{flag}: {r:?}");
        assert!(r.stderr.contains("`bogus`"), "{flag}: {r:?}");
        assert!(r.stdout.is_empty(), "nothing answered: {r:?}");
    }
    // A value the knowledge base holds is a verdict some answer can have.
    let r = run(&[
        "query",
        "--fail-on",
        "valid",
        "valid_cmg_name? \"cmg-prod\"",
    ]);
    assert_ne!(r.code, 2, "{r:?}");
}
