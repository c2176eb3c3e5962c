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

/// Nesting levels past which JSON text is not indented further (two spaces a level).
pub const MAX_INDENT_LEVELS: usize = 24;

/// `value` as pretty JSON text, as `serde_json::to_string_pretty` writes it up to
/// [`MAX_INDENT_LEVELS`] levels of nesting; deeper levels keep that indentation, so a proof
/// thousands of rules deep is a file proportional to the proof, not to its depth squared.
pub fn pretty(value: &serde_json::Value) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, CappedIndent::default());
    if serde::Serialize::serialize(value, &mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Pretty JSON whose indentation stops at [`MAX_INDENT_LEVELS`].
#[derive(Default)]
struct CappedIndent {
    level: usize,
    has_value: bool,
}

impl CappedIndent {
    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.level.min(MAX_INDENT_LEVELS) {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(b)
    }

    fn item<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for CappedIndent {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shallow_documents_are_written_as_serde_json_writes_them() {
        let v = json!({"a": [1, {"b": []}, {}], "c": {"d": "e"}, "f": [[]]});
        assert_eq!(pretty(&v), serde_json::to_string_pretty(&v).unwrap());
    }

    #[test]
    fn indentation_stops_deepening() {
        let mut v = json!(1);
        for _ in 0..100 {
            v = json!([v]);
        }
        let text = pretty(&v);
        let widest = text.lines().map(|l| l.len() - l.trim_start().len()).max();
        assert_eq!(widest, Some(2 * MAX_INDENT_LEVELS));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
