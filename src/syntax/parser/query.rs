//! Queries, query files and their expectations: parse tree to AST.

use super::*;

pub(super) fn query(p: Pair<Rule>, file: usize) -> Result<Query, Diagnostic> {
    let span = span_of(&p, file);
    match p.as_rule() {
        Rule::conj_query => Ok(Query::Conjunctive {
            body: body(p.into_inner().next().expect("body"), file)?,
            span,
        }),
        Rule::why_handle => {
            let n = p
                .into_inner()
                .find(|x| x.as_rule() == Rule::integer)
                .expect("number");
            let number = integer_value(&n, file)?;
            // Handles are numbered from 1: `#0` or `#-1` names none, said as such here
            // rather than as some other handle's number.
            match usize::try_from(number).ok().filter(|&k| k > 0) {
                Some(number) => Ok(Query::Handle { number, span }),
                None => Err(Diagnostic::error(
                    Code::NoHandle,
                    format!("#{number} is not a handle: handles are numbered #1, #2, …"),
                    span_of(&n, file),
                )
                .with_help(
                    "`why #K` expands the proof node shown as #K in an explanation cut by --depth",
                )),
            }
        }
        Rule::why | Rule::why_not => {
            let is_not = p.as_rule() == Rule::why_not;
            let a = p
                .into_inner()
                .find(|x| x.as_rule() == Rule::atom)
                .expect("atom");
            let a = atom(a, file)?;
            Ok(if is_not {
                Query::WhyNot(a)
            } else {
                Query::Why(a)
            })
        }
        Rule::question => {
            let mut inner = p.into_inner();
            let pred = inner.next().expect("predicate").as_str().to_string();
            let args = inner.map(|t| term(t, file)).collect::<Result<_, _>>()?;
            Ok(Query::Question { pred, args, span })
        }
        other => unreachable!("not a query: {other:?}"),
    }
}

fn row_literal(p: Pair<Rule>, file: usize) -> Result<Vec<Const>, Diagnostic> {
    p.into_inner().map(|c| constant(c, file)).collect()
}

pub(super) fn expectation(p: Pair<Rule>, file: usize) -> Result<Expectation, Diagnostic> {
    let inner = p
        .into_inner()
        .find(|x| x.as_rule() != Rule::kw_expect)
        .expect("expectation body");
    let rule = inner.as_rule();
    let mut parts = inner.into_inner().filter(|x| {
        !matches!(
            x.as_rule(),
            Rule::kw_rows | Rule::kw_row | Rule::kw_uses | Rule::kw_cites | Rule::kw_verdict
        )
    });
    match rule {
        Rule::expect_count => {
            let count = parts.next().expect("count");
            let n = integer_value(&count, file)?;
            if n < 0 {
                return Err(Diagnostic::error(
                    Code::Expectation,
                    format!("`expect rows {n}`: a number of rows cannot be negative"),
                    span_of(&count, file),
                )
                .with_label("negative")
                .with_help("write `expect rows 0.` for an answer with no rows"));
            }
            Ok(Expectation::Rows(n))
        }
        Rule::expect_rows => Ok(Expectation::ExactRows(
            parts
                .map(|r| row_literal(r, file))
                .collect::<Result<_, _>>()?,
        )),
        Rule::expect_row => Ok(Expectation::Row(row_literal(
            parts.next().expect("row"),
            file,
        )?)),
        Rule::expect_uses => {
            let target = parts.next().expect("target");
            Ok(Expectation::Uses(match target.as_rule() {
                Rule::string => string_value(target),
                _ => target.as_str().to_string(),
            }))
        }
        Rule::expect_cites => {
            let source = parts.next().expect("source").as_str().to_string();
            let line = parts.next().map(|l| integer_value(&l, file)).transpose()?;
            Ok(Expectation::Cites { source, line })
        }
        _ => Ok(Expectation::Verdict(constant(
            parts.next().expect("value"),
            file,
        )?)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_query;

    #[test]
    fn a_handle_below_one_is_rejected_at_its_number() {
        for (text, col) in [("why #-1", 6), ("why #0", 6)] {
            let d = parse_query(text, 0).expect_err(text);
            assert!(
                d.message.contains("is not a handle"),
                "{text}: {}",
                d.message
            );
            assert_eq!(d.span.map(|s| s.start), Some(col - 1), "{text}");
        }
        assert!(parse_query("why #2", 0).is_ok());
    }
}
