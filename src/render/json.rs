//! JSON shapes: constants become JSON strings (symbols and strings alike) or numbers
//! (integers); substitutions become objects from variable to value.

use crate::syntax::Const;
use serde::Serializer;
use serde::ser::{SerializeMap, SerializeSeq};

/// A constant as a JSON value.
pub fn value(c: &Const) -> serde_json::Value {
    match c {
        Const::Sym(s) | Const::Str(s) => serde_json::Value::String(s.clone()),
        Const::Int(i) => serde_json::Value::from(*i),
    }
}

/// Serializes constants as a JSON array of [`value`]s.
pub fn consts<S: Serializer>(cs: &[Const], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(cs.len()))?;
    for c in cs {
        seq.serialize_element(&value(c))?;
    }
    seq.end()
}

/// Serializes rows of constants as an array of arrays.
pub fn rows<S: Serializer>(rows: &[Vec<Const>], s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(rows.len()))?;
    for r in rows {
        let vals: Vec<serde_json::Value> = r.iter().map(value).collect();
        seq.serialize_element(&vals)?;
    }
    seq.end()
}

/// Serializes a substitution as an object `{ "X": value, … }` in order.
pub fn substitution<S: Serializer>(sub: &[(String, Const)], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(sub.len()))?;
    for (k, v) in sub {
        map.serialize_entry(k, &value(v))?;
    }
    map.end()
}

/// Diagnostics as a JSON error document: `{"kind": "error", "diagnostics": [...]}`, each
/// with its `file`, `line` and `column` when it has a place.
pub fn diagnostics(
    map: &crate::diag::SourceMap,
    diags: &[crate::diag::Diagnostic],
) -> serde_json::Value {
    let list: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or_default();
            if let (Some(span), Some(obj)) = (d.span, v.as_object_mut()) {
                let loc = map.location(span);
                obj.insert("file".into(), loc.file.into());
                obj.insert("line".into(), loc.line.into());
                obj.insert("column".into(), loc.column.into());
            }
            v
        })
        .collect();
    serde_json::json!({ "kind": "error", "diagnostics": list })
}
