//! Ground values: symbols, strings, 64-bit integers and versions, written and read back as
//! the language writes them.

use std::fmt;

/// A ground value: a symbol (`peer_cache`), a string (`"cmg-prod"`), a 64-bit signed
/// integer, or a version (`v"10.0.19045"`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Const {
    /// A lowercase identifier.
    Sym(String),
    /// A double-quoted Unicode string (escapes already resolved).
    Str(String),
    /// A 64-bit signed integer.
    Int(i64),
    /// A dotted numeric version.
    Version(Version),
}

/// A dotted numeric version such as `10.0.19045`, `2203` or `4.10`, compared part by part
/// as numbers: `4.9 < 4.10`, `10.0.19045 > 10.0.9999`. Trailing zero parts do not count:
/// `2203` and `2203.0` are the same version (equal, one tuple); each prints as written, and
/// where both are written the tuple shows the form read first.
#[derive(Debug, Clone)]
pub struct Version {
    /// The parts, trailing zeros removed (at least one part): what compares.
    parts: Vec<u64>,
    /// As written.
    text: String,
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.parts.hash(h);
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts.cmp(&other.parts)
    }
}

impl Version {
    /// Parses `1.2.3`: one or more parts of decimal digits separated by dots.
    ///
    /// Errors: anything else (a letter, an empty part, a part over 64 bits), with why.
    pub fn parse(text: &str) -> Result<Version, String> {
        let mut parts = Vec::new();
        for p in text.split('.') {
            if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
                return Err(format!(
                    "`{text}` is not a version: parts are decimal numbers separated by dots"
                ));
            }
            parts.push(
                p.parse::<u64>()
                    .map_err(|_| format!("`{text}`: the part {p} does not fit in 64 bits"))?,
            );
        }
        while parts.len() > 1 && parts.last() == Some(&0) {
            parts.pop();
        }
        Ok(Version {
            parts,
            text: text.to_string(),
        })
    }

    /// The parts, trailing zeros removed.
    pub fn parts(&self) -> &[u64] {
        &self.parts
    }
}

impl fmt::Display for Version {
    /// As written: `10.0.19045`, `5.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
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
            Const::Version(v) => write!(f, "v\"{v}\""),
        }
    }
}

impl Const {
    /// Reads a constant back from its [`Display`](fmt::Display) text: `"…"` is a string
    /// (escapes resolved), `v"…"` a version, anything else a symbol. Integers travel as
    /// JSON numbers.
    pub fn from_literal(text: &str) -> Const {
        if let Some(v) = text
            .strip_prefix("v\"")
            .and_then(|t| t.strip_suffix('"'))
            .and_then(|t| Version::parse(t).ok())
        {
            return Const::Version(v);
        }
        match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(body) if text.len() >= 2 => Const::Str(unescape(body)),
            _ => Const::Sym(text.to_string()),
        }
    }

    /// The text the value stands for, without literal syntax: a symbol's or string's
    /// characters, an integer's or version's digits.
    pub fn plain_text(&self) -> String {
        match self {
            Const::Sym(s) | Const::Str(s) => s.clone(),
            Const::Int(i) => i.to_string(),
            Const::Version(v) => v.to_string(),
        }
    }

    /// The kind of value, as typed declarations name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Const::Sym(_) => "symbol",
            Const::Str(_) => "string",
            Const::Int(_) => "integer",
            Const::Version(_) => "version",
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

/// A constant in a binary form (the cache of a loaded knowledge base): tagged, so that it
/// reads back without a self-describing format.
#[derive(serde::Serialize, serde::Deserialize)]
enum ConstRepr {
    Sym(String),
    Str(String),
    Int(i64),
    Version(String),
}

/// JSON: integers as numbers, symbols and strings as their literal text (`peer_cache`,
/// `"cmg-prod"` with its quotes), so a trace reads back exactly. Binary forms: tagged.
impl serde::Serialize for Const {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return match self {
                Const::Sym(t) => ConstRepr::Sym(t.clone()),
                Const::Str(t) => ConstRepr::Str(t.clone()),
                Const::Int(i) => ConstRepr::Int(*i),
                Const::Version(v) => ConstRepr::Version(v.to_string()),
            }
            .serialize(s);
        }
        match self {
            Const::Int(i) => s.serialize_i64(*i),
            other => s.serialize_str(&other.to_string()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Const {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            return Ok(match ConstRepr::deserialize(d)? {
                ConstRepr::Sym(t) => Const::Sym(t),
                ConstRepr::Str(t) => Const::Str(t),
                ConstRepr::Int(i) => Const::Int(i),
                ConstRepr::Version(v) => Const::Version(
                    Version::parse(&v).map_err(|_| serde::de::Error::custom("a version"))?,
                ),
            });
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_part_by_part() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(v("4.9") < v("4.10"));
        assert!(v("10.0.19045") > v("10.0.9999"));
        assert_eq!(v("2203"), v("2203.0"));
        assert_eq!(v("2203.0").to_string(), "2203.0");
        assert_eq!(v("5.0").to_string(), "5.0");
        assert!(Version::parse("4.x").is_err());
        assert!(Version::parse("4..1").is_err());
        assert!(Version::parse("").is_err());
        let c = Const::Version(v("5.00.9078.1000"));
        assert_eq!(c.to_string(), "v\"5.00.9078.1000\"");
        assert_eq!(Const::from_literal(&c.to_string()), c);
    }
}
