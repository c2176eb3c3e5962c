//! Syntax errors in words a user knows (never a grammar rule's name), and the nesting guard
//! that keeps pest's recursive descent off deep input.

use super::Rule;
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
        Rule::kb => "clauses",
        Rule::query_file => "queries",
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
    let message = match &e.variant {
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
    let label = if start == end { "here" } else { "unexpected" };
    let d = Diagnostic::error(
        Code::Syntax,
        format!("syntax error: {message}"),
        Span::new(file, start, end.max(start + 1)),
    )
    .with_label(label);
    if start >= text.trim_end().len() {
        d.with_help("every clause, query and expectation ends with `.`")
    } else {
        d
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod probe {
    use super::super::{KbParser, Rule};
    use pest::Parser as _;
    #[test]
    fn probe_attempts() {
        pest::set_error_detail(true);
        for t in [
            "p(4.2).",
            "p(a.",
            "P(a).",
            "@foo(x) p(a).",
            "p(X) :- \\+ q(X).",
            "p(X) :- q(X), not r(X).",
            "p('q').",
            "p(X) :- q(X) ; r(X).",
            "p(\"a\\u\").",
        ] {
            let e = KbParser::parse(Rule::kb, t).unwrap_err();
            let a = e.parse_attempts().unwrap();
            eprintln!(
                "{t}: loc {:?} max {} exp {:?} unexp {:?} stacks {:?}",
                e.location,
                a.max_position,
                a.expected_tokens(),
                a.unexpected_tokens(),
                a.call_stacks()
            );
        }
    }
}
