//! Syntax errors said where they are wrong: a bad string at its escape or where its closing
//! quote is missing, and the habits of Prolog and Datalog users (`\+`, `not p(X)`, `'quoted'`,
//! upper-case predicate names, `;`, decimals, unknown annotations) in this language's words.
//!
//! Each finder looks at the text around the position where the parser gave up and returns a
//! [`Found`]: a byte range, a message, and optionally a label and a help line.

/// A syntax problem located more precisely than the parser's failure position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    /// Byte range of the offending text.
    pub start: usize,
    /// End of the range (exclusive).
    pub end: usize,
    /// The message, after `syntax error: `.
    pub message: String,
    /// The text under the caret.
    pub label: &'static str,
    /// What to write instead.
    pub help: Option<String>,
}

fn found(start: usize, end: usize, message: impl Into<String>, label: &'static str) -> Found {
    Found {
        start,
        end: end.max(start + 1),
        message: message.into(),
        label,
        help: None,
    }
}

impl Found {
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The first malformed string (or version) literal that starts at or before byte `upto`: one
/// with an unknown escape (at the escape), or with no closing quote on its line (at the end of
/// the line). Comments are skipped.
pub(super) fn bad_string(text: &str, upto: usize) -> Option<Found> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && i <= upto {
        match bytes[i] {
            b'%' => i = text[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'"' => {
                let open = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => {
                            let end = text[open..].find('\n').map_or(text.len(), |n| open + n);
                            let (line_end, _) = trim_end_at(text, end);
                            return Some(
                                found(
                                    line_end,
                                    line_end,
                                    "unterminated string: no closing `\"` on its line",
                                    "closing `\"` missing here",
                                )
                                .help(format!(
                                    "the string opened at {} runs to the end of the line; a string \
                                     is one line (write a line break as `\\n`)",
                                    place(text, open)
                                )),
                            );
                        }
                        Some(b'"') => break,
                        Some(b'\\') => {
                            let c = text[i + 1..].chars().next();
                            match c {
                                Some('"' | '\\' | 'n' | 't' | 'r') => i += 2,
                                _ => {
                                    let shown = c
                                        .filter(|c| *c != '\n')
                                        .map_or(String::new(), |c| c.to_string());
                                    let len = 1 + shown.len();
                                    return Some(
                                        found(i, i + len, format!("unknown escape `\\{shown}` in a string"), "unknown escape")
                                            .help("a string knows the escapes `\\\"`, `\\\\`, `\\n`, `\\t` and `\\r`"),
                                    );
                                }
                            }
                        }
                        Some(_) => i += 1,
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// `line L, column C` of byte `at` (columns in characters).
pub(super) fn place(text: &str, at: usize) -> String {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    format!(
        "line {line}, column {}",
        before[start..].chars().count() + 1
    )
}

/// The position after the last non-blank character before `end`, and whether anything was
/// trimmed.
fn trim_end_at(text: &str, end: usize) -> (usize, bool) {
    let trimmed = text[..end].trim_end_matches([' ', '\t', '\r']);
    (trimmed.len(), trimmed.len() != end)
}

fn ident_at(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let n = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    &rest[..n]
}

/// The identifier that ends right before `at` (blanks between allowed), with its start.
fn ident_before(text: &str, at: usize) -> Option<(usize, &str)> {
    let head = text[..at].trim_end();
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map(|(i, _)| i)?;
    Some((start, &head[start..]))
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// A hint for the text at byte `at`, where the parser gave up, when it looks like a habit of
/// another logic language.
pub(super) fn habit(text: &str, at: usize) -> Option<Found> {
    let rest = &text[at..];
    if rest.starts_with("\\+") {
        let atom = atom_after(&text[at + 2..]);
        return Some(
            found(
                at,
                at + 2,
                "negation is written `!`, not `\\+`",
                "`\\+` here",
            )
            .help(format!("write `!{atom}` for \"no {atom} holds\"")),
        );
    }
    if rest.starts_with("\\=") || rest.starts_with("=<") || rest.starts_with("==") {
        let (op, instead) = match &rest[..2] {
            "\\=" => ("\\=", "!="),
            "=<" => ("=<", "<="),
            _ => ("==", "="),
        };
        return Some(
            found(
                at,
                at + 2,
                format!("`{op}` is not an operator here"),
                "this operator",
            )
            .help(format!("write `{instead}`")),
        );
    }
    if let Some(r) = not_keyword(text, at) {
        return Some(r);
    }
    if let Some(quoted) = rest.strip_prefix('\'') {
        let inner = quoted.split(['\'', '\n']).next().unwrap_or("");
        let end = at + 1 + inner.len() + usize::from(quoted[inner.len()..].starts_with('\''));
        return Some(
            found(
                at,
                end,
                "strings are written in double quotes",
                "single quotes",
            )
            .help(format!(
                "write `\"{inner}\"` for a string; a lowercase name such as `{}` needs no quotes",
                symbol_like(inner)
            )),
        );
    }
    if rest.starts_with(';') {
        return Some(
            found(at, at + 1, "there is no `;` (or) in a rule body", "`;` here")
                .help("write one rule for each alternative, with the same head: `p(X) :- q(X).` and `p(X) :- r(X).`"),
        );
    }
    if let Some(name) = rest.strip_prefix('@') {
        let name = ident_at(name, 0);
        if name != "cite" && name != "note" {
            return Some(
                found(at, at + 1 + name.len(), format!("unknown annotation `@{name}`"), "not an annotation")
                    .help("a clause may carry `@cite(source, \"section\", \"quote\", line)` and `@note(source, \"note\", \"text\", line)`"),
            );
        }
    }
    if let Some(r) = upper_case_predicate(text, at) {
        return Some(r);
    }
    decimal(text, at)
}

/// `not p(X)`: at `at` the word `not`, or right after it.
fn not_keyword(text: &str, at: usize) -> Option<Found> {
    let (start, word) = if ident_at(text, at) == "not" {
        (at, "not")
    } else {
        ident_before(text, at).filter(|(_, w)| *w == "not")?
    };
    let after = text[start + 3..].trim_start();
    let next = ident_at(after, 0);
    if next.is_empty() && !after.starts_with('(') {
        return None;
    }
    let example = atom_after(after);
    Some(
        found(
            start,
            start + word.len(),
            "negation is written `!`, not `not`",
            "`not` here",
        )
        .help(format!("write `!{example}` for \"no {example} holds\"")),
    )
}

/// The atom written at the start of `text` (`r(X)` of ` r(X), …`), or `q(X)` when there is
/// none to show.
fn atom_after(text: &str) -> String {
    let text = text.trim_start();
    let name = ident_at(text, 0);
    let rest = &text[name.len()..];
    match rest.find(')') {
        _ if name.is_empty() => "q(X)".to_string(),
        Some(close) if rest.starts_with('(') && !rest[..close].contains('\n') => {
            format!("{name}{}", &rest[..=close])
        }
        _ => name.to_string(),
    }
}

/// `P(a)`: an upper-case name before `(` (a variable cannot be a predicate).
fn upper_case_predicate(text: &str, at: usize) -> Option<Found> {
    let (start, name) = if text[at..].starts_with('(') {
        ident_before(text, at)?
    } else {
        let name = ident_at(text, at);
        if !text[at + name.len()..].trim_start().starts_with('(') {
            return None;
        }
        (at, name)
    };
    if !starts_upper(name) {
        return None;
    }
    Some(
        found(
            start,
            start + name.len(),
            format!("a predicate name starts with a lowercase letter, and `{name}` is a variable"),
            "upper-case name",
        )
        .help(format!(
            "write `{}(…)`; names starting with an upper-case letter are variables",
            symbol_like(name)
        )),
    )
}

/// `4.2`: a number with a fraction, found when the parser stopped at its `.` or inside it.
fn decimal(text: &str, at: usize) -> Option<Found> {
    let b = text.as_bytes();
    let dot = if b.get(at) == Some(&b'.') {
        at
    } else {
        return None;
    };
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if dot == 0 || !digit(dot - 1) || !digit(dot + 1) {
        return None;
    }
    let mut start = dot;
    while start > 0 && digit(start - 1) {
        start -= 1;
    }
    let mut end = dot + 1;
    while digit(end) {
        end += 1;
    }
    let number = &text[start..end];
    Some(
        found(start, end, format!("`{number}`: there are no decimal numbers"), "not an integer")
            .help(format!("integers are whole numbers; write `\"{number}\"` for a string or `v\"{number}\"` for a version")),
    )
}

/// `word` as a symbol: lower-case, anything else as `_`.
fn symbol_like(word: &str) -> String {
    let s: String = word
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s
    } else {
        format!("x{s}")
    }
}

/// The `(` before `at` that is still open (strings and comments skipped), if any.
pub(super) fn unclosed_paren(text: &str, at: usize) -> Option<usize> {
    let mut open = Vec::new();
    let mut chars = text[..at.min(text.len())].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '%' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"' | '\n') => break,
                        _ => {}
                    }
                }
            }
            '(' => open.push(i),
            ')' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(f: Option<Found>, text: &str) -> String {
        let f = f.expect("a hint");
        format!("{} @ {:?}", f.message, &text[f.start..f.end])
    }

    #[test]
    fn strings_are_blamed_where_they_are_wrong() {
        let t = "p(\"a\\u\").";
        assert_eq!(
            shown(bad_string(t, 2), t),
            "unknown escape `\\u` in a string @ \"\\\\u\""
        );
        let t = "p(\"abc).  \nq(a).";
        let f = bad_string(t, 2).unwrap();
        assert_eq!(f.start, 8, "right after the last character of the line");
        assert!(f.help.unwrap().contains("line 1, column 3"));
        assert_eq!(bad_string("% \"not a string\nq(\"ok\").", 20), None);
    }

    #[test]
    fn habits_of_other_languages_get_their_hint() {
        let cases = [
            (
                "p(X) :- \\+ q(X).",
                8,
                "negation is written `!`, not `\\+` @ \"\\\\+\"",
            ),
            (
                "p(X) :- q(X), not r(X).",
                18,
                "negation is written `!`, not `not` @ \"not\"",
            ),
            (
                "p('quoted').",
                2,
                "strings are written in double quotes @ \"'quoted'\"",
            ),
            (
                "p(X) :- q(X) ; r(X).",
                13,
                "there is no `;` (or) in a rule body @ \";\"",
            ),
            ("@foo(x) p(a).", 0, "unknown annotation `@foo` @ \"@foo\""),
            (
                "P(a).",
                0,
                "a predicate name starts with a lowercase letter, and `P` is a variable @ \"P\"",
            ),
            (
                "q(X) :- P(X).",
                9,
                "a predicate name starts with a lowercase letter, and `P` is a variable @ \"P\"",
            ),
            (
                "p(4.2).",
                3,
                "`4.2`: there are no decimal numbers @ \"4.2\"",
            ),
            (
                "p(X) :- q(X), X \\= 1.",
                16,
                "`\\=` is not an operator here @ \"\\\\=\"",
            ),
        ];
        for (text, at, want) in cases {
            assert_eq!(shown(habit(text, at), text), want, "{text}");
        }
        assert_eq!(habit("p(a.", 3), None);
    }

    #[test]
    fn the_open_parenthesis_is_found() {
        assert_eq!(unclosed_paren("p(a.", 3), Some(1));
        assert_eq!(unclosed_paren("p(\"(\", a).", 9), None);
    }
}
