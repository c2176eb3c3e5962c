//! The interactive session under the ways people really use it, in a pseudo-terminal: two
//! sessions open at once, file paths and formats completed, what-if typos, derived facts
//! retracted, pasted blocks of statements, the commands' argument forms; and scripts piped in.

mod common;

use common::pty::*;
use common::*;
use expectrl::Expect;
use std::path::Path;
use std::time::Duration;

#[test]
fn two_sessions_open_at_once_keep_both_histories() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let mut first = spawn_repl(&history);
    let mut second = spawn_repl(&history);
    answer(&mut first, "facts and rules loaded");
    answer(&mut second, "facts and rules loaded");
    first.send_line("supported? peer_cache").unwrap();
    answer(&mut first, "Peer cache Not supported.");
    second.send_line("client_connectivity? ipv6_only").unwrap();
    answer(&mut second, "IPv6 addresses.");
    // The first leaves first; the second, leaving last, must not overwrite its line.
    quit(&mut first);
    quit(&mut second);
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(saved.contains("supported? peer_cache"), "{saved}");
    assert!(saved.contains("client_connectivity? ipv6_only"), "{saved}");
}

#[test]
fn commands_take_the_forms_the_session_prints() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    answer(&mut p, "facts and rules loaded");
    // `:preds` prints `cmg_role/1` and the decl's column names; `:facts` takes that form.
    p.send_line(":preds").unwrap();
    let out = answer(&mut p, "supported/3");
    assert!(out.contains("columns"), "{out:?}");
    p.expect(PROMPT).ok();
    p.send_line(":facts cmg_role/1").unwrap();
    let out = answer(&mut p, "2 tuples");
    assert!(out.contains("management_point"), "{out:?}");
    p.send_line(":facts cmg_role/2").unwrap();
    answer(&mut p, "`cmg_role` takes 1 argument, not 2");
    // `:depth` alone says the depth in force: the default one first.
    p.send_line(":depth").unwrap();
    answer(&mut p, "explanation depth: 4 (proofs are cut 4 levels down");
    p.send_line(":depth 2").unwrap();
    answer(&mut p, "explanation depth: 2");
    p.send_line(":depth").unwrap();
    answer(&mut p, "explanation depth: 2 (proofs are cut 2 levels down");
    quit(&mut p);
}

#[test]
fn tab_completes_file_paths_after_load_and_formats_after_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.kb"), "mine(a).\n").unwrap();
    let mut p = spawn_in(dir.path(), &dir.path().join("history"));
    answer(&mut p, "facts and rules loaded");
    p.send(":load mi").unwrap();
    p.expect(":load mi").unwrap();
    p.send("\t").unwrap();
    p.expect(format!("{PROMPT}:load mine.kb").as_str())
        .expect("Tab completes the file name");
    p.send("\r").unwrap();
    answer(&mut p, "added 1 clause");
    p.send(":format j").unwrap();
    p.expect(":format j").unwrap();
    p.send("\t").unwrap();
    p.expect(format!("{PROMPT}:format json").as_str())
        .expect("Tab completes the format");
    p.send("\r").unwrap();
    answer(&mut p, "format: json");
    quit(&mut p);
}

#[test]
fn the_hint_is_dropped_when_it_would_wrap_after_a_resize() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    p.get_process_mut().set_window_size(200, 24).unwrap();
    answer(&mut p, "facts and rules loaded");
    // Short enough to stay on one line at 40 columns, where answers wrap.
    let answered = "unknown: the knowledge base";
    // Wide: the typo gets its hint.
    p.send("supported? peer_cahce").unwrap();
    p.expect("did you mean `peer_cache`?")
        .expect("a hint while it fits");
    p.send("\r").unwrap();
    answer(&mut p, answered);
    // Narrowed to 40 columns: prompt, line and hint would pass the edge, so no hint.
    p.get_process_mut().set_window_size(40, 24).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    p.send("supported? peer_cahce").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    p.send("\r").unwrap();
    let out = answer(&mut p, answered);
    assert!(!out.contains("did you mean `peer_cache`?"), "{out:?}");
    quit(&mut p);
}

#[test]
fn what_if_warns_of_typos_explains_derived_tuples_and_marks_assumptions() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    answer(&mut p, "facts and rules loaded");
    // A typo of `site` is a warning with the closest name.
    p.send_line(":assume sit(hq).").unwrap();
    let out = answer(&mut p, "assumed sit(hq).");
    assert!(
        out.contains("no predicate `sit`") && out.contains("did you mean `site`?"),
        "{out:?}"
    );
    p.send_line(":assume site(hq).").unwrap();
    let out = answer(&mut p, "assumed site(hq).");
    assert!(!out.contains("warning"), "{out:?}");
    // The answer says which assumption it rests on, in its verdict line and its proof.
    p.send_line("software_updates_through_cmg? hq").unwrap();
    let out = answer(
        &mut p,
        "status(software_updates, supported, unconditional)   [fact",
    );
    assert!(out.contains("\r\nyes   (assuming site(hq))\r\n"), "{out:?}");
    assert!(out.contains("site(hq)   [assumed with :assume]"), "{out:?}");
    // A derived tuple cannot be retracted; the facts it rests on are named.
    p.send_line(":retract software_updates_through_cmg(hq, yes).")
        .unwrap();
    let out = answer(
        &mut p,
        "status(software_updates, supported, unconditional).",
    );
    assert!(out.contains("is derived by rules"), "{out:?}");
    assert!(out.contains(":retract site(hq).   [assumed]"), "{out:?}");
    quit(&mut p);
}

#[test]
fn a_pasted_block_runs_statement_by_statement() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    answer(&mut p, "facts and rules loaded");
    // A bracketed paste: two clauses and a query, then Enter.
    p.send("\x1b[200~pasted(a).\npasted_too(X) :- pasted(X).\n?- pasted_too(X).\x1b[201~")
        .unwrap();
    p.send("\r").unwrap();
    let out = answer(&mut p, "1 row");
    assert_eq!(out.matches("added 1 clause").count(), 2, "{out:?}");
    assert!(out.contains("│ a "), "{out:?}");
    assert!(!out.contains("error"), "{out:?}");
    quit(&mut p);
}

#[test]
fn a_piped_script_reports_errors_on_stderr_at_their_line() {
    let r = run_with_stdin(
        Path::new(ROOT),
        &[],
        "supported? peer_cache\n\n?- cmg_role(R).\n?- nosuch(X).\n",
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("error[unknown-predicate]: <stdin>:4:4:"),
        "{r:?}"
    );
    assert!(!r.stdout.contains("error"), "{r:?}");
    assert!(r.stdout.contains("management_point"), "{r:?}");
}

#[test]
fn query_dash_reads_the_queries_from_standard_input() {
    let r = run_with_stdin(
        Path::new(ROOT),
        &["query", "-"],
        "supported? peer_cache\n?- cmg_role(R).\n\n?- nosuch(X).\n",
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stdout.contains("supported? peer_cache\nno\n"), "{r:?}");
    assert!(r.stdout.contains("2 rows"), "{r:?}");
    assert!(
        r.stderr.contains("<stdin>:4:4: unknown predicate `nosuch`"),
        "{r:?}"
    );
}

#[test]
fn lines_typed_ahead_in_one_write_are_all_answered() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    answer(&mut p, "facts and rules loaded");
    // Three queries arrive in one write, without bracketed paste, before the first is answered:
    // the bytes after the first line must not be lost between two line reads.
    p.send("supported? peer_cache\rclient_connectivity? ipv6_only\r?- cmg_role(R).\r")
        .unwrap();
    answer(&mut p, "Peer cache Not supported.");
    answer(&mut p, "IPv6 addresses.");
    answer(&mut p, "2 rows");
    quit(&mut p);
}

#[test]
fn a_query_after_an_unfinished_statement_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn_repl(&dir.path().join("history"));
    answer(&mut p, "facts and rules loaded");
    // `foo(` waits for more; a line that starts a query ends it with an error, and is answered.
    p.send_line("foo(").unwrap();
    p.expect(CONTINUATION).unwrap();
    p.send_line("?- cmg_role(R).").unwrap();
    let out = answer(&mut p, "2 rows");
    assert!(out.contains("error[syntax]"), "{out:?}");
    quit(&mut p);
}
