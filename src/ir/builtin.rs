//! The built-in predicates: string tests and `length`. Each has a fixed arity and says which
//! arguments must be bound before it runs (its mode). The checker resolves them by name
//! once; later stages see [`Literal::Builtin`](super::Literal::Builtin).

/// A built-in predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `length(S, N)`: N is the number of characters (Unicode scalar values) of string or
    /// symbol S. S must be bound; N is bound by it or tested.
    Length,
    /// `matches(S, P)`: regular expression P (Rust `regex` syntax) matches the whole of S.
    Matches,
    /// `contains(S, T)`: T occurs in S.
    Contains,
    /// `prefix(S, P)`: S starts with P.
    Prefix,
    /// `suffix(S, P)`: S ends with P.
    Suffix,
}

impl Builtin {
    /// The built-in called `name`, if any.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "length" => Builtin::Length,
            "matches" => Builtin::Matches,
            "contains" => Builtin::Contains,
            "prefix" => Builtin::Prefix,
            "suffix" => Builtin::Suffix,
            _ => return None,
        })
    }

    /// Every built-in, for completion and documentation.
    pub const ALL: [Builtin; 5] = [
        Builtin::Length,
        Builtin::Matches,
        Builtin::Contains,
        Builtin::Prefix,
        Builtin::Suffix,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Length => "length",
            Builtin::Matches => "matches",
            Builtin::Contains => "contains",
            Builtin::Prefix => "prefix",
            Builtin::Suffix => "suffix",
        }
    }

    /// Number of arguments (all take two).
    pub fn arity(self) -> usize {
        2
    }

    /// Whether argument `i` must be bound before the built-in runs.
    pub fn needs_bound(self, i: usize) -> bool {
        !(self == Builtin::Length && i == 1)
    }

    /// One line of documentation.
    pub fn doc(self) -> &'static str {
        match self {
            Builtin::Length => "length(S, N): N is the number of characters of S",
            Builtin::Matches => "matches(S, P): regular expression P matches the whole of S",
            Builtin::Contains => "contains(S, T): T occurs in S",
            Builtin::Prefix => "prefix(S, P): S starts with P",
            Builtin::Suffix => "suffix(S, P): S ends with P",
        }
    }
}

/// Most bytes a compiled pattern may take: a pathological pattern is an error, not an
/// unbounded allocation.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compiles the pattern of `matches(S, P)`: the pattern as written must be a valid regular
/// expression (Rust `regex` syntax) on its own, and it then must match the whole string.
///
/// Errors: the pattern does not compile as written (`a)|(b` is rejected even though
/// `^(?:a)|(b)$` would compile), or it is too large.
pub fn compile_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()?;
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_validated_as_written() {
        // Guards: `a)|(b` was wrapped before it was validated, and matched "apple".
        assert!(compile_regex("a)|(b").is_err());
        let r = compile_regex("[a-z]+[0-9]+").unwrap();
        assert!(r.is_match("cmg01") && !r.is_match("cmg01x"));
    }
}
