//! The built-in predicates: string tests, and functions that give a value (`length`,
//! `concat`, `substr`, `to_string`, `to_int`, `lower`, `upper`, `split`). Each has a fixed arity and
//! says which argument, if any, it binds (its output; the others must be bound before it
//! runs). The checker resolves them by name once; later stages see
//! [`Literal::Builtin`](super::Literal::Builtin).
//!
//! Semantics (DESIGN §4): strings count characters (Unicode scalar values), never bytes;
//! positions are 0-based and a position or length out of range makes the literal fail; a
//! function whose input is of the wrong kind fails. A function whose output is given is a
//! test: it holds when the computed value equals it.

/// A built-in predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Builtin {
    /// `length(S, N)`: N is the number of characters of string or symbol S.
    Length,
    /// `matches(S, P)`: regular expression P (Rust `regex` syntax) matches the whole of S.
    Matches,
    /// `contains(S, T)`: T occurs in S.
    Contains,
    /// `prefix(S, P)`: S starts with P.
    Prefix,
    /// `suffix(S, P)`: S ends with P.
    Suffix,
    /// `concat(A, B, C)`: C is the string of A's text followed by B's (strings, symbols,
    /// integers and versions by their text).
    Concat,
    /// `substr(S, START, LEN, T)`: T is the LEN characters of S from character START
    /// (0-based); out of range fails.
    Substr,
    /// `to_string(X, S)`: S is X's text as a string (`to_string(42, "42")`).
    ToString,
    /// `to_int(S, N)`: N is the integer string or symbol S writes (`to_int("42", 42)`);
    /// fails on anything that is not an integer.
    ToInt,
    /// `lower(S, L)`: L is S (a string or symbol) in lower case, as a string.
    Lower,
    /// `upper(S, U)`: U is S (a string or symbol) in upper case, as a string.
    Upper,
    /// `split(S, SEP, N, PART)`: PART is the N-th piece (0-based) of string or symbol S cut
    /// at every occurrence of the non-empty string SEP, as a string (S itself is piece 0
    /// when SEP does not occur); fails when S has no piece N.
    Split,
}

impl Builtin {
    /// The built-in called `name`, if any.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.iter().copied().find(|b| b.name() == name)
    }

    /// Every built-in, for completion and documentation.
    pub const ALL: [Builtin; 12] = [
        Builtin::Length,
        Builtin::Matches,
        Builtin::Contains,
        Builtin::Prefix,
        Builtin::Suffix,
        Builtin::Concat,
        Builtin::Substr,
        Builtin::ToString,
        Builtin::ToInt,
        Builtin::Lower,
        Builtin::Upper,
        Builtin::Split,
    ];

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Length => "length",
            Builtin::Matches => "matches",
            Builtin::Contains => "contains",
            Builtin::Prefix => "prefix",
            Builtin::Suffix => "suffix",
            Builtin::Concat => "concat",
            Builtin::Substr => "substr",
            Builtin::ToString => "to_string",
            Builtin::ToInt => "to_int",
            Builtin::Lower => "lower",
            Builtin::Upper => "upper",
            Builtin::Split => "split",
        }
    }

    /// Number of arguments.
    pub fn arity(self) -> usize {
        match self {
            Builtin::Concat => 3,
            Builtin::Substr | Builtin::Split => 4,
            _ => 2,
        }
    }

    /// The argument a function binds (its last one); `None` for tests.
    pub fn output(self) -> Option<usize> {
        match self {
            Builtin::Matches | Builtin::Contains | Builtin::Prefix | Builtin::Suffix => None,
            b => Some(b.arity() - 1),
        }
    }

    /// Whether argument `i` must be bound before the built-in runs.
    pub fn needs_bound(self, i: usize) -> bool {
        self.output() != Some(i)
    }

    /// One line of documentation.
    pub fn doc(self) -> &'static str {
        match self {
            Builtin::Length => "length(S, N): N is the number of characters of S",
            Builtin::Matches => "matches(S, P): regular expression P matches the whole of S",
            Builtin::Contains => "contains(S, T): T occurs in S",
            Builtin::Prefix => "prefix(S, P): S starts with P",
            Builtin::Suffix => "suffix(S, P): S ends with P",
            Builtin::Concat => "concat(A, B, C): C is A's text followed by B's",
            Builtin::Substr => {
                "substr(S, START, LEN, T): T is LEN characters of S from START (0-based)"
            }
            Builtin::ToString => "to_string(X, S): S is X's text",
            Builtin::ToInt => "to_int(S, N): N is the integer S writes",
            Builtin::Lower => "lower(S, L): L is S in lower case",
            Builtin::Upper => "upper(S, U): U is S in upper case",
            Builtin::Split => {
                "split(S, SEP, N, PART): PART is the N-th piece (0-based) of S cut at SEP"
            }
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
///
/// The pattern as written is only parsed (with the `regex` crate's own parser and its
/// default settings, those of [`regex::RegexBuilder`]); only the anchored pattern is
/// compiled, which holds the written one, so it is at least as large. A pattern that does
/// not parse is compiled as written after all, for the error the `regex` crate words.
pub fn compile_regex(pattern: &str) -> Result<regex::Regex, regex::Error> {
    let build = |p: &str| {
        regex::RegexBuilder::new(p)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
    };
    if regex_syntax::Parser::new().parse(pattern).is_err() {
        build(pattern)?;
    }
    build(&format!("^(?:{pattern})$"))
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

    #[test]
    fn errors_are_those_of_the_pattern_as_written() {
        let written = |p: &str| {
            regex::RegexBuilder::new(p)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        for p in [
            "a)|(b",
            "[a-",
            "(?-u:\\xFF)",
            "(?x)a # comment",
            "\\p{NoSuchClass}",
            "a{2000}{2000}",
            &"(".repeat(300),
            "[A-Za-z0-9-]*",
        ] {
            let got = compile_regex(p).map(|_| ()).map_err(|e| e.to_string());
            match written(p) {
                Err(e) => assert_eq!(got, Err(e), "{p}"),
                Ok(()) => assert_eq!(got.is_ok(), written(&format!("^(?:{p})$")).is_ok(), "{p}"),
            }
        }
        assert!(compile_regex("a{2000}{2000}").is_err(), "too large");
    }
}
