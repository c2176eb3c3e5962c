//! Entry points for the fuzz targets (`fuzz/`) and for replaying their regression inputs
//! (`tests/fuzz_regressions/`): each takes raw bytes and must return without panicking,
//! whatever they are.

use crate::engine::EvalConfig;
use crate::query::{AskOptions, LoadConfig, Session};
use crate::render::{Format, render};
use crate::source::SourceText;
use std::time::Duration;

fn text(data: &[u8]) -> &str {
    match std::str::from_utf8(data) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or(""),
    }
}

/// Parses and checks knowledge-base text.
pub fn parse_kb(data: &[u8]) {
    let t = text(data);
    if let Ok(p) = crate::syntax::parse_kb(t, 0) {
        let _ = crate::check::check(p);
    }
    let _ = crate::syntax::is_incomplete(t);
}

/// Parses a query and a query file.
pub fn parse_query(data: &[u8]) {
    let t = text(data);
    let _ = crate::syntax::parse_query(t, 0);
    let _ = crate::syntax::parse_script(t, 0);
}

/// Loads `KB \0 QUERY` under tight limits, answers, explains and renders.
pub fn pipeline(data: &[u8]) {
    let (kb, query) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"?- p(X)."[..]),
    };
    let config = LoadConfig {
        eval: EvalConfig {
            max_tuples: 20_000,
            max_rows: 2_000_000,
            timeout: Some(Duration::from_secs(2)),
            ..EvalConfig::default()
        },
        ..LoadConfig::default()
    };
    let Ok(mut session) = Session::load(
        vec![SourceText {
            name: "f.kb".into(),
            text: text(kb).into(),
        }],
        config,
    ) else {
        return;
    };
    for depth in [None, Some(1)] {
        let opts = AskOptions {
            depth,
            proofs: 2,
            ..AskOptions::default()
        };
        if let Ok(a) = session.ask(text(query), opts) {
            for f in [Format::Text, Format::Markdown, Format::Json] {
                let _ = render(f, &a);
            }
            let errors = a.proof_errors();
            assert!(errors.is_empty(), "a proof failed the checker: {errors:?}");
        }
    }
}
