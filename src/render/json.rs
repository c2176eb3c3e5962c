//! JSON shapes: constants serialize as their literal text or as numbers (see
//! [`Const`]'s serde impls); substitutions become objects from variable to value.

use crate::syntax::Const;
use serde::Serializer;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer};

/// Serializes a substitution as an object `{ "X": value, … }` in order.
pub fn substitution<S: Serializer>(sub: &[(String, Const)], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(sub.len()))?;
    for (k, v) in sub {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// Reads a substitution written by [`substitution`]; key order is kept.
pub fn substitution_de<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Const)>, D::Error> {
    let map = serde_json::Map::deserialize(d)?;
    map.into_iter()
        .map(|(k, v)| {
            Const::deserialize(v)
                .map(|c| (k, c))
                .map_err(serde::de::Error::custom)
        })
        .collect()
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
