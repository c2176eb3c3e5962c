//! `supportkb search WORDS…`: ranked full-text search over the pinned texts, quotes, notes
//! and predicate documentation.

use super::Context;
use super::output::{self, Exit};
use supportkb::source::{Code, Diagnostic};

pub fn search(cx: &Context, words: &[String], limit: usize) -> Exit {
    let mut session = match cx.session() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let query = words.join(" ");
    if supportkb::query::search::index::words(&query).is_empty() {
        let why = if query.trim().is_empty() {
            "no words to search for: give words of what you look for, e.g. `supportkb search ipv6 clients`"
        } else {
            "only words too common to search for (such as \"the\", \"is\", \"with\"): give words of what you look for"
        };
        return output::rejected(cx.format, Diagnostic::unplaced(Code::Input, why));
    }
    let report = session.search(&query, limit);
    output::doc(cx.format, &report);
    Exit::Ok
}
