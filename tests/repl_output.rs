//! The interactive session under load, in a pseudo-terminal: limits that stop a query and
//! leave the session going, answers too long to print whole.

mod common;

use common::*;
use expectrl::{Eof, Expect, Session};
use std::path::Path;
use std::time::Duration;

const PROMPT: &str = "supportkb> ";

/// A session in a pseudo-terminal with `args` before any command, its history in `dir`.
fn spawn_repl(dir: &Path, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_supportkb"));
    cmd.args(args)
        .current_dir(ROOT)
        .env("SUPPORTKB_HISTORY", dir.join("history"))
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let mut p = Session::spawn(cmd).expect("the REPL starts in a pseudo-terminal");
    // Wide enough that no line of these answers wraps (a test of wrapping narrows it).
    p.get_process_mut().set_window_size(400, 24).unwrap();
    p.set_expect_timeout(Some(Duration::from_secs(30)));
    p.expect("for help, :quit to leave.").expect("the banner");
    p.expect(PROMPT).expect("the first prompt");
    p
}

/// Sends `line`, waits for `marker` and the prompt after it; what came before the marker.
fn ask(p: &mut expectrl::session::OsSession, line: &str, marker: &str) -> String {
    p.send_line(line).unwrap();
    let found = p
        .expect(marker)
        .unwrap_or_else(|e| panic!("no `{marker}` after `{line}` ({e})"));
    let out = String::from_utf8_lossy(found.before()).into_owned();
    p.expect(PROMPT)
        .unwrap_or_else(|e| panic!("no prompt after `{line}` ({e})"));
    out
}

fn quit(p: &mut expectrl::session::OsSession) {
    p.send_line(":quit").unwrap();
    p.expect(Eof).unwrap();
}

/// A chain of `n` edges, its closure, and a count whose proof is huge (see tests/limits.rs).
fn chain_kb(dir: &Path, n: usize) -> String {
    let mut kb = String::from(
        "reach(X, Y) :- edge(X, Y).\n\
         reach(X, Z) :- reach(X, Y), edge(Y, Z).\n\
         total(N) :- N = count : { reach(X, Y) }.\n",
    );
    for i in 0..n {
        kb.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    let path = dir.join("chain.kb");
    std::fs::write(&path, kb).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_limit_in_the_explanation_stops_the_query_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 300);
    let mut p = spawn_repl(dir.path(), &["--kb", &kb, "--timeout", "5"]);
    ask(&mut p, "total? N", "raise it with --timeout SECONDS");
    let out = ask(&mut p, "?- edge(0, X).", "edge(0, 1)");
    assert!(out.contains("X"), "{out:?}");
    quit(&mut p);
}

#[test]
fn limit_sets_how_many_rows_a_table_shows() {
    let dir = tempfile::tempdir().unwrap();
    let kb = chain_kb(dir.path(), 100);
    let mut p = spawn_repl(dir.path(), &["--kb", &kb]);
    ask(
        &mut p,
        "?- reach(X, Y).",
        "showing 50 of 5050 rows (5000 more)",
    );
    ask(&mut p, ":limit 5", "tables show at most 5 rows");
    ask(
        &mut p,
        "?- reach(X, Y).",
        "showing 5 of 5050 rows (5045 more)",
    );
    ask(&mut p, ":limit", "tables show at most 5 rows");
    let out = ask(&mut p, ":limit 0", "tables show every row");
    assert!(!out.contains("usage"), "{out:?}");
    quit(&mut p);
}

#[test]
fn a_deep_proof_is_cut_at_the_default_depth_and_its_handle_expands() {
    let dir = tempfile::tempdir().unwrap();
    let mut kb =
        String::from("reach(X, Y) :- edge(X, Y).\nreach(X, Z) :- reach(X, Y), edge(Y, Z).\n");
    for i in 0..40 {
        kb.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    let path = dir.path().join("chain.kb");
    std::fs::write(&path, kb).unwrap();
    let mut p = spawn_repl(dir.path(), &["--kb", path.to_str().unwrap()]);
    let out = ask(
        &mut p,
        "why reach(0, 40)",
        "in a later command: `why reach(0, 36)`",
    );
    assert!(
        out.contains("premises cut at the depth limit: `why #1`"),
        "{out:?}"
    );
    ask(&mut p, "why #1", "reach(0, 35)");
    quit(&mut p);
}

#[test]
fn format_json_prints_the_versioned_envelope_of_query() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(dir.path(), &[]);
    ask(&mut p, ":format json", "format: json");
    let out = ask(&mut p, "supported? peer_cache", "\"errors\": [");
    assert!(
        out.contains("\"schema\": \"supportkb-answers/1\""),
        "{out:?}"
    );
    assert!(out.contains("\"answers\": ["), "{out:?}");
    assert!(out.contains("\"type\": \"symbol\""), "{out:?}");
    assert!(!out.contains("\"height\""), "{out:?}");
    // An error is inside the same envelope, with no answer.
    let err = ask(&mut p, "?- statuss(X, Y, Z).", "unknown predicate");
    assert!(
        err.contains("\"schema\": \"supportkb-answers/1\""),
        "{err:?}"
    );
    assert!(err.contains("\"answers\": []"), "{err:?}");
    quit(&mut p);
}

#[test]
fn proof_lines_fit_the_terminal_and_follow_a_resize() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(dir.path(), &[]);
    let fits = |out: &str, w: usize| {
        let long: Vec<&str> = out
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| l.chars().count() > w)
            .collect();
        assert!(long.is_empty(), "lines over {w} columns: {long:#?}");
    };
    p.get_process_mut().set_window_size(80, 24).unwrap();
    let out = ask(
        &mut p,
        "supported? client_install",
        "2 rules of `supported` not used",
    );
    assert!(out.contains("cites cmg_page"), "{out:?}");
    fits(&out, 80);
    p.get_process_mut().set_window_size(60, 24).unwrap();
    let out = ask(
        &mut p,
        "supported? client_install",
        "2 rules of `supported` not used",
    );
    fits(&out, 60);
    quit(&mut p);
}
