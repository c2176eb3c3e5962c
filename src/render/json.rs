//! JSON shapes beyond the serde derives: diagnostics as an error document, each with its
//! place resolved.

use crate::source::{Diagnostic, SourceMap};

/// One diagnostic as JSON, with its `file`, `line` and `column` when it has a place.
pub fn diagnostic(map: &SourceMap, d: &Diagnostic) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    if let (Some(span), Some(obj)) = (d.span, v.as_object_mut()) {
        let loc = map.location(span);
        obj.insert("file".into(), loc.file.into());
        obj.insert("line".into(), loc.line.into());
        obj.insert("column".into(), loc.column.into());
    }
    v
}

/// Diagnostics as a JSON error document: `{"kind": "error", "diagnostics": [...]}`.
pub fn diagnostics(map: &SourceMap, diags: &[Diagnostic]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = diags.iter().map(|d| diagnostic(map, d)).collect();
    serde_json::json!({ "kind": "error", "diagnostics": list })
}
