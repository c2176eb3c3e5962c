//! The interactive session, driven in a pseudo-terminal, and the same statements piped in as a
//! script.

mod common;

use common::pty::*;
use common::*;
use expectrl::process::unix::WaitStatus;
use expectrl::{Eof, Expect};
use std::path::Path;
use std::time::Duration;

#[test]
fn an_interactive_session() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let mut p = spawn_repl(&history);

    let banner = answer(
        &mut p,
        "facts and rules loaded. :help for help, :quit to leave.",
    );
    assert!(banner.starts_with("supportkb "), "{banner:?}");

    // A question, answered with its verdict and proof.
    p.send_line("supported? peer_cache").unwrap();
    let out = answer(&mut p, "\"Peer cache Not supported.\"");
    assert!(
        out.contains("supported? peer_cache"),
        "the line is echoed: {out:?}"
    );
    assert!(
        out.contains("\r\nno\r\n  condition: unconditional\r\n"),
        "{out:?}"
    );

    // Tab completes a predicate at the start of the line into a question.
    p.send("supp").unwrap();
    p.expect("supp").unwrap();
    p.send("\t").unwrap();
    p.expect(format!("{PROMPT}supported? ").as_str())
        .expect("`supp` then Tab redraws the line as `supported? `");
    p.send_line("software_updates").unwrap();
    let out = answer(&mut p, "\"Software updates Supported.\"");
    assert!(out.contains("\r\nyes\r\n"), "{out:?}");
    assert!(
        out.contains("supported(software_updates, yes, unconditional)"),
        "the completed line ran as a question: {out:?}"
    );

    // A rule typed over two lines is one statement.
    p.send_line("r(X) :-").unwrap();
    p.expect(CONTINUATION)
        .expect("an unfinished statement asks for more under the continuation prompt");
    p.send_line("cmg_role(X).").unwrap();
    let out = answer(&mut p, "added 1 clause\r\n");
    assert!(!out.contains("error"), "{out:?}");
    assert!(!out.contains("added"), "added once, not per line: {out:?}");

    p.send_line("?- r(X).").unwrap();
    let out = answer(&mut p, "2 rows\r\n");
    assert!(out.contains("│ management_point "), "{out:?}");
    assert!(out.contains("│ software_update_point "), "{out:?}");

    // A malformed line prints an error, and the session goes on.
    p.send_line("p(a) q(b).").unwrap();
    let out = answer(&mut p, "error[syntax]");
    assert!(!out.contains("panicked"), "{out:?}");
    p.send_line("supported? software_metering").unwrap();
    answer(
        &mut p,
        "unknown: the knowledge base states nothing about supported(software_metering, _, _)",
    );

    // The rule added earlier is still there after the error.
    p.send_line("?- r(management_point).").unwrap();
    answer(&mut p, "yes: the query holds");

    p.send_line(":depth 2").unwrap();
    answer(&mut p, "depth: 2");

    quit(&mut p);

    // The lines typed were saved to the history file named by SUPPORTKB_HISTORY.
    let saved = std::fs::read_to_string(&history).expect("the history file is written");
    assert!(saved.contains("supported? peer_cache"), "{saved}");
    assert!(saved.contains("supported? software_updates"), "{saved}");
}

#[test]
fn history_from_an_earlier_session_is_recalled() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");

    let mut p = spawn_repl(&history);
    answer(&mut p, "facts and rules loaded");
    p.send_line("supported? peer_cache").unwrap();
    answer(&mut p, "Peer cache Not supported.");
    // Leave with Ctrl-D, so the question is the last line of the history.
    p.send(expectrl::ControlCode::EndOfTransmission).unwrap();
    p.expect(Eof).unwrap();
    assert!(matches!(
        p.get_process().wait().unwrap(),
        WaitStatus::Exited(_, 0)
    ));

    // In a new session, the up arrow brings the question back.
    let mut p = spawn_repl(&history);
    answer(&mut p, "facts and rules loaded");
    p.send("\x1b[A").unwrap();
    p.expect(format!("{PROMPT}supported? peer_cache").as_str())
        .expect("the up arrow recalls the last question");
    p.send("\r").unwrap();
    let out = answer(&mut p, "Peer cache Not supported.");
    assert!(out.contains("\r\nno\r\n"), "{out:?}");
    quit(&mut p);
}

#[test]
fn an_unfinished_statement_waits_for_more_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    answer(&mut p, "facts and rules loaded");
    p.send_line("?- status(F,").unwrap();
    // Nothing is answered yet: the statement is not complete.
    let found = p.expect(CONTINUATION).expect("the continuation prompt");
    let before = String::from_utf8_lossy(found.before()).into_owned();
    assert!(!before.contains("rows"), "{before:?}");
    assert!(!before.contains("error"), "{before:?}");
    p.send_line("not_supported, unconditional).").unwrap();
    let out = answer(&mut p, " rows\r\n");
    assert!(out.contains("│ peer_cache "), "{out:?}");
    quit(&mut p);
}

#[test]
fn ctrl_d_leaves_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    answer(&mut p, "facts and rules loaded");
    p.send(expectrl::ControlCode::EndOfTransmission).unwrap();
    p.expect(Eof).unwrap();
    assert!(matches!(
        p.get_process().wait().unwrap(),
        WaitStatus::Exited(_, 0)
    ));
}

// ---------------------------------------------------------------- piped standard input

/// Runs `supportkb` from the crate root with `input` piped to it.
fn piped(input: &str) -> Run {
    run_with_stdin(Path::new(ROOT), &[], input)
}

#[test]
fn piped_statements_run_as_a_script() {
    let r = piped(
        "supported? peer_cache\n\
         \n\
         r(X) :-\n  cmg_role(X).\n\
         ?- r(X).\n\
         :depth 1\n",
    );
    assert_eq!(r.code, 0, "{r:?}");
    // No banner and no prompt: only the answers.
    assert!(r.stdout.starts_with("no\n"), "{r:?}");
    assert!(!r.stdout.contains(PROMPT), "{r:?}");
    assert!(!r.stdout.contains("facts and rules loaded"), "{r:?}");
    let added = r.stdout.find("added 1 clause\n");
    let rows = r.stdout.find("2 rows\n");
    assert!(added.is_some() && rows.is_some() && added < rows, "{r:?}");
    let last = r.stdout.lines().last().unwrap_or("");
    assert!(last.contains("depth: 1"), "the command ran last: {r:?}");
}

#[test]
fn a_piped_script_goes_on_after_an_error_and_exits_2() {
    let r = piped("p(a) q(b).\nsupported? software_metering\n");
    assert_eq!(r.code, 2, "{r:?}");
    // The error is on standard error, at its line of the script.
    assert!(r.stderr.starts_with("error[syntax]: <stdin>:1:6:"), "{r:?}");
    assert!(
        r.stdout
            .contains("unknown: the knowledge base states nothing about"),
        "the next statement still ran:\n{r:?}"
    );
}

#[test]
fn a_piped_script_stops_at_quit() {
    let r = piped("supported? peer_cache\n:quit\nsupported? software_updates\n");
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.starts_with("no\n"), "{r:?}");
    assert!(
        !r.stdout.contains("yes"),
        "nothing after :quit runs:\n{r:?}"
    );
}

#[test]
fn piped_json_format() {
    let r = piped(":format json\nsupported? peer_cache\n");
    assert_eq!(r.code, 0, "{r:?}");
    let json = r
        .stdout
        .strip_prefix("format: json\n")
        .unwrap_or_else(|| panic!("{r:?}"));
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(v["schema"], "supportkb-answers/1");
    assert_eq!(v["answers"][0]["kind"], "question");
    assert_eq!(v["answers"][0]["verdict"], "no");
}

#[test]
fn piped_input_that_is_not_utf8_is_an_error_at_its_byte() {
    let r = run_with_stdin(Path::new(ROOT), &[], &b"supported? caf\xe9\n"[..]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("<stdin>:1:15: byte 0xE9 is not UTF-8"),
        "{r:?}"
    );
}

#[test]
fn ctrl_c_stops_a_long_evaluation_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    p.expect(PROMPT).unwrap();
    // Counting to a hundred million takes minutes, a round at a time.
    p.send_line("n(0). n(Y) :- n(X), Y = X + 1, Y < 100000000.")
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    p.send("\x03").unwrap();
    let out = answer(&mut p, "cancelled");
    assert!(!out.contains("added"), "{out:?}");
    // Ctrl-C at the prompt drops the line being typed, and the session goes on.
    p.send("supported? peer_ca").unwrap();
    p.send("\x03").unwrap();
    p.expect(PROMPT).unwrap();
    p.send_line("supported? peer_cache").unwrap();
    let out = answer(&mut p, "\"Peer cache Not supported.\"");
    assert!(out.contains("\r\nno\r\n"), "{out:?}");
    quit(&mut p);
}

#[test]
fn assume_changes_an_answer_and_retract_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    p.expect(PROMPT).unwrap();
    p.send_line(":assume site(hq).").unwrap();
    answer(&mut p, "assumed site(hq).");
    p.send_line("software_updates_through_cmg? hq").unwrap();
    let out = answer(&mut p, "\"Software updates Supported.\"");
    assert!(out.contains("\r\nyes   (assuming site(hq))\r\n"), "{out:?}");
    // The site's software update points sit behind a network load balancer.
    p.send_line(":assume site_software_update_point(hq, network_load_balancer).")
        .unwrap();
    answer(&mut p, "assumed");
    p.send_line("software_updates_through_cmg? hq").unwrap();
    let out = answer(&mut p, "don't work with CMG.\"");
    assert!(
        out.contains(
            "\r\nno   (assuming site_software_update_point(hq, network_load_balancer))\r\n"
        ),
        "{out:?}"
    );
    p.send_line(":retract site_software_update_point(hq, network_load_balancer).")
        .unwrap();
    answer(&mut p, "took back the assumption");
    p.send_line("software_updates_through_cmg? hq").unwrap();
    let out = answer(&mut p, "\"Software updates Supported.\"");
    assert!(out.contains("\r\nyes   (assuming site(hq))\r\n"), "{out:?}");
    // Setting aside a fact of the document, then :reset.
    p.send_line(":retract client_connectivity(ipv6_only, no).")
        .unwrap();
    answer(&mut p, "set aside");
    p.send_line("client_connectivity? ipv6_only").unwrap();
    answer(&mut p, "unknown");
    p.send_line(":reset").unwrap();
    answer(&mut p, "reset:");
    p.send_line("client_connectivity? ipv6_only").unwrap();
    let out = answer(
        &mut p,
        "\"CMG doesn't support clients that only communicate with IPv6 addresses.\"",
    );
    assert!(out.contains("\r\nno\r\n"), "{out:?}");
    quit(&mut p);
}

#[test]
fn commands_list_predicates_facts_rules_and_sources() {
    let r = piped(
        ":preds\n:facts cmg_role\n:rules role_supported\n:sources\n:help assume\n:facts nosuch\n",
    );
    // `:facts nosuch` fails, so the script exits 2 (its status comes from each statement's
    // outcome, no longer from whether a message starts with "error").
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("supported/3"), "{r:?}");
    assert!(
        r.stdout.contains("needs name"),
        "goal-directed inputs are listed: {r:?}"
    );
    assert!(r.stdout.contains("│ management_point"), "{r:?}");
    assert!(
        r.stdout
            .contains("role_supported(R, no) :- !cmg_role(R).   [rules/cmg/general.kb:"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("Supported configurations for cloud management gateway"),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains(":assume FACT.\n  add a hypothetical fact"),
        "{r:?}"
    );
    assert!(r.stderr.contains("unknown predicate `nosuch`"), "{r:?}");
}

#[test]
fn a_broken_history_file_is_a_warning_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the history file should be: it can be neither read nor written.
    let history = dir.path().join("history");
    std::fs::create_dir(&history).unwrap();
    let mut p = spawn_repl(&history);
    let found = p.expect(PROMPT).unwrap();
    let banner = String::from_utf8_lossy(found.before()).into_owned();
    assert!(
        banner.contains("warning: cannot read the history file"),
        "{banner:?}"
    );
    p.send_line("supported? peer_cache").unwrap();
    answer(&mut p, "\"Peer cache Not supported.\"");
    p.send_line(":quit").unwrap();
    p.expect("warning: cannot write the history file").unwrap();
    p.expect(Eof).unwrap();
}

#[test]
fn a_piped_answer_that_mentions_error_is_not_a_failure() {
    // Guards: a script's exit status came from the text printed: an answer starting with
    // "error" made it exit 2.
    let r = piped("stat(x, error_prone).\nstat? x\n");
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("\nerror_prone\n"), "{r:?}");
}

#[test]
fn clauses_with_question_marks_or_why_in_names_are_clauses() {
    // Guards: statements were classified by searching for `?` and a `why` prefix.
    let r = piped("note(a, \"is it?\").\nwhyte(a).\n?- note(a, T).\n?- whyte(X).\n");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout.matches("added 1 clause").count(), 2, "{r:?}");
    assert!(r.stdout.contains("\"is it?\""), "{r:?}");
    assert!(r.stdout.contains("│ a "), "{r:?}");
}

#[test]
fn search_and_coverage_in_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    answer(&mut p, ":quit to leave.");
    p.send_line(":search peer cache").unwrap();
    let out = answer(&mut p, "ask: supported? peer_cache");
    assert!(
        out.contains("1. cmg line 59 (table row): Peer cache Not supported."),
        "{out:?}"
    );
    // The question offered answers as it says.
    p.send_line("supported? peer_cache").unwrap();
    answer(&mut p, "\"Peer cache Not supported.\"");
    p.send_line(":coverage").unwrap();
    let out = answer(&mut p, "cmg_page: 100% covered");
    assert!(out.contains("cmg: 100% covered: 70 statements"), "{out:?}");
    p.send_line(":search").unwrap();
    answer(&mut p, ":search WORDS");
    // An unknown subject points to the row it may mean.
    p.send_line("supported? console").unwrap();
    answer(
        &mut p,
        "supported? configuration_manager_console   (cmg line 54",
    );
    quit(&mut p);
}
