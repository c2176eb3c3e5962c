//! Scripts piped to the session (`supportkb < script`, `supportkb query -`): every error at its
//! place in standard input, no line lost after an error, and a line that is not UTF-8 reported
//! without stopping the others.

mod common;

use common::*;
use std::path::Path;

fn piped(input: impl Into<Vec<u8>>) -> Run {
    run_with_stdin(Path::new(ROOT), &[], input)
}

#[test]
fn a_clause_error_is_at_its_line_of_the_script() {
    let r = piped("supported? peer_cache\n\np(X) :- qq(X).\n");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("error[unknown-predicate]: <stdin>:3:9: unknown predicate `qq`"),
        "{r:?}"
    );
    assert!(!r.stderr.contains("<input"), "{r:?}");
}

#[test]
fn a_clause_of_the_script_is_cited_at_its_line() {
    let r = piped("supported? peer_cache\nmine(a).\nwhy mine(a)\n");
    assert!(r.stdout.contains("<stdin>:2:1"), "{r:?}");
}

#[test]
fn a_failed_command_is_at_its_line_of_the_script() {
    let cases = [
        (":bogus", "<stdin>:2:1: unknown command `:bogus`"),
        (":facts nosuch", "<stdin>:2:8: unknown predicate `nosuch`"),
        (":rules nosuch", "<stdin>:2:8: unknown predicate `nosuch`"),
        (":load /nope.kb", "<stdin>:2:7: cannot read /nope.kb"),
        (":depth abc", "<stdin>:2:8: usage: :depth N"),
        (":limit x", "<stdin>:2:8: usage: :limit N"),
        (
            "  :format yaml",
            "<stdin>:2:11: usage: :format text|json|markdown",
        ),
    ];
    for (cmd, said) in cases {
        let r = piped(format!(
            "supported? peer_cache\n{cmd}\nsupported? peer_cache\n"
        ));
        assert_eq!(r.code, 2, "{cmd}: {r:?}");
        assert!(r.stderr.contains(said), "{cmd}: {r:?}");
        // The line is shown with a caret under the place.
        assert!(r.stderr.contains(&format!("2 │ {cmd}")), "{cmd}: {r:?}");
        assert_eq!(
            r.stdout.matches("Peer cache Not supported.").count(),
            2,
            "{r:?}"
        );
    }
}

#[test]
fn an_unterminated_string_does_not_swallow_the_next_line() {
    let r = piped("supported? \"unterminated\n:assume sit(hq).\nsupported? peer_cache\n");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("<stdin>:1:"), "{r:?}");
    assert!(r.stdout.contains("did you mean `site`"), "{r:?}");
    assert!(r.stdout.contains("Peer cache Not supported."), "{r:?}");
}

#[test]
fn an_unclosed_parenthesis_ends_at_the_next_query() {
    let r = run_with_stdin(Path::new(ROOT), &["query", "-"], "foo(\n?- x(Y).\n");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("<stdin>:1:"), "{r:?}");
    assert!(
        r.stderr.contains("<stdin>:2:4: unknown predicate `x`"),
        "{r:?}"
    );
    let r = piped("p(\nsupported? peer_cache\n");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("<stdin>:1:"), "{r:?}");
    assert!(r.stdout.contains("Peer cache Not supported."), "{r:?}");
    // A clause continued on the next line is still one statement.
    let r = piped("r(X) :-\n  cmg_role(X).\n?- r(X).\n");
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("2 rows"), "{r:?}");
}

#[test]
fn a_line_that_is_not_utf8_is_an_error_and_the_others_run() {
    let r = piped(&b"supported? peer_cache\nsupported? caf\xe9\n?- cmg_role(R).\n"[..]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("<stdin>:2:15:"), "{r:?}");
    assert!(r.stderr.contains("not UTF-8"), "{r:?}");
    assert!(r.stdout.contains("Peer cache Not supported."), "{r:?}");
    assert!(r.stdout.contains("management_point"), "{r:?}");
    let r = run_with_stdin(
        Path::new(ROOT),
        &["query", "-"],
        &b"?- caf\xe9(X).\n?- cmg_role(R).\n"[..],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("<stdin>:1:7:"), "{r:?}");
    assert!(r.stdout.contains("management_point"), "{r:?}");
}
