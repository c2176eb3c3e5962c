//! The one JSON document a command prints under `--format json`: an envelope naming its
//! schema and version (`"schema": "supportkb-answers/1"`), the document's own fields, and
//! `"errors"`, the diagnostics of the run (empty when there were none; a run that failed
//! before its document existed prints the envelope with only `schema` and `errors`).
//!
//! Inside, values are typed — `{"type": "string", "value": "Alternate content providers"}`,
//! likewise `symbol`, `integer` (a JSON number) and `version` — and fields that are the
//! engine's bookkeeping (a proof node's `height`, the round its tuple was first derived in)
//! are left out unless asked for ([`Public::internal`]). Each kind has a JSON Schema in the
//! repository's `schemas/` folder, named by [`Kind::file`]; the tests validate real outputs
//! against them.
//!
//! Traces (`supportkb explain`) keep their own serde shape, [`crate::audit::TRACE_SCHEMA`],
//! values as literal text, so that `verify` reads them back exactly.

use crate::syntax::Const;
use serde_json::{Map, Value, json};

/// The kinds of JSON document, one per command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `query`: `answers`, one per query, in order.
    Answers,
    /// `run`: a query file's report.
    Run,
    /// `test`: a suite of query files.
    Test,
    /// `check`: a lint report.
    Check,
    /// `verify`: a trace verified.
    Verification,
    /// `eval`: the outputs written.
    Eval,
    /// `coverage`: statements and what covers them.
    Coverage,
    /// `search`: ranked hits.
    Search,
    /// `explain`: an audit trace.
    Trace,
    /// `diff`: the answers that changed between two knowledge bases.
    Diff,
    /// `report`: an inventory evaluated against the knowledge base.
    Report,
}

impl Kind {
    /// The schema name and version the document carries in `schema`.
    pub fn schema(self) -> &'static str {
        match self {
            Kind::Answers => "supportkb-answers/1",
            Kind::Run => "supportkb-run/1",
            Kind::Test => "supportkb-test/1",
            Kind::Check => "supportkb-check/1",
            Kind::Verification => "supportkb-verification/1",
            Kind::Eval => "supportkb-eval/1",
            Kind::Coverage => "supportkb-coverage/1",
            Kind::Search => "supportkb-search/1",
            Kind::Diff => "supportkb-diff/1",
            Kind::Report => "supportkb-report/1",
            Kind::Trace => crate::audit::TRACE_SCHEMA,
        }
    }

    /// Its JSON Schema file, relative to the repository's root.
    pub fn file(self) -> &'static str {
        match self {
            Kind::Answers => "schemas/answers.schema.json",
            Kind::Run => "schemas/run.schema.json",
            Kind::Test => "schemas/test.schema.json",
            Kind::Check => "schemas/check.schema.json",
            Kind::Verification => "schemas/verification.schema.json",
            Kind::Eval => "schemas/eval.schema.json",
            Kind::Coverage => "schemas/coverage.schema.json",
            Kind::Search => "schemas/search.schema.json",
            Kind::Diff => "schemas/diff.schema.json",
            Kind::Report => "schemas/report.schema.json",
            Kind::Trace => "schemas/trace.schema.json",
        }
    }

    /// Every kind.
    pub const ALL: [Kind; 11] = [
        Kind::Answers,
        Kind::Run,
        Kind::Test,
        Kind::Check,
        Kind::Verification,
        Kind::Eval,
        Kind::Coverage,
        Kind::Search,
        Kind::Trace,
        Kind::Diff,
        Kind::Report,
    ];
}

/// The envelope of a `kind` document: `schema`, the fields of `body` (an object; any other
/// value goes under `document`), and `errors`. Without a body, only `schema` and `errors`.
pub fn envelope(kind: Kind, body: Option<Value>, errors: Vec<Value>) -> Value {
    let mut out = Map::new();
    out.insert("schema".into(), kind.schema().into());
    match body {
        Some(Value::Object(fields)) => {
            for (k, v) in fields {
                if k != "schema" {
                    out.insert(k, v);
                }
            }
        }
        Some(other) => {
            out.insert("document".into(), other);
        }
        None => {}
    }
    out.insert("errors".into(), Value::Array(errors));
    Value::Object(out)
}

/// How a document's inside is made public.
#[derive(Debug, Clone, Copy, Default)]
pub struct Public {
    /// Keep the engine's bookkeeping fields (`height`).
    pub internal: bool,
}

impl Public {
    /// `v` with its values typed, `vars` named `columns` as in questions, and internal
    /// fields dropped unless asked for.
    ///
    /// Where values are: `rows` (arrays of rows), an atom's `args`, a rule instance's
    /// `substitution` and a why-not's `example` (objects from variable to value).
    pub fn apply(self, v: Value) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(k, _)| self.internal || k != "height")
                    .map(|(k, v)| {
                        let v = match (k.as_str(), v) {
                            ("rows", Value::Array(rows)) if rows.iter().all(Value::is_array) => {
                                Value::Array(rows.into_iter().map(typed_all).collect())
                            }
                            ("args", v @ Value::Array(_)) => typed_all(v),
                            ("substitution" | "example", Value::Object(m)) => {
                                Value::Object(m.into_iter().map(|(k, v)| (k, typed(&v))).collect())
                            }
                            (_, v) => self.apply(v),
                        };
                        let k = if k == "vars" { "columns".into() } else { k };
                        (k, v)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.apply(v)).collect()),
            other => other,
        }
    }
}

/// Every element of an array typed.
fn typed_all(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(typed).collect()),
        other => other,
    }
}

/// A value as the serde shape of [`Const`] writes it (integers as numbers, others as their
/// literal text), typed: `{"type": KIND, "value": …}`, a string's or version's value
/// without its quote marks.
pub fn typed(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!({"type": "integer", "value": n}),
        Value::String(s) => {
            let c = Const::from_literal(s);
            json!({"type": c.kind(), "value": c.plain_text()})
        }
        // Not a value (an open argument): as it is.
        other => other.clone(),
    }
}

/// A typed value as JSON.
pub fn typed_const(c: &Const) -> Value {
    match c {
        Const::Int(i) => json!({"type": "integer", "value": i}),
        other => json!({"type": other.kind(), "value": other.plain_text()}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_and_strings_lose_their_quote_marks() {
        let row =
            json!({"rows": [["peer_cache", "\"Alternate content providers\"", 3, "v\"4.10\""]]});
        let out = Public::default().apply(row);
        assert_eq!(
            out,
            json!({"rows": [[
                {"type": "symbol", "value": "peer_cache"},
                {"type": "string", "value": "Alternate content providers"},
                {"type": "integer", "value": 3},
                {"type": "version", "value": "4.10"}
            ]]})
        );
    }

    #[test]
    fn heights_only_when_asked() {
        let node = json!({"conclusion": "p(a)", "height": 2, "premises": [{"height": 0}]});
        assert_eq!(
            Public::default().apply(node.clone()),
            json!({"conclusion": "p(a)", "premises": [{}]})
        );
        assert_eq!(Public { internal: true }.apply(node.clone()), node);
    }

    #[test]
    fn a_count_of_rows_is_not_a_row() {
        let out = json!({"rows": 5, "vars": ["X"]});
        assert_eq!(
            Public::default().apply(out),
            json!({"rows": 5, "columns": ["X"]})
        );
    }

    #[test]
    fn the_envelope_names_the_schema_and_holds_the_errors() {
        let doc = envelope(Kind::Answers, Some(json!({"answers": []})), Vec::new());
        assert_eq!(
            doc,
            json!({"schema": "supportkb-answers/1", "answers": [], "errors": []})
        );
        let failed = envelope(Kind::Run, None, vec![json!({"message": "x"})]);
        assert_eq!(
            failed,
            json!({"schema": "supportkb-run/1", "errors": [{"message": "x"}]})
        );
    }
}
