//! `supportkb search WORDS…`: ranked full-text search over the pinned texts, quotes, notes
//! and predicate documentation.

use super::Context;
use super::output::{self, Exit};

pub fn search(cx: &Context, words: &[String], limit: usize) -> Exit {
    let mut session = match cx.session() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let report = session.search(&words.join(" "), limit);
    output::doc(cx.format, &report);
    Exit::Ok
}
