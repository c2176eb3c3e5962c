//! Syntax errors in words a user knows (never a grammar rule's name), and the nesting guard
//! that keeps pest's recursive descent off deep input.

use super::{Rule, hints};
use crate::source::{Code, Diagnostic, Span};

/// Deepest nesting of parentheses accepted; deeper input is rejected before pest's recursive
/// descent could exhaust the stack.
pub const MAX_NESTING: usize = 200;

pub(super) fn check_nesting(text: &str, file: usize) -> Result<(), Diagnostic> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '%' => in_comment = true,
            '"' => in_string = true,
            '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Diagnostic::error(
                        Code::Nesting,
                        format!("parentheses nested deeper than {MAX_NESTING} levels"),
                        Span::new(file, i, i + 1),
                    )
                    .with_label("too deep"));
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn rule_name(r: &Rule) -> String {
    match r {
        Rule::symbol => "a name (lowercase identifier)",
        Rule::variable => "a variable",
        Rule::wildcard => "`_`",
        Rule::integer => "an integer",
        Rule::string => "a string",
        Rule::version | Rule::version_body => "a version (v\"1.2.3\")",
        Rule::atom => "an atom",
        Rule::clause => "a clause",
        Rule::body => "a rule body",
        Rule::literal | Rule::negation => "a literal",
        Rule::comparison => "a comparison",
        Rule::aggregate => "an aggregate (`N = count : { … }`)",
        Rule::agg_op => "`count`, `sum`, `min` or `max`",
        Rule::agg_body => "the aggregate's body",
        Rule::cmp_op => "a comparison operator",
        Rule::expr | Rule::product => "an expression",
        Rule::add_op | Rule::mul_op => "an operator",
        Rule::cite => "`@cite(…)`",
        Rule::note => "`@note(…)`",
        Rule::source_decl | Rule::kw_source => "`source`",
        Rule::pred_decl | Rule::kw_decl => "`decl`",
        Rule::EOI => "end of input",
        Rule::query
        | Rule::query_line
        | Rule::conj_query
        | Rule::question
        | Rule::why
        | Rule::why_not => "a query (`p? args`, `?- body`, `why atom` or `why not atom`)",
        Rule::kb => "a clause or a declaration (`decl`, `source`, `input`, `output`, `include`, `unencoded`)",
        Rule::query_file => "a query or an expectation",
        Rule::expectation | Rule::kw_expect => "`expect`",
        Rule::expect_rows | Rule::expect_count | Rule::kw_rows => "`rows`",
        Rule::expect_uses | Rule::kw_uses => "`uses`",
        Rule::expect_cites | Rule::kw_cites => "`cites`",
        Rule::row_literal => "a row `(…)`",
        Rule::kb_use | Rule::kw_kb => "`kb \"PATH\".`",
        Rule::expect_row | Rule::kw_row => "`row`",
        Rule::expect_verdict => "a verdict",
        Rule::kw_why => "`why`",
        Rule::dot => "`.`",
        Rule::comma => "`,`",
        Rule::kw_verdict => "`verdict`",
        Rule::string_body | Rule::escape => "string text",
        Rule::kw_not => "`not`",
        Rule::kw_url => "`url`",
        Rule::source_text | Rule::kw_text => "`text \"FILE\"`",
        Rule::kw_sha256 => "`sha256`",
        Rule::key_decl | Rule::kw_key => "`key(…)`",
        Rule::input_decl => "`input`",
        Rule::include_decl | Rule::kw_include => "`include \"FILE\".`",
        Rule::output_decl => "`output`",
        // Keywords as written; any other rule by its name in words, never as an identifier.
        other => {
            let name = format!("{other:?}");
            return match name.strip_prefix("kw_") {
                Some(k) => format!("`{k}`"),
                None => name.replace('_', " "),
            };
        }
    }
    .to_string()
}

pub(super) fn syntax_error(e: pest::error::Error<Rule>, file: usize, text: &str) -> Diagnostic {
    let (start, end) = match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    // The parser's own position is that of the last named rule it tried; the attempts it
    // recorded reach the token that actually failed (the `.` of `p(a.`, not the `a`).
    let attempts = e.parse_attempts();
    let furthest = attempts
        .as_ref()
        .map_or(start, |a| a.max_position.max(start));
    let tokens: Vec<String> = attempts.as_ref().map_or(Vec::new(), |a| {
        a.expected_tokens().iter().map(|t| t.to_string()).collect()
    });
    let mut expected = expected_tokens(&tokens);
    // After a name, `_` only says the name could go on; it is not what is missing.
    if expected.len() > 1
        && text[..furthest.min(text.len())].ends_with(|c: char| c.is_alphanumeric() || c == '_')
    {
        expected.retain(|t| t != "`_`");
    }
    let at = skip_blanks(text, furthest);
    if let Some(f) = hints::bad_string(text, at).or_else(|| hints::habit(text, at)) {
        return Diagnostic::error(
            Code::Syntax,
            format!("syntax error: {}", f.message),
            Span::new(file, f.start, f.end),
        )
        .with_label(f.label)
        .with_help_opt(f.help);
    }
    let mut message = match &e.variant {
        _ if furthest > start && !expected.is_empty() => {
            format!("expected {}", join_or(&expected))
        }
        pest::error::ErrorVariant::ParsingError {
            positives,
            negatives,
        } => {
            let mut names: Vec<String> = positives.iter().map(rule_name).collect();
            names.dedup();
            let mut msg = if names.is_empty() {
                "unexpected input".to_string()
            } else {
                format!("expected {}", join_or(&names))
            };
            if !negatives.is_empty() {
                let neg: Vec<String> = negatives.iter().map(rule_name).collect();
                msg.push_str(&format!(", found {}", join_or(&neg)));
            }
            msg
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    if !message.contains(", found") {
        message.push_str(&format!(", found {}", describe(text, at)));
    }
    let (at, end) = if furthest > start {
        (at, at)
    } else {
        (start, end)
    };
    let label = if at == end { "here" } else { "unexpected" };
    let d = Diagnostic::error(
        Code::Syntax,
        format!("syntax error: {message}"),
        Span::new(file, at, end.max(at + 1)),
    )
    .with_label(label);
    if expected.iter().any(|t| t == "`)`")
        && furthest > start
        && let Some(open) = hints::unclosed_paren(text, at)
    {
        return d.with_help(format!(
            "the `(` at {} is not closed",
            hints::place(text, open)
        ));
    }
    // At the end of the text, a missing `.` is the likely slip, when a `.` could come there.
    if at >= text.trim_end().len() && message.contains("`.`") {
        d.with_help("every clause, query and expectation ends with `.`")
    } else {
        d
    }
}

/// The tokens the parser expected at its furthest position (as pest displays them), in
/// words: `` `,` ``, `` `)` ``, `a digit`; blanks and comment starts, which fit anywhere, left
/// out. (A range shows as `0..9`, pest's built-in rules as `BUILTIN_RULE`.)
fn expected_tokens(tokens: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for token in tokens {
        let name = match token.as_str() {
            "0..9" => "a digit".to_string(),
            "BUILTIN_RULE" | "%" | "\u{feff}" => continue,
            t if t.trim().is_empty() => continue,
            t => format!("`{t}`"),
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn skip_blanks(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    at + (text[at..].len() - text[at..].trim_start().len())
}

/// The token at byte `at` in words: `` `.` ``, `` `foo` ``, `end of input`.
fn describe(text: &str, at: usize) -> String {
    let rest = &text[at.min(text.len())..];
    let Some(c) = rest.chars().next() else {
        return "end of input".to_string();
    };
    let word: String = if c.is_alphanumeric() || c == '_' {
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .take(40)
            .collect()
    } else {
        c.to_string()
    };
    format!("`{word}`")
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
