//! `supportkb query Q…`: answers each query, in order.

use super::Context;
use super::output::{self, Exit};
use supportkb::render::{Format, render};

pub fn query(cx: &Context, queries: &[String]) -> Exit {
    let mut session = match cx.session() {
        Ok(s) => s,
        Err(e) => return e,
    };
    let mut exit = Exit::Ok;
    let mut docs = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        match session.ask(q, cx.opts) {
            Ok(a) => match cx.format {
                Format::Json => docs.push(supportkb::render::Render::json(&a)),
                _ => {
                    if queries.len() > 1 && cx.format == Format::Text {
                        output::print(&format!("{}{q}\n", if i > 0 { "\n" } else { "" }));
                    }
                    output::print(&render(cx.format, &a));
                }
            },
            Err(e) => exit = exit.max(output::query_error(cx.format, &session.kb.sources, &e)),
        }
    }
    if cx.format == Format::Json && !docs.is_empty() {
        let v = if docs.len() == 1 {
            docs.remove(0)
        } else {
            serde_json::Value::Array(docs)
        };
        output::print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
    }
    exit
}
