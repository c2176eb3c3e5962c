//! The parse tree of an `unencoded` declaration into [`UnencodedDecl`].

use super::{Rule, integer_value, span_of, string_value};
use crate::source::{Code, Diagnostic};
use crate::syntax::{MarkPlace, UnencodedDecl};
use pest::iterators::Pair;

pub(super) fn unencoded_decl(p: Pair<Rule>, file: usize) -> Result<UnencodedDecl, Diagnostic> {
    let span = span_of(&p, file);
    let whole = p.clone();
    let mut source = String::new();
    let mut place = MarkPlace::Whole;
    let mut reason = String::new();
    let (mut source_span, mut place_span, mut reason_span) = (span, None, span);
    for part in p.into_inner() {
        match part.as_rule() {
            Rule::symbol => {
                source_span = span_of(&part, file);
                source = part.as_str().to_string();
            }
            Rule::string => {
                reason_span = span_of(&part, file);
                reason = string_value(part);
            }
            Rule::mark_line | Rule::mark_lines => place_span = Some(span_of(&part, file)),
            _ => {}
        }
    }
    for part in whole.into_inner() {
        match part.as_rule() {
            Rule::mark_line => {
                let mut inner = part.into_inner().filter(|x| x.as_rule() != Rule::kw_line);
                let line = match inner.next() {
                    Some(l) => integer_value(&l, file)?,
                    None => 0,
                };
                let quote = inner.next().map(string_value);
                place = MarkPlace::Line { line, quote };
            }
            Rule::mark_lines => {
                let numbers: Vec<i64> = part
                    .into_inner()
                    .flat_map(Pair::into_inner)
                    .map(|n| line_number(&n, file))
                    .collect::<Result<_, _>>()?;
                if let [from, to] = numbers[..] {
                    place = MarkPlace::Lines { from, to };
                }
            }
            _ => {}
        }
    }
    Ok(UnencodedDecl {
        source,
        place,
        reason,
        span,
        source_span,
        place_span: place_span.unwrap_or(source_span),
        reason_span,
    })
}

fn line_number(p: &Pair<Rule>, file: usize) -> Result<i64, Diagnostic> {
    p.as_str().parse::<i64>().map_err(|_| {
        Diagnostic::error(
            Code::IntegerOverflow,
            format!("line {} does not fit in 64 bits", p.as_str()),
            span_of(p, file),
        )
        .with_label("out of range")
    })
}

#[cfg(test)]
mod tests {
    use crate::syntax::{MarkPlace, parse_kb};

    #[test]
    fn unencoded_marks() {
        let p = parse_kb(
            "unencoded cmg line 83 \"For more information:\" because \"a pointer\".\n\
             unencoded cmg lines 92-94 because \"navigation\".\n\
             unencoded cmg_page because \"a copy\".\n\
             unencoded(x).",
            0,
        )
        .unwrap();
        let places: Vec<&MarkPlace> = p.unencoded.iter().map(|m| &m.place).collect();
        assert_eq!(
            places,
            vec![
                &MarkPlace::Line {
                    line: 83,
                    quote: Some("For more information:".into())
                },
                &MarkPlace::Lines { from: 92, to: 94 },
                &MarkPlace::Whole,
            ]
        );
        assert_eq!(p.unencoded[1].reason, "navigation");
        assert_eq!(
            p.unencoded[0].to_string(),
            "unencoded cmg line 83 \"For more information:\" because \"a pointer\"."
        );
        // Still a predicate name where a clause is written.
        assert_eq!(p.clauses[0].head.pred, "unencoded");
        assert!(
            parse_kb("unencoded cmg line 3.", 0).is_err(),
            "a reason is needed"
        );
        assert!(parse_kb("unencoded cmg lines 3 because \"x\".", 0).is_err());
    }
}
