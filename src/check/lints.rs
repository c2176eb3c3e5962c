//! Lints: problems that do not stop a knowledge base from loading.

use crate::ir::{self, Builtin, compile_regex};
use crate::source::{Code, Diagnostic};
use crate::syntax::{Clause, Expr, Literal, Term};
use std::collections::BTreeMap;

/// `_` inside a comparison has no value to compute or compare with.
pub(super) fn wildcards_in_expressions(body: &[Literal], errors: &mut Vec<Diagnostic>) {
    for l in body {
        if let Literal::Aggregate(g) = l {
            wildcards_in_expressions(&g.body, errors);
        }
        if let Literal::Cmp { lhs, rhs, span, .. } = l
            && (has_wildcard(lhs) || has_wildcard(rhs))
        {
            errors.push(
                Diagnostic::error(
                    Code::WildcardInExpression,
                    "`_` in a comparison has no value",
                    *span,
                )
                .with_label("`_` here")
                .with_help("use a variable bound by a positive atom of the body"),
            );
        }
    }
}

fn has_wildcard(e: &Expr) -> bool {
    match e {
        Expr::Term(t) => matches!(t, Term::Wildcard),
        Expr::Binary(l, _, r) => has_wildcard(l) || has_wildcard(r),
    }
}

pub(super) fn singleton_lint(c: &Clause, warnings: &mut Vec<Diagnostic>) {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &c.head.args {
        if let Term::Var(v) = t {
            *count.entry(v).or_default() += 1;
        }
    }
    // What an aggregate's body binds of its own is what it counts, not a mistake.
    let mut counted: Vec<&str> = Vec::new();
    for l in &c.body {
        l.each_var(&mut |v| *count.entry(v).or_default() += 1);
        if let Literal::Aggregate(g) = l {
            g.each_inner_var(&mut |v| counted.push(v));
        }
    }
    for (v, n) in count {
        if n == 1 && !v.starts_with('_') && !counted.contains(&v) {
            warnings.push(
                Diagnostic::warning(
                    Code::SingletonVariable,
                    format!("variable `{v}` occurs only once in this clause"),
                    c.span,
                )
                .with_help(format!("write `_` (or `_{v}`) if any value will do")),
            );
        }
    }
}

/// A constant pattern of `matches` must compile as written.
pub(super) fn constant_patterns(r: &ir::Rule, errors: &mut Vec<Diagnostic>) {
    constant_patterns_in(&r.body, errors);
}

/// [`constant_patterns`] over a body: a rule's, or a query's.
pub(super) fn constant_patterns_in(body: &[ir::Literal], errors: &mut Vec<Diagnostic>) {
    for l in body {
        if let ir::Literal::Builtin {
            builtin: Builtin::Matches,
            args,
            span,
            ..
        } = l
            && let Some(ir::Term::Const(c)) = args.get(1)
        {
            let text = c.plain_text();
            if let Err(e) = compile_regex(&text) {
                let why = e.to_string();
                let why = why
                    .lines()
                    .rfind(|l| !l.trim().is_empty())
                    .unwrap_or(&why)
                    .trim()
                    .to_string();
                errors.push(
                    Diagnostic::error(
                        Code::Regex,
                        format!("invalid regular expression: {why}"),
                        *span,
                    )
                    .with_label("this pattern"),
                );
            }
        }
    }
}
