//! The interactive session in a pseudo-terminal: starting it, waiting for an answer, leaving.

use expectrl::process::unix::WaitStatus;
use expectrl::{Eof, Expect, Session};
use std::path::Path;
use std::time::Duration;

/// The prompt of a new statement.
pub const PROMPT: &str = "supportkb> ";
/// The prompt of a statement's next line.
pub const CONTINUATION: &str = "       ... ";

/// A session in a pseudo-terminal, started in `dir`, with its history in `history`.
pub fn spawn_in(dir: &Path, history: &Path) -> expectrl::session::OsSession {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_supportkb"));
    cmd.current_dir(dir)
        .env("SUPPORTKB_HISTORY", history)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let mut p = Session::spawn(cmd).expect("the REPL starts in a pseudo-terminal");
    // Wide enough that no line of these answers wraps to the terminal.
    p.get_process_mut().set_window_size(400, 24).unwrap();
    p.set_expect_timeout(Some(Duration::from_secs(10)));
    p
}

/// A session in the crate root, with its history in `history`.
pub fn spawn_repl(history: &Path) -> expectrl::session::OsSession {
    spawn_in(Path::new(super::ROOT), history)
}

/// Waits for `marker`, then for the next prompt; returns what was printed up to the marker.
///
/// The line editor redraws the prompt while a line is edited, so a prompt alone does not mean
/// that an answer is complete: every step waits for text of the answer first.
pub fn answer(p: &mut expectrl::session::OsSession, marker: &str) -> String {
    let found = p
        .expect(marker)
        .unwrap_or_else(|e| panic!("no `{marker}` ({e})"));
    let out = String::from_utf8_lossy(found.before()).into_owned();
    p.expect(PROMPT)
        .unwrap_or_else(|e| panic!("no prompt after `{marker}` ({e})"));
    out
}

/// Leaves with `:quit` and checks that the session exits 0.
pub fn quit(p: &mut expectrl::session::OsSession) {
    p.send_line(":quit").unwrap();
    p.expect(Eof).unwrap();
    assert!(
        matches!(p.get_process().wait().unwrap(), WaitStatus::Exited(_, 0)),
        "`:quit` exits 0"
    );
}
