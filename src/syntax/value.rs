//! Ground values: symbols, strings and 64-bit integers, written and read back as the
//! language writes them.

use std::fmt;

/// A ground value: a symbol (`peer_cache`), a string (`"cmg-prod"`) or a 64-bit signed integer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Const {
    /// A lowercase identifier.
    Sym(String),
    /// A double-quoted Unicode string (escapes already resolved).
    Str(String),
    /// A 64-bit signed integer.
    Int(i64),
}

impl fmt::Display for Const {
    /// As written in the language: strings quoted with `\"`, `\\`, `\n`, `\t`, `\r` escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Const::Sym(s) => write!(f, "{s}"),
            Const::Str(s) => {
                write!(f, "\"")?;
                for c in s.chars() {
                    match c {
                        '"' => write!(f, "\\\"")?,
                        '\\' => write!(f, "\\\\")?,
                        '\n' => write!(f, "\\n")?,
                        '\t' => write!(f, "\\t")?,
                        '\r' => write!(f, "\\r")?,
                        c => write!(f, "{c}")?,
                    }
                }
                write!(f, "\"")
            }
            Const::Int(i) => write!(f, "{i}"),
        }
    }
}

impl Const {
    /// Reads a constant back from its [`Display`](fmt::Display) text: `"…"` is a string
    /// (escapes resolved), anything else a symbol. Integers travel as JSON numbers.
    pub fn from_literal(text: &str) -> Const {
        match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(body) if text.len() >= 2 => Const::Str(unescape(body)),
            _ => Const::Sym(text.to_string()),
        }
    }
}

/// The text of a string literal's body with its escapes (`\"`, `\\`, `\n`, `\t`, `\r`)
/// resolved; any other escaped character stands for itself.
pub fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// JSON: integers as numbers, symbols and strings as their literal text (`peer_cache`,
/// `"cmg-prod"` with its quotes), so a trace reads back exactly.
impl serde::Serialize for Const {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Const::Int(i) => s.serialize_i64(*i),
            other => s.serialize_str(&other.to_string()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Const {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Text(String),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Int(i) => Const::Int(i),
            Raw::Text(t) => Const::from_literal(&t),
        })
    }
}
