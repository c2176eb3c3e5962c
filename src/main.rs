//! The `supportkb` command: a thin layer over the library (see [`cli`]).

mod cli;

/// mimalloc rather than the system allocator: a model is millions of small rows, and glibc's
/// malloc and free took about a third of the time of a million-client estate report. Built
/// without transparent huge pages (`no_thp`): zeroing 2 MB pages on first touch was a third of
/// a one-question start-up, and big evaluations ran no faster with them (benches/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use cli::output::Exit;
use std::process::ExitCode;

/// Stack for the command's thread: proofs and why-not reports recurse once per level, and a
/// proof through a long chain of rules is thousands of levels deep. Only the pages used are
/// ever touched.
const STACK_BYTES: usize = 1 << 30;

fn main() -> ExitCode {
    let cli = cli::args::parse();
    // A panic is a bug, not bad input: one line on standard error, exit 101.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        supportkb::render::emit_err(&format!(
            "internal error: {what}{at} (this is a bug in supportkb; please report it)\n"
        ));
    }));
    let exit = match std::thread::Builder::new()
        .name("supportkb".into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            // Debug builds only: lets the tests reach the panic path above.
            #[cfg(debug_assertions)]
            if std::env::var_os("SUPPORTKB_TEST_PANIC").is_some() {
                panic!("panic requested by SUPPORTKB_TEST_PANIC");
            }
            cli::run(cli)
        }) {
        Ok(handle) => handle.join().unwrap_or(Exit::Internal),
        Err(_) => cli::run(cli::args::parse()),
    };
    exit.into()
}
