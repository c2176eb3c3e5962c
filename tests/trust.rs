//! Answers an auditor can trust: open-world verdicts decided by declared keys, citations
//! checked against the pinned texts they quote, traces that cannot be edited and still
//! verify, engine corner cases, and facts that read back exactly. Each test names the
//! failure it guards against.

mod common;

use assert_cmd::Command;
use common::folder;
use serde_json::Value;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("supportkb")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn run(args: &[&str]) -> Run {
    run_in(Path::new(ROOT), args)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

// ---------------------------------------------------------------- open-world verdicts

#[test]
fn a_question_about_an_unstated_configuration_is_unknown_not_no() {
    // Guards: each answered "no: the knowledge base says otherwise", backed by another row.
    for (q, verdict) in [
        (
            "role_configuration_works? software_update_point https_only",
            "unknown",
        ),
        ("supported? client_install _ with_pki", "unknown"),
        (
            "supported? software_updates _ with_microsoft_entra_integration",
            "yes",
        ),
    ] {
        let r = run(&["query", q]);
        assert_eq!(r.code, 0, "{q}\n{r:?}");
        assert!(first_line(&r.stdout).starts_with(verdict), "{q}\n{r:?}");
    }
    // The unknown still shows what the knowledge base states, as information.
    let r = run(&["query", "supported? client_install _ with_pki"]);
    assert!(r.stdout.contains("information, not an answer"), "{r:?}");
    assert!(
        r.stdout
            .contains("supported(client_install, yes, with_microsoft_entra_integration)"),
        "{r:?}"
    );
}

#[test]
fn an_unconditional_row_holds_under_each_condition_the_table_names() {
    let r = run(&[
        "query",
        "why supported(software_updates, yes, with_token_authentication)",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("line 65 ✓"),
        "the legend is cited:\n{r:?}"
    );
    let r = run(&["query", "supported? software_updates _ with_pki"]);
    assert!(first_line(&r.stdout).starts_with("unknown"), "{r:?}");
}

const DRIVERS: &str = "\
source m \"Driver matrix\".
decl supported(driver, server, client, os, arch, answer) key(driver, server, client, os, arch) \"Is it supported?\".
decl loose(driver, os, answer) \"No key.\".
@cite(m, \"row 1\", \"403 13 11 linux x86_64 yes\", 1)
supported(403, 13, 11, linux, x86_64, yes).
@cite(m, \"row 2\", \"403 13 11 windows x86_64 no\", 2)
supported(403, 13, 11, windows, x86_64, no).
@cite(m, \"row 3\", \"402 linux yes\", 3)
loose(402, linux, yes).
";

#[test]
fn no_needs_a_declared_key_and_a_different_value_for_the_same_key() {
    let dir = folder(&[("d.kb", DRIVERS)]);
    let ask = |q: &str| run_in(dir.path(), &["--kb", "d.kb", "query", q]);
    // Guards: an x86_64 fact answered "no" for arm64.
    let r = ask("supported? 403 13 11 linux arm64");
    assert!(first_line(&r.stdout).starts_with("unknown"), "{r:?}");
    // The same key, another answer: no.
    let r = ask("supported? 403 13 11 windows x86_64 yes");
    assert!(first_line(&r.stdout).starts_with("no"), "{r:?}");
    assert!(r.stdout.contains("declared key"), "{r:?}");
    // Without a key nothing says the columns determine the answer: unknown.
    let r = ask("loose? 402 linux no");
    assert!(first_line(&r.stdout).starts_with("unknown"), "{r:?}");
    // The CMG knowledge base's keyed "no" for an open condition still holds.
    let r = run(&["query", "supported? peer_cache yes"]);
    assert!(first_line(&r.stdout).starts_with("no"), "{r:?}");
}

#[test]
fn a_model_that_breaks_a_key_is_a_check_warning_naming_both_tuples() {
    let text = format!(
        "{DRIVERS}@cite(m, \"row 4\", \"403 13 11 linux x86_64 no\", 4)\nsupported(403, 13, 11, linux, x86_64, no).\n"
    );
    let dir = folder(&[("d.kb", &text)]);
    let r = run_in(dir.path(), &["--kb", "d.kb", "check"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("warning[key-violation]"), "{r:?}");
    assert!(
        r.stderr
            .contains("supported(403, 13, 11, linux, x86_64, no) (citing m line 4)"),
        "{r:?}"
    );
    assert!(
        r.stderr
            .contains("supported(403, 13, 11, linux, x86_64, yes) (citing m line 1)"),
        "{r:?}"
    );
    let r = run_in(dir.path(), &["--kb", "d.kb", "check", "--strict"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = run_in(dir.path(), &["--kb", "d.kb", "check"]);
    assert!(!r.stderr.contains("unknown-column"), "{r:?}");
    let bad = folder(&[("k.kb", "decl p(a, b) key(c) \"x\".\np(1, 2).\n")]);
    let r = run_in(bad.path(), &["--kb", "k.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("error[unknown-column]: k.kb:1:14"),
        "{r:?}"
    );
}

// ---------------------------------------------------------------- citations

#[test]
fn every_quote_of_the_cmg_knowledge_base_is_verified_against_its_pinned_text() {
    let r = run(&["check", "rules/"]);
    assert_eq!(r.code, 0, "{r:?}");
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("quotes: "))
        .unwrap_or_else(|| panic!("{r:?}"));
    let words: Vec<&str> = line.split(' ').collect();
    assert_eq!(words[1], words[3], "every quote verified: {line}");
    assert!(words[1].parse::<usize>().unwrap() > 200, "{line}");
    // The article, its published page, and how the estate rules read an inventory.
    assert!(line.ends_with("3 sources"), "{line}");
    let r = run(&["check", "--strict"]);
    assert_eq!(
        r.code, 0,
        "no warning at all in the CMG knowledge base:\n{r:?}"
    );
}

const SOURCE_TEXT: &str = "Title\n\nPeer cache Not supported.\nClient push\nNot supported.\n";

fn cited(cites: &str) -> String {
    let hash = supportkb::source::sha256(SOURCE_TEXT);
    format!("source doc \"Doc\" text \"doc.txt\" sha256 \"{hash}\".\n{cites}")
}

#[test]
fn quotes_are_matched_at_their_line_and_every_miss_is_reported() {
    let kb = cited(
        "@cite(doc, \"row\", \"Peer cache Not supported.\", 3)\nok(peer_cache).\n\
         @cite(doc, \"row\", \"Client push Not supported.\", 4)\nok(client_push).\n\
         @cite(doc, \"row\", \"Peer cache Not supported.\", 2)\nelsewhere(a).\n\
         @cite(doc, \"row\", \"Peer cache Supported.\", 3)\nmissing(a).\n\
         @cite(doc, \"row\", \"\", 3)\nempty(a).\n\
         @cite(doc, \"row\", \"Title\", 0)\nline_zero(a).\n\
         @cite(doc, \"row\", \"Title\", 99)\npast_end(a).\n\
         uncited(a).\n",
    );
    let dir = folder(&[("k.kb", &kb), ("doc.txt", SOURCE_TEXT)]);
    let r = run_in(dir.path(), &["--kb", "k.kb", "check"]);
    assert_eq!(r.code, 0, "warnings only:\n{r:?}");
    for want in [
        "warning[quote-elsewhere]: k.kb:6:1: the quote is in `doc`'s text at line 3, not at line 2",
        "warning[quote-not-found]: k.kb:8:1: the quote is not in `doc`'s text",
        "closest passage, line 3: \"Peer cache Not supported.\"; word diff: Peer cache [-Supported.-] {+Not+} {+supported.+}",
        "warning[empty-quote]: k.kb:10:1",
        "warning[citation-line]: k.kb:12:1: line 0 is not a line",
        "warning[citation-line]: k.kb:14:1: line 99 is past the end of `doc`'s text (6 lines)",
        "warning[uncited-fact]: k.kb:16:1: fact `uncited(a)` cites nothing",
    ] {
        assert!(r.stderr.contains(want), "missing {want:?}:\n{r:?}");
    }
    assert!(r.stdout.contains("quotes: 2 of 7 verified"), "{r:?}");
    let r = run_in(dir.path(), &["--kb", "k.kb", "check", "--strict"]);
    assert_eq!(r.code, 2, "{r:?}");
    // A quote that runs on to the next line verifies; the proof marks it.
    let r = run_in(
        dir.path(),
        &["--kb", "k.kb", "query", "why ok(client_push)"],
    );
    assert!(
        r.stdout
            .contains("line 4 ✓: \"Client push Not supported.\""),
        "{r:?}"
    );
}

#[test]
fn a_pinned_text_that_changed_or_is_gone_is_reported() {
    let kb = cited("@cite(doc, \"row\", \"Title\", 1)\nok(a).\n");
    let dir = folder(&[("k.kb", &kb), ("doc.txt", "Title\nedited\n")]);
    let r = run_in(dir.path(), &["--kb", "k.kb", "check"]);
    assert!(r.stderr.contains("warning[source-changed]"), "{r:?}");
    std::fs::remove_file(dir.path().join("doc.txt")).unwrap();
    let r = run_in(dir.path(), &["--kb", "k.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("error[source-text]"), "{r:?}");
}

// ---------------------------------------------------------------- traces

fn trace_of(dir: &Path, question: &str) -> Value {
    let r = run_in(dir, &["explain", question, "-o", "t.json"]);
    assert_eq!(r.code, 0, "{r:?}");
    serde_json::from_str(&std::fs::read_to_string(dir.join("t.json")).unwrap()).unwrap()
}

/// An edit of a trace, named by the field it forges.
type Forgery = (&'static str, Box<dyn Fn(&mut Value)>);

fn verify_edited(dir: &Path, edit: impl Fn(&mut Value)) -> Run {
    let mut t = trace_of(dir, "supported? peer_cache");
    edit(&mut t);
    std::fs::write(dir.join("forged.json"), serde_json::to_string(&t).unwrap()).unwrap();
    run_in(dir, &["verify", "forged.json"])
}

#[test]
fn an_edited_trace_does_not_verify_and_the_edited_field_is_named() {
    // Guards: each of these forgeries verified with exit 0.
    let dir = tempfile::tempdir().unwrap();
    let ok = verify_edited(dir.path(), |_| {});
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(
        ok.stdout.contains("against: the embedded knowledge base"),
        "{ok:?}"
    );
    let cases: Vec<Forgery> = vec![
        (
            "conclusion",
            Box::new(|t: &mut Value| {
                t["answer"]["proofs"][0]["conclusion"] =
                    "supported(peer_cache, yes, unconditional)".into();
            }),
        ),
        (
            "conclusion",
            Box::new(|t: &mut Value| {
                t["answer"]["proofs"][0]["premises"][0]["conclusion"] =
                    "status(peer_cache, supported, unconditional)".into();
            }),
        ),
        (
            "goal",
            Box::new(|t: &mut Value| t["answer"]["goal"] = "supported(peer_cache, yes, _)".into()),
        ),
        (
            "proofs",
            Box::new(|t: &mut Value| t["answer"]["proofs"] = Value::Array(Vec::new())),
        ),
        (
            "citations",
            Box::new(|t: &mut Value| {
                t["answer"]["proofs"][0]["premises"][0]["by"]["cites"][0]["quote"] =
                    "Peer cache Supported.".into();
            }),
        ),
        (
            "hashes",
            Box::new(|t: &mut Value| t["knowledge_base"][0]["sha256"] = "00".repeat(32).into()),
        ),
    ];
    for (field, edit) in cases {
        let r = verify_edited(dir.path(), edit);
        assert_eq!(r.code, 1, "{field}:\n{r:?}");
        assert!(r.stdout.contains("not verified"), "{field}:\n{r:?}");
        if field == "hashes" {
            assert!(r.stdout.contains("CHANGED"), "{r:?}");
        } else {
            assert!(
                r.stdout.contains(&format!("DIFFERS ({field})")),
                "{field}:\n{r:?}"
            );
        }
    }
}

#[test]
fn verify_uses_the_knowledge_base_the_trace_records() {
    // Guards: a trace of another knowledge base was checked against the embedded one.
    let dir = folder(&[("own.kb", "usable(printer1).\n")]);
    let r = run_in(
        dir.path(),
        &[
            "--kb",
            "own.kb",
            "explain",
            "usable? printer1",
            "-o",
            "t.json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = run_in(dir.path(), &["verify", "t.json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("against: the files the trace names"),
        "{r:?}"
    );
    std::fs::remove_file(dir.path().join("own.kb")).unwrap();
    let r = run_in(dir.path(), &["verify", "t.json"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("pass --kb"), "{r:?}");
}

// ---------------------------------------------------------------- engine corner cases

#[test]
fn a_pattern_is_validated_as_written() {
    // Guards: `a)|(b` was wrapped before it was validated and proved m("apple") with a
    // false premise.
    let dir = folder(&[(
        "r.kb",
        "w(\"apple\").\nm(X) :- w(X), matches(X, \"a)|(b\").\n",
    )]);
    let r = run_in(dir.path(), &["--kb", "r.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("error[regex]: r.kb:2:15"), "{r:?}");
}

#[test]
fn integer_corner_cases() {
    let dir = folder(&[
        ("m.kb", "r(Y) :- Y = -9223372036854775808 mod -1.\n"),
        ("d.kb", "a(1, 0).\nr2(X) :- a(X, Y), 2 / Y != 1.\n"),
    ]);
    // Guards: the remainder warned "integer overflow" and derived nothing.
    let r = run_in(dir.path(), &["--kb", "m.kb", "query", "?- r(Y)."]);
    assert!(r.stdout.contains("│ 0 │"), "{r:?}");
    assert!(!r.stderr.contains("overflow"), "{r:?}");
    // Guards: why-not said "2 / Y != 1 is false", which reads as 2 / 0 = 1.
    let r = run_in(dir.path(), &["--kb", "d.kb", "query", "why not r2(1)"]);
    assert!(
        r.stdout.contains("2 / 0 is undefined: division by zero"),
        "{r:?}"
    );
    assert!(!r.stdout.contains("is false"), "{r:?}");
}

#[test]
fn acceptance_does_not_depend_on_the_order_of_head_arguments() {
    let nums = "num(0). num(1). num(2). num(3).\n";
    let dir = folder(&[
        (
            "xn.kb",
            &format!("{nums}c(X, N) :- num(X), X <= N.\nc(X, N) :- c(Y, N), X = Y + 1, X <= N.\n"),
        ),
        (
            "nx.kb",
            &format!("{nums}c(N, X) :- num(X), X <= N.\nc(N, X) :- c(N, Y), X = Y + 1, X <= N.\n"),
        ),
        ("foo.kb", "foo(1).\nfoo(X) :- X < Y, foo(Y).\n"),
    ]);
    for kb in ["xn.kb", "nx.kb"] {
        let r = run_in(dir.path(), &["--kb", kb, "check"]);
        assert_eq!(r.code, 0, "{kb}:\n{r:?}");
    }
    // Guards: the error blamed `Y`, which `foo(Y)` binds.
    let r = run_in(dir.path(), &["--kb", "foo.kb", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("variable `X` is not bound"), "{r:?}");
    assert!(!r.stderr.contains("`Y` is not bound"), "{r:?}");
}

#[test]
fn a_query_that_leaves_an_input_free_answers_from_the_clauses_that_do_not_need_it() {
    // Guards: one goal-directed rule beside plain facts made the query an error.
    let dir = folder(&[(
        "s.kb",
        "decl server_ok(server, client).\nserver_ok(402, 11). server_ok(402, 12).\nserver_ok(403, S) :- S >= 12, S <= 14.\n",
    )]);
    let r = run_in(
        dir.path(),
        &["--kb", "s.kb", "query", "?- server_ok(402, S)."],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2 rows"), "{r:?}");
    assert!(
        r.stdout
            .contains("1 rule of `server_ok` not used: it needs the client"),
        "{r:?}"
    );
    let r = run_in(dir.path(), &["--kb", "s.kb", "query", "server_ok? 403 13"]);
    assert!(first_line(&r.stdout).starts_with("yes"), "{r:?}");
    // With nothing that answers without the input, it stays an error.
    let r = run(&["query", "valid_cmg_name? N"]);
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn why_not_reports_a_goal_already_being_explained() {
    // Guards: why-not re-explained p(1) inside itself down to the depth limit.
    let dir = folder(&[(
        "rec.kb",
        "p(X) :- q(X).\nq(X) :- p(X).\nq(X) :- r(X), X > 5.\nr(1).\n",
    )]);
    let r = run_in(dir.path(), &["--kb", "rec.kb", "query", "why not p(1)"]);
    assert!(
        r.stdout
            .contains("p(1) is the goal being explained further up"),
        "{r:?}"
    );
    assert!(!r.stdout.contains("depth limit"), "{r:?}");
}

#[test]
fn why_says_how_many_tuples_it_proved_and_the_limit_is_settable() {
    let r = run(&["query", "why supported(X, Y, Z)"]);
    assert!(
        r.stdout.contains("proved 10 of the 36 matching tuples"),
        "{r:?}"
    );
    let r = run(&["--prove", "40", "query", "why supported(X, Y, Z)"]);
    assert!(!r.stdout.contains("proved 10 of"), "{r:?}");
    assert_eq!(r.stdout.matches("\nsupported(").count() + 1, 36, "{r:?}");
}

// ---------------------------------------------------------------- facts through files

#[test]
fn facts_written_by_eval_read_back_exactly() {
    // Guards: "007", "1" and "" came back as 7, 1 and "\"\""; a CSV row holding "" was
    // dropped; a fact of no columns could not be read back.
    let dir = folder(&[
        (
            "w.kb",
            "v(\"007\"). v(\"1\"). v(\"\"). v(hq). v(7).\nvv(X) :- v(X).\nz :- v(hq).\n\
             output vv to \"out/vv.tsv\".\noutput vv to \"out/vv.csv\".\noutput z to \"out/z.tsv\".\n",
        ),
        (
            "r.kb",
            "decl back(x). input back from \"out/vv.tsv\".\ndecl backc(x). input backc from \"out/vv.csv\".\n\
             decl z2(). input z2 from \"out/z.tsv\".\n",
        ),
    ]);
    let r = run_in(dir.path(), &["--kb", "w.kb", "eval"]);
    assert_eq!(r.code, 0, "{r:?}");
    for pred in ["back", "backc"] {
        let r = run_in(
            dir.path(),
            &[
                "--kb",
                "r.kb",
                "--format",
                "json",
                "query",
                &format!("?- {pred}(X)."),
            ],
        );
        assert_eq!(r.code, 0, "{r:?}");
        let doc: Value = serde_json::from_str(&r.stdout).unwrap();
        let v = &doc["answers"][0];
        let mut rows: Vec<String> = v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[0].to_string())
            .collect();
        rows.sort();
        let typed = |kind: &str, value: Value| serde_json::json!({"type": kind, "value": value});
        let mut want = [
            typed("string", "".into()),
            typed("string", "007".into()),
            typed("string", "1".into()),
            typed("symbol", "hq".into()),
            typed("integer", 7.into()),
        ]
        .map(|v| v.to_string());
        want.sort();
        assert_eq!(rows, want, "{pred}: {r:?}");
    }
    let r = run_in(dir.path(), &["--kb", "r.kb", "query", "?- z2."]);
    assert!(r.stdout.starts_with("yes"), "{r:?}");
}

#[test]
fn a_text_pinned_without_a_hash_is_unpinned_not_changed() {
    // Found by trying it: the warning said `source-changed` of a text never hashed.
    let dir = folder(&[
        (
            "k.kb",
            "source doc \"Doc\" text \"doc.txt\".\n@cite(doc, \"row\", \"Title\", 1)\nok(a).\n",
        ),
        ("doc.txt", "Title\n"),
    ]);
    let r = run_in(dir.path(), &["--kb", "k.kb", "check"]);
    assert!(r.stderr.contains("warning[source-unpinned]"), "{r:?}");
    assert!(!r.stderr.contains("source-changed"), "{r:?}");
    assert!(r.stderr.contains("add sha256"), "{r:?}");
}

/// A query that makes a goal-directed predicate's readers evaluate again (here `flagged`,
/// which reads `ok` with an input) keeps the facts those readers have from files: the row
/// `flagged(branch)` of `facts/flagged.tsv` is an answer, not silently dropped.
#[test]
fn a_query_over_a_goal_directed_predicate_keeps_the_file_facts_of_its_readers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("k.kb"),
        "decl flagged(site: symbol).\n\
         ok(S, N) :- cap(S, M), N < M.\n\
         cap(hq, 10).\n\
         flagged(S) :- ok(S, 3).\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("facts")).unwrap();
    std::fs::write(dir.path().join("facts/flagged.tsv"), "branch\n").unwrap();
    let r = run_in(
        dir.path(),
        &[
            "--kb",
            "k.kb",
            "--facts",
            "facts",
            "-f",
            "json",
            "query",
            "?- ok(hq, 5), flagged(X).",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let rows = &doc["answers"][0]["rows"];
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{rows}");
    assert!(rows.to_string().contains("branch"), "{rows}");
    let r = run_in(
        dir.path(),
        &[
            "--kb",
            "k.kb",
            "--facts",
            "facts",
            "query",
            "?- ok(hq, 5), flagged(X).",
        ],
    );
    assert!(
        r.stdout.contains("facts/flagged.tsv:1"),
        "the proof ends at the file: {r:?}"
    );
}
