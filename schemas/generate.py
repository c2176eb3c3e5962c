# Writes schemas/*.schema.json: one self-contained JSON Schema per kind of JSON document the
# command line prints (src/render/document.rs names them). Run from the repository root:
#   python3 schemas/generate.py
# tests/json_documents.rs validates real outputs against the files this writes.
import json, copy
BASE = "https://supportkb.invalid/schemas/"
value = {
  "description": "A typed value. A string's or version's value is its text without quote marks.",
  "type": "object", "required": ["type", "value"], "additionalProperties": False,
  "properties": {"type": {"enum": ["symbol", "string", "integer", "version"]}, "value": {}},
  "oneOf": [
    {"properties": {"type": {"const": "symbol"}, "value": {"type": "string"}}},
    {"properties": {"type": {"const": "string"}, "value": {"type": "string"}}},
    {"properties": {"type": {"const": "integer"}, "value": {"type": "integer"}}},
    {"properties": {"type": {"const": "version"}, "value": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)*$"}}},
  ],
}
location = {"type": "object", "required": ["file", "line", "column"],
  "properties": {"file": {"type": "string"}, "line": {"type": "integer", "minimum": 0},
                 "column": {"type": "integer", "minimum": 0}}}
quote = {"type": "object", "required": ["source", "section", "quote", "verified"],
  "properties": {"source": {"type": "string"}, "title": {"type": "string"},
    "url": {"type": ["string", "null"]}, "section": {"type": "string"},
    "quote": {"type": "string"}, "line": {"type": ["integer", "null"]}, "verified": {"type": "boolean"}}}
substitution = {"description": "Variable name to value, in the order the rule names them.",
  "type": "object", "additionalProperties": {"$ref": "#/$defs/value"}}
proof = {
  "description": "A proof node: what is proved, why, and the proofs of its premises.",
  "type": "object", "required": ["conclusion", "by"],
  "properties": {
    "conclusion": {"type": "string"},
    "atom": {"type": "object", "required": ["pred", "args"], "properties": {
        "pred": {"type": "string"}, "args": {"type": "array", "items": {"$ref": "#/$defs/value"}}}},
    "height": {"description": "Internal (only with --internal): the round the tuple was first derived in.", "type": "integer"},
    "by": {"type": "object", "required": ["kind"], "properties": {
        "kind": {"enum": ["fact", "rule", "builtin", "aggregate", "member", "absent"]},
        "location": {"$ref": "#/$defs/location"},
        "substitution": {"$ref": "#/$defs/substitution"},
        "cites": {"type": "array", "items": {"$ref": "#/$defs/quote"}},
        "notes": {"type": "array", "items": {"$ref": "#/$defs/quote"}}}},
    "premises": {"type": "array", "items": {"$ref": "#/$defs/proof"}},
    "handle": {"description": "Set when a depth cut the premises: `why #K` shows them.", "type": "integer"}},
}
why_not = {
  "type": "object", "required": ["goal", "has_rules", "instead", "rules", "depth_limited"],
  "properties": {
    "goal": {"type": "string"}, "has_rules": {"type": "boolean"},
    "instead": {"type": "array", "items": {"$ref": "#/$defs/proof"}},
    "contradicted": {"type": "boolean"},
    "unknown_because": {"description": "Why a fact read from a headed file is unknown: no row holds its key, or the row leaves the cell empty.", "type": "string"},
    "rules": {"type": "array", "items": {"type": "object", "required": ["rule", "location", "blocked"], "properties": {
        "rule": {"type": "string"}, "location": {"$ref": "#/$defs/location"},
        "blocked": {"type": "object", "required": ["literal", "instance", "reached", "example", "cause"], "properties": {
            "literal": {"type": "string"}, "location": {"$ref": "#/$defs/location"},
            "instance": {"type": "string"}, "reached": {"type": "integer", "minimum": 0},
            "example": {"$ref": "#/$defs/substitution"},
            "cause": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"enum": ["missing", "blocked_by", "fails", "undefined", "circular", "reached"]},
                "why_not": {"$ref": "#/$defs/why_not"}, "proof": {"$ref": "#/$defs/proof"},
                "reason": {"type": "string"}}}}}}}},
    "depth_limited": {"type": "boolean"}, "handle": {"type": "integer"}},
}
rows = {"type": "array", "items": {"type": "array", "items": {"$ref": "#/$defs/value"}}}
common_answer = {
  "unused_rules": {"type": "array", "items": {"type": "object", "required": ["pred", "needs", "rules"]}},
  "proof_errors": {"type": "array", "items": {"type": "string"}},
  "warnings": {"description": "What the query may not mean as written, or what its own evaluation ran into (an overflow).", "type": "array", "items": {"type": "string"}},
}
def props(d):
    out = dict(common_answer); out.update(d); return out
answer = {
  "description": "One answer; `kind` says which query form asked it.",
  "type": "object", "required": ["kind"],
  "oneOf": [
    {"properties": props({"kind": {"const": "question"}, "question": {"type": "string"},
        "goal": {"type": "string"}, "verdict": {"type": "string"},
        "columns": {"type": "array", "items": {"type": "string"}}, "rows": {"$ref": "#/$defs/rows"},
        "proofs": {"type": "array", "items": {"$ref": "#/$defs/proof"}},
        "instead": {"type": "array", "items": {"$ref": "#/$defs/proof"}},
        "contradiction": {"type": "string"},
        "stated": {"type": "array", "items": {"$ref": "#/$defs/proof"}},
        "suggestions": {"type": "array", "items": {"type": "string"}},
        "absent": {"type": "array", "items": {"type": "string"}},
        "held": {"type": "array", "items": {"type": "string"}},
        "pointers": {"type": "object"}}),
     "required": ["question", "goal", "verdict", "columns", "rows", "proofs"]},
    {"properties": props({"kind": {"const": "bindings"}, "query": {"type": "string"},
        "columns": {"type": "array", "items": {"type": "string"}}, "rows": {"$ref": "#/$defs/rows"},
        "proofs": {"type": "array", "items": {"type": "array", "items": {"$ref": "#/$defs/proof"}}}}),
     "required": ["query", "columns", "rows"], "not": {"required": ["vars"]}},
    {"properties": props({"kind": {"enum": ["why", "why_not"]}, "query": {"type": "string"},
        "holds": {"type": "boolean"}, "matches": {"type": "integer", "minimum": 0},
        "proofs": {"type": "array", "items": {"$ref": "#/$defs/proof"}},
        "why_not": {"$ref": "#/$defs/why_not"}}),
     "required": ["query", "holds", "matches", "proofs"]},
  ],
}
diagnostic = {
  "description": "A diagnostic: severity, code, message, and its place when it has one.",
  "type": "object", "required": ["severity", "code", "message"],
  "properties": {"severity": {"enum": ["error", "warning"]}, "code": {"type": "string"},
    "message": {"type": "string"}, "label": {"type": ["string", "null"]}, "help": {"type": ["string", "null"]},
    "file": {"type": "string"}, "line": {"type": "integer"}, "column": {"type": "integer"},
    "query": {"description": "The query the error is about (`query` with several).", "type": "string"}}}
defs = {"value": value, "location": location, "quote": quote, "substitution": substitution,
        "proof": proof, "why_not": why_not, "rows": rows, "answer": answer, "diagnostic": diagnostic}

script_report = {"type": "object", "required": ["file", "items", "passed", "failed"], "properties": {
    "file": {"type": "string"}, "passed": {"type": "integer", "minimum": 0}, "failed": {"type": "integer", "minimum": 0},
    "items": {"type": "array", "items": {"type": "object", "required": ["query", "location", "expectations"], "properties": {
        "query": {"type": "string"}, "location": {"$ref": "#/$defs/location"},
        "answer": {"$ref": "#/$defs/answer"}, "error": {},
        "seconds": {"description": "Wall time of the query and its expectations.", "type": "number", "minimum": 0},
        "expectations": {"type": "array", "items": {"type": "object",
            "required": ["expectation", "passed", "actual"], "properties": {
            "expectation": {"type": "string"}, "location": {"$ref": "#/$defs/location"},
            "passed": {"type": "boolean"}, "actual": {"type": "string"}}}}}}}}}
defs["script_report"] = script_report

kinds = {
  "answers": ("supportkb-answers/1", "The answers of `supportkb query`, one per query, in order (one query or many).",
      {"answers": {"type": "array", "items": {"$ref": "#/$defs/answer"}}}, ["answers"]),
  "run": ("supportkb-run/1", "The report of `supportkb run FILE.kbq`.",
      script_report["properties"], script_report["required"]),
  "test": ("supportkb-test/1", "The report of `supportkb test PATH...`.",
      {"files": {"type": "array", "items": {"type": "object", "required": ["path"], "properties": {
          "path": {"type": "string"}, "report": {"$ref": "#/$defs/script_report"}}}},
       "passed": {"type": "integer", "minimum": 0}, "failed": {"type": "integer", "minimum": 0},
       "coverage": {"description": "With --coverage or --threshold: per knowledge base, what some proof used.",
           "type": "array", "items": {"type": "object",
           "required": ["kb", "clauses", "covered", "percent", "facts", "facts_covered", "facts_percent",
                        "rules", "rules_covered", "rules_percent", "uncovered"],
           "properties": {"kb": {"type": "array", "items": {"type": "string"}},
               "clauses": {"type": "integer", "minimum": 0}, "covered": {"type": "integer", "minimum": 0},
               "percent": {"type": "number", "minimum": 0, "maximum": 100},
               "facts": {"type": "integer", "minimum": 0}, "facts_covered": {"type": "integer", "minimum": 0},
               "facts_percent": {"type": "number", "minimum": 0, "maximum": 100},
               "rules": {"type": "integer", "minimum": 0}, "rules_covered": {"type": "integer", "minimum": 0},
               "rules_percent": {"type": "number", "minimum": 0, "maximum": 100},
               "uncovered": {"type": "array", "items": {"type": "object", "required": ["location", "kind", "clause"],
                   "properties": {"location": {"type": "string"}, "kind": {"enum": ["fact", "rule"]},
                                  "clause": {"type": "string"}}}}}}}},
      ["files", "passed", "failed"]),
  "check": ("supportkb-check/1", "The lint report of `supportkb check`.",
      {"ok": {"type": "boolean"}, "files": {"type": "array", "items": {"type": "string"}},
       "clauses": {"type": "integer"}, "predicates": {"type": "integer"}, "tuples": {"type": "integer"},
       "quotes": {"type": "integer"}, "quotes_verified": {"type": "integer"},
       "diagnostics": {"type": "array", "items": {"$ref": "#/$defs/diagnostic"}}},
      ["ok", "files", "diagnostics"]),
  "verification": ("supportkb-verification/1", "The result of `supportkb verify TRACE.json`.",
      {"question": {"type": "string"}, "knowledge_base": {"type": "string"},
       "files": {"type": "array"}, "traced_verdict": {"type": "string"}, "current_verdict": {"type": "string"},
       "answer_stands": {"type": "boolean"}, "differences": {"type": "array"}, "proofs": {"type": "array"},
       "ok": {"type": "boolean"}},
      ["question", "answer_stands", "ok"]),
  "eval": ("supportkb-eval/1", "The tuple counts and files of `supportkb eval`.",
      {"tuples": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
       "written": {"type": "array", "items": {"type": "object", "required": ["predicate", "file", "rows"], "properties": {
           "predicate": {"type": "string"}, "file": {"type": "string"}, "rows": {"type": "integer", "minimum": 0}}}}},
      ["tuples", "written"]),
  "coverage": ("supportkb-coverage/1", "Each pinned text's statements and what covers them (`supportkb coverage`).",
      {"sources": {"type": "array", "items": {"type": "object",
          "required": ["source", "total", "cited", "not_encoded", "uncited", "covered_percent", "statements"]}}},
      ["sources"]),
  "search": ("supportkb-search/1", "Ranked hits of `supportkb search WORDS`.",
      {"query": {"type": "string"}, "matched": {"type": "integer", "minimum": 0},
       "hits": {"type": "array", "items": {"type": "object", "required": ["kind", "score", "text"],
           "properties": {"kind": {"enum": ["statement", "quote", "note", "predicate"]},
               "score": {"type": "number"}, "text": {"type": "string"}},
           "oneOf": [{"properties": {"kind": {"enum": ["statement", "quote", "note"]}}, "required": ["source"]},
                     {"properties": {"kind": {"const": "predicate"}}, "required": ["predicate"]}]}}},
      ["query", "hits"]),
  "diff": ("supportkb-diff/1", "The answers that changed between two knowledge bases (`supportkb diff A B`).",
      {"a": {"type": "object"}, "b": {"type": "object"}, "asked": {"type": "integer", "minimum": 0},
       "renames": {"type": "array"}, "changes": {"type": "array", "items": {"type": "object"}},
       "full_proofs": {"type": "boolean"}},
      ["a", "b", "asked", "changes"]),
}
for name, (schema, desc, properties, required) in kinds.items():
    full = {"$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE + name + ".schema.json", "title": schema, "description": desc +
        " Every `--format json` document is an envelope: `schema` (name/version), the fields below, and `errors`;"
        " a run that failed before its document existed has only `schema` and `errors`.",
        "type": "object", "required": ["schema", "errors"],
        "properties": dict({"schema": {"const": schema},
            "errors": {"type": "array", "items": {"$ref": "#/$defs/diagnostic"}}}, **properties),
        "anyOf": [{"required": required}, {"properties": {"errors": {"minItems": 1}},
                   "not": {"anyOf": [{"required": [r]} for r in required]}}],
        "$defs": defs}
    json.dump(full, open(f"schemas/{name}.schema.json", "w"), indent=2)
    open(f"schemas/{name}.schema.json", "a").write("\n")

trace = {"$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": BASE + "trace.schema.json", "title": "supportkb-trace/3",
  "description": "An audit trace (`supportkb explain`): the serde shape of src/audit/trace.rs, values as their literal text so that `verify` reads it back exactly. A run that failed before the trace existed prints only `schema` and `errors`.",
  "type": "object", "required": ["schema"],
  "properties": {"schema": {"const": "supportkb-trace/3"},
     "errors": {"type": "array", "items": {"$ref": "#/$defs/diagnostic"}}},
  "anyOf": [{"required": ["tool", "question", "answer", "knowledge_base"]}, {"required": ["errors"], "properties": {"errors": {"minItems": 1}}}],
  "$defs": {"diagnostic": diagnostic}}
json.dump(trace, open("schemas/trace.schema.json", "w"), indent=2)
open("schemas/trace.schema.json", "a").write("\n")
