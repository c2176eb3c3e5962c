//! Rule bodies: terms, atoms, arithmetic, comparisons, negations and aggregates.

use super::{Rule, integer_value, span_of, string_value};
use crate::source::{Code, Diagnostic};
use crate::syntax::*;
use pest::iterators::Pair;

pub(super) fn term(p: Pair<Rule>, file: usize) -> Result<Term, Diagnostic> {
    Ok(match p.as_rule() {
        Rule::variable => Term::Var(p.as_str().to_string()),
        Rule::wildcard => Term::Wildcard,
        Rule::symbol => Term::Const(Const::Sym(p.as_str().to_string())),
        Rule::string => Term::Const(Const::Str(string_value(p))),
        Rule::integer => Term::Const(Const::Int(integer_value(&p, file)?)),
        Rule::version => {
            let span = span_of(&p, file);
            let body = p.into_inner().next().map(|b| b.as_str()).unwrap_or("");
            Term::Const(Const::Version(Version::parse(body).map_err(|why| {
                Diagnostic::error(Code::IntegerOverflow, why, span).with_label("out of range")
            })?))
        }
        other => unreachable!("not a term: {other:?}"),
    })
}

pub(super) fn constant(p: Pair<Rule>, file: usize) -> Result<Const, Diagnostic> {
    match term(p, file)? {
        Term::Const(c) => Ok(c),
        _ => unreachable!("grammar allows only constants here"),
    }
}

pub(super) fn atom(p: Pair<Rule>, file: usize) -> Result<Atom, Diagnostic> {
    let span = span_of(&p, file);
    let mut inner = p.into_inner();
    let pred = inner.next().expect("atom has a name").as_str().to_string();
    let mut args = Vec::new();
    let mut arg_spans = Vec::new();
    for t in inner {
        arg_spans.push(span_of(&t, file));
        args.push(term(t, file)?);
    }
    Ok(Atom {
        pred,
        args,
        span,
        arg_spans,
    })
}

pub(super) fn expr(p: Pair<Rule>, file: usize) -> Result<Expr, Diagnostic> {
    match p.as_rule() {
        Rule::expr | Rule::product => {
            let span = span_of(&p, file);
            let mut inner = p.into_inner();
            let mut acc = expr(inner.next().expect("operand"), file)?;
            let mut operators = 0;
            while let Some(op) = inner.next() {
                operators += 1;
                if operators > MAX_NESTING {
                    return Err(Diagnostic::error(
                        Code::Nesting,
                        format!("expression with more than {MAX_NESTING} operators"),
                        span,
                    )
                    .with_label("too long")
                    .with_help("split it with intermediate variables: `A = …, B = A + …`"));
                }
                let op = match op.as_str() {
                    "+" => ArithOp::Add,
                    "-" => ArithOp::Sub,
                    "*" => ArithOp::Mul,
                    "/" => ArithOp::Div,
                    _ => ArithOp::Rem,
                };
                let rhs = expr(inner.next().expect("operand"), file)?;
                acc = Expr::Binary(Box::new(acc), op, Box::new(rhs));
            }
            Ok(acc)
        }
        _ => Ok(Expr::Term(term(p, file)?)),
    }
}

pub(super) fn literal(p: Pair<Rule>, file: usize) -> Result<Literal, Diagnostic> {
    let span = span_of(&p, file);
    match p.as_rule() {
        Rule::atom => Ok(Literal::Pos(atom(p, file)?)),
        Rule::negation => {
            let mut a = atom(p.into_inner().next().expect("negated atom"), file)?;
            a.span = span;
            Ok(Literal::Neg(a))
        }
        Rule::comparison => {
            let mut inner = p.into_inner();
            let lhs = expr(inner.next().expect("lhs"), file)?;
            let op = match inner.next().expect("op").as_str() {
                "=" => CmpOp::Eq,
                "!=" => CmpOp::Ne,
                "<" => CmpOp::Lt,
                "<=" => CmpOp::Le,
                ">" => CmpOp::Gt,
                _ => CmpOp::Ge,
            };
            let rhs = expr(inner.next().expect("rhs"), file)?;
            Ok(Literal::Cmp { lhs, op, rhs, span })
        }
        Rule::aggregate => aggregate(p, file),
        other => unreachable!("not a literal: {other:?}"),
    }
}

fn aggregate(p: Pair<Rule>, file: usize) -> Result<Literal, Diagnostic> {
    let span = span_of(&p, file);
    let mut inner = p.into_inner();
    let result_pair = inner.next().expect("result");
    let result = result_pair.as_str().to_string();
    if result_pair.as_rule() != Rule::variable {
        return Err(Diagnostic::error(
            Code::Syntax,
            format!("an aggregate's result is a variable: write `N = … : {{ … }}, N = {result}`"),
            span_of(&result_pair, file),
        ));
    }
    let op_pair = inner.next().expect("function");
    let op = AggOp::parse(op_pair.as_str()).expect("grammar names the functions");
    let mut value = None;
    let mut body_pair = inner.next().expect("body");
    if body_pair.as_rule() == Rule::variable {
        value = Some((body_pair.as_str().to_string(), span_of(&body_pair, file)));
        body_pair = inner.next().expect("body");
    }
    let at = span_of(&op_pair, file);
    match (&value, op.takes_value()) {
        (None, true) => {
            return Err(Diagnostic::error(
                Code::Syntax,
                format!(
                    "`{0}` needs the variable whose values it takes: `{result} = {0} V : {{ …, p(…, V) }}`",
                    op.as_str()
                ),
                at,
            ));
        }
        (Some((v, vspan)), false) => {
            return Err(Diagnostic::error(
                Code::Syntax,
                format!(
                    "`count` counts bindings and takes no variable: write `{result} = count : {{ … }}` (the body's own variables, `{v}` among them, are what is counted)"
                ),
                *vspan,
            ));
        }
        _ => {}
    }
    Ok(Literal::Aggregate(Box::new(Aggregate {
        result,
        op,
        value: value.map(|(v, _)| v),
        body: body(body_pair, file)?,
        span,
    })))
}

pub(super) fn body(p: Pair<Rule>, file: usize) -> Result<Vec<Literal>, Diagnostic> {
    p.into_inner()
        .filter(|l| l.as_rule() != Rule::comma)
        .map(|l| literal(l, file))
        .collect()
}
