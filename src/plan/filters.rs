//! Filters and assignments on a binding row: the comparisons, built-in tests, function
//! built-ins and `X = expr` of a rule body, compiled against the row's layout.

use super::rule::{CExpr, Layout, Transform, expr, internal, slot, term_expr};
use crate::ir::{Builtin, CmpOp, Const, Expr, Interner, Literal, Term, compile_regex};
use crate::source::{Code, Diagnostic};
use regex::Regex;

/// The transform of a filter literal; appends to `layout` the variable it binds, if any.
///
/// Errors: an internal disagreement with the checker (an unbound argument), a constant
/// pattern that does not compile.
pub(super) fn transform(
    lit: &Literal,
    layout: &mut Layout,
    interner: &mut Interner,
) -> Result<Transform, Diagnostic> {
    let span = lit.span();
    let value = |t: &Term, layout: &Layout, interner: &mut Interner| {
        term_expr(t, layout, interner).ok_or_else(|| internal("an unbound argument", span))
    };
    match lit {
        Literal::Builtin {
            builtin,
            args,
            negated,
            ..
        } => {
            if let Some(out) = builtin.output().filter(|_| !negated) {
                let unbound = match &args[out] {
                    Term::Var(v) if slot(layout, v).is_none() => Some(Some(v.clone())),
                    Term::Wildcard => Some(None), // an unnamed slot nothing reads
                    _ => None,
                };
                if let Some(v) = unbound {
                    let inputs = args[..out]
                        .iter()
                        .map(|t| value(t, layout, interner))
                        .collect::<Result<_, _>>()?;
                    layout.push(v);
                    return Ok(Transform::Compute {
                        builtin: *builtin,
                        inputs,
                    });
                }
            }
            let cargs: Vec<CExpr> = args
                .iter()
                .map(|t| value(t, layout, interner))
                .collect::<Result<_, _>>()?;
            let regex = match (builtin, &args[1]) {
                (Builtin::Matches, Term::Const(c)) => Some(constant_regex(c, span)?),
                _ => None,
            };
            Ok(Transform::Builtin {
                builtin: *builtin,
                args: cargs,
                negated: *negated,
                regex,
            })
        }
        Literal::Cmp { lhs, op, rhs, .. } => {
            let unbound = |e: &Expr| match e {
                Expr::Term(Term::Var(v)) if slot(layout, v).is_none() => Some(v.clone()),
                _ => None,
            };
            let compiled = |e: &Expr, layout: &Layout, interner: &mut Interner| {
                expr(e, layout, interner).ok_or_else(|| internal("an unbound expression", span))
            };
            Ok(match (*op, unbound(lhs), unbound(rhs)) {
                (CmpOp::Eq, Some(v), _) => {
                    let e = compiled(rhs, layout, interner)?;
                    layout.push(Some(v));
                    Transform::Assign(e)
                }
                (CmpOp::Eq, None, Some(v)) => {
                    let e = compiled(lhs, layout, interner)?;
                    layout.push(Some(v));
                    Transform::Assign(e)
                }
                _ => Transform::Cmp(
                    compiled(lhs, layout, interner)?,
                    *op,
                    compiled(rhs, layout, interner)?,
                ),
            })
        }
        Literal::Pos(_) | Literal::Neg(_) | Literal::Aggregate(_) => {
            Err(internal("an atom among filters", span))
        }
    }
}

/// Most patterns [`constant_regex`] keeps compiled on a thread (then it starts afresh).
const KEPT_PATTERNS: usize = 64;

thread_local! {
    /// The patterns compiled on this thread lately, with their compiled form: the rules a
    /// question plans (a pattern's rule in each of its demand-driven forms, every question
    /// of a REPL) compile each pattern once.
    static COMPILED: std::cell::RefCell<Vec<(String, Regex)>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

/// A constant pattern of `matches`, compiled once (a pattern seen lately on this thread is
/// not compiled again: a compiled pattern is a pure function of its text).
///
/// Errors: [`Code::Regex`] at the literal.
pub fn constant_regex(c: &Const, span: crate::source::Span) -> Result<Regex, Diagnostic> {
    let text = c.plain_text();
    let kept = COMPILED.with_borrow(|kept| {
        (kept.iter())
            .find(|(p, _)| *p == text)
            .map(|(_, r)| r.clone())
    });
    if let Some(r) = kept {
        return Ok(r);
    }
    let compiled = compile_regex(&text);
    if let Ok(r) = &compiled {
        COMPILED.with_borrow_mut(|kept| {
            if kept.len() >= KEPT_PATTERNS {
                kept.clear();
            }
            kept.push((text.clone(), r.clone()));
        });
    }
    compiled.map_err(|e| {
        Diagnostic::error(
            Code::Regex,
            format!("invalid regular expression: {}", first_line(&e.to_string())),
            span,
        )
    })
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_pattern_matches_as_a_fresh_one() {
        let span = crate::source::Span::new(0, 0, 1);
        let pattern = |p: &str| Const::Str(p.into());
        for round in 0..3 {
            // More patterns than are kept: the cache starts afresh on the way.
            for i in 0..KEPT_PATTERNS + 5 {
                let r = constant_regex(&pattern(&format!("x{i}[a-c]+")), span).unwrap();
                assert!(r.is_match(&format!("x{i}abc")), "round {round}, {i}");
                assert!(!r.is_match(&format!("x{i}abcd")), "round {round}, {i}");
            }
            let e = constant_regex(&pattern("a)|(b"), span).unwrap_err();
            assert!(e.message.starts_with("invalid regular expression"), "{e:?}");
        }
    }
}
