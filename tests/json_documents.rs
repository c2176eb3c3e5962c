//! One stable, versioned JSON document per command: every `--format json` output is
//! validated against the JSON Schema of its kind in `schemas/`, and the shapes the README
//! promises are checked: the same envelope for one query or many, typed values, internal
//! fields only when asked, errors inside the envelope.

mod common;

use common::*;
use serde_json::{Value, json};
use supportkb::render::document::Kind;

/// The JSON Schema of `kind`, from the repository.
fn schema(kind: Kind) -> Value {
    let path = format!("{ROOT}/{}", kind.file());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Parses what `r` printed as one JSON document and validates it against `kind`'s schema.
fn document(kind: Kind, r: &Run) -> Value {
    let doc: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is one JSON document ({e}): {r:?}"));
    let validator = jsonschema::validator_for(&schema(kind)).expect("the schema compiles");
    let problems: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        problems.is_empty(),
        "{} does not validate:\n{}\n{}",
        kind.file(),
        problems.join("\n"),
        r.stdout
    );
    assert_eq!(doc["schema"], kind.schema(), "{doc}");
    doc
}

fn json_run(args: &[&str]) -> Run {
    run(&[&["--format", "json"], args].concat())
}

#[test]
fn every_schema_is_a_valid_json_schema() {
    for kind in Kind::ALL {
        let s = schema(kind);
        assert!(
            jsonschema::meta::is_valid(&s),
            "{} is not a valid JSON Schema",
            kind.file()
        );
    }
}

#[test]
fn one_query_and_several_give_the_same_shape() {
    let one = document(
        Kind::Answers,
        &json_run(&["query", "supported? peer_cache"]),
    );
    assert_eq!(one["answers"].as_array().unwrap().len(), 1, "{one}");
    assert_eq!(one["errors"], json!([]));
    let two = document(
        Kind::Answers,
        &json_run(&["query", "supported? peer_cache", "?- cmg_role(R)."]),
    );
    assert_eq!(two["answers"].as_array().unwrap().len(), 2, "{two}");
    assert_eq!(two["answers"][0]["kind"], "question");
    assert_eq!(two["answers"][1]["kind"], "bindings");
    // Questions and `?-` queries name their columns the same way.
    assert_eq!(two["answers"][1]["columns"], json!(["R"]), "{two}");
    assert!(two["answers"][1].get("vars").is_none(), "{two}");
}

#[test]
fn values_are_typed_and_strings_have_no_quote_marks() {
    let doc = document(
        Kind::Answers,
        &json_run(&["query", "?- feature(alternate_content_providers, N)."]),
    );
    let row = &doc["answers"][0]["rows"][0];
    assert_eq!(
        row[0],
        json!({"type": "string", "value": "Alternate content providers"}),
        "{doc}"
    );
    let doc = document(
        Kind::Answers,
        &json_run(&["query", "supported? peer_cache"]),
    );
    let row = &doc["answers"][0]["rows"][0];
    assert_eq!(row[0], json!({"type": "symbol", "value": "no"}), "{doc}");
    let args = &doc["answers"][0]["proofs"][0]["atom"]["args"];
    assert_eq!(
        args[0],
        json!({"type": "symbol", "value": "peer_cache"}),
        "{doc}"
    );
    let doc = document(
        Kind::Answers,
        &json_run(&["query", "unsupported_feature_count? N"]),
    );
    assert_eq!(
        doc["answers"][0]["rows"][0][0],
        json!({"type": "integer", "value": 16}),
        "{doc}"
    );
}

#[test]
fn heights_are_left_out_unless_asked_for() {
    let r = json_run(&["query", "supported? peer_cache"]);
    assert!(!r.stdout.contains("\"height\""), "{r:?}");
    let r = json_run(&["--internal", "query", "supported? peer_cache"]);
    assert!(r.stdout.contains("\"height\""), "{r:?}");
    document(Kind::Answers, &r);
}

#[test]
fn errors_are_inside_the_same_envelope() {
    let r = json_run(&["query", "supported? peer_cache", "nosuch? x"]);
    assert_eq!(r.code, 2, "{r:?}");
    let doc = document(Kind::Answers, &r);
    assert_eq!(doc["answers"].as_array().unwrap().len(), 1, "{doc}");
    let e = &doc["errors"][0];
    assert_eq!(e["query"], "nosuch? x", "{doc}");
    assert_eq!(e["severity"], "error", "{doc}");
    // A knowledge base that does not load: the envelope of the command, with its errors.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.kb"), "p(X :- q.\n").unwrap();
    let r = run_in(
        dir.path(),
        &["--format", "json", "--kb", "bad.kb", "run", "none.kbq"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    let doc = document(Kind::Run, &r);
    assert!(!doc["errors"].as_array().unwrap().is_empty(), "{doc}");
}

#[test]
fn a_limit_is_an_error_in_the_envelope() {
    let r = json_run(&["--max-tuples", "5", "query", "supported? peer_cache"]);
    assert_eq!(r.code, 3, "{r:?}");
    let doc = document(Kind::Answers, &r);
    assert_eq!(doc["errors"][0]["code"], "limit", "{doc}");
}

#[test]
fn every_command_prints_one_document_of_its_kind() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.json");
    let trace = trace.to_str().unwrap();
    let r = json_run(&["explain", "supported? peer_cache", "-o", trace]);
    assert_eq!(r.code, 0, "{r:?}");
    let cases: Vec<(Kind, Vec<&str>)> = vec![
        (
            Kind::Answers,
            vec!["query", "why not supported(peer_cache, yes, unconditional)"],
        ),
        (
            Kind::Answers,
            vec!["query", "why supported(peer_cache, no, unconditional)"],
        ),
        (Kind::Answers, vec!["query", "supported? software_metering"]),
        (Kind::Answers, vec!["query", "valid_cmg_name? \"cmg-prod\""]),
        (Kind::Run, vec!["run", "examples/cmg-audit.kbq"]),
        (Kind::Test, vec!["test", "examples/"]),
        (Kind::Check, vec!["check"]),
        (Kind::Trace, vec!["explain", "supported? peer_cache"]),
        (Kind::Verification, vec!["verify", trace]),
        (Kind::Coverage, vec!["coverage"]),
        (Kind::Search, vec!["search", "ipv6", "clients"]),
        (
            Kind::Report,
            vec!["--inventory", "examples/estate/sample", "report"],
        ),
    ];
    for (kind, args) in cases {
        let r = json_run(&args);
        assert!(r.code <= 1, "{args:?}: {r:?}");
        document(kind, &r);
    }
    let out = tempfile::tempdir().unwrap();
    let r = json_run(&[
        "--kb",
        "examples/lifecycle",
        "eval",
        "--output",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    document(Kind::Eval, &r);
}

#[test]
fn the_answers_schema_rejects_the_old_shapes() {
    let r = json_run(&["query", "?- cmg_role(R)."]);
    let good = document(Kind::Answers, &r);
    let validator = jsonschema::validator_for(&schema(Kind::Answers)).unwrap();
    // A value as literal text, not typed.
    let mut untyped = good.clone();
    untyped["answers"][0]["rows"][0][0] = json!("management_point");
    assert!(!validator.is_valid(&untyped));
    // `vars` where questions say `columns`.
    let mut vars = good.clone();
    let columns = vars["answers"][0]["columns"].take();
    vars["answers"][0]["vars"] = columns;
    assert!(!validator.is_valid(&vars));
    // No schema name, or another version.
    let mut unnamed = good.clone();
    unnamed["schema"] = json!("supportkb-answers/2");
    assert!(!validator.is_valid(&unnamed));
    // A bare answer, as one query printed before.
    assert!(!validator.is_valid(&good["answers"][0]));
}

#[test]
fn a_diff_is_one_enveloped_document() {
    let r = json_run(&[
        "diff",
        "examples/cmg-history/2019-06-18-sccmdocs-2e514cca",
        "examples/cmg-history/2019-07-30-sccmdocs-accadfff",
    ]);
    let doc = document(Kind::Diff, &r);
    assert!(!doc["changes"].as_array().unwrap().is_empty(), "{doc}");
}

#[test]
fn the_sessions_json_is_the_query_commands_document() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_with_stdin(dir.path(), &["--format", "json"], "supported? peer_cache\n");
    let doc = document(Kind::Answers, &r);
    let direct = document(
        Kind::Answers,
        &json_run(&["query", "supported? peer_cache"]),
    );
    assert_eq!(doc, direct);
    let failed = run_with_stdin(dir.path(), &["--format", "json"], "?- statuss(X).\n");
    let doc: Value = serde_json::from_str(&failed.stderr)
        .unwrap_or_else(|e| panic!("the error is one JSON document ({e}): {failed:?}"));
    assert_eq!(doc["schema"], Kind::Answers.schema(), "{doc}");
    assert_eq!(doc["answers"], json!([]), "{doc}");
    assert_eq!(doc["errors"][0]["code"], "unknown-predicate", "{doc}");
}

#[test]
fn a_report_written_to_a_json_file_is_the_same_enveloped_document() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let r = run(&[
        "--inventory",
        "examples/estate/sample",
        "report",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let written = Run {
        stdout: std::fs::read_to_string(&file).unwrap(),
        ..r
    };
    let doc = document(Kind::Report, &written);
    let printed = document(
        Kind::Report,
        &json_run(&["--inventory", "examples/estate/sample", "report"]),
    );
    assert_eq!(doc, printed);
}
