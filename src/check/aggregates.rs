//! Aggregates as written: what each must say to mean something (DESIGN §4; the semantics
//! are in [`crate::syntax::aggregate`]).
//!
//! - the result variable receives the value, so it may not also stand in the body;
//! - `sum V`, `min V`, `max V` take `V` from the body: it must occur there, and not outside
//!   the aggregate (a variable used outside is part of the group, one value per group);
//! - a `count` whose body has no variable of its own counts one binding or none: a warning;
//! - the body runs on its own, before the rule: it must bind its own variables (checked on
//!   auxiliary rule, [`needs_no_inputs`]).

use crate::ir::{self, Adornments, Pred};
use crate::source::{Code, Diagnostic};
use crate::syntax::{AggOp, Clause, Literal, Term};

/// Checks the aggregates of `body` (of a clause with `head`, or of a query).
pub(super) fn check_aggregates(
    head: Option<&crate::syntax::Atom>,
    body: &[Literal],
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    for (i, g) in body.iter().enumerate().filter_map(|(i, l)| match l {
        Literal::Aggregate(g) => Some((i, &**g)),
        _ => None,
    }) {
        let mut inner: Vec<&str> = Vec::new();
        for l in &g.body {
            l.each_var(&mut |v| inner.push(v));
        }
        let result_inside = inner.contains(&g.result.as_str());
        if result_inside {
            errors.push(
                Diagnostic::error(
                    Code::Aggregate,
                    format!(
                        "`{}` receives the {}, so it cannot also stand in the aggregate's body",
                        g.result,
                        g.op.as_str()
                    ),
                    g.span,
                )
                .with_help("name the result with a variable of its own"),
            );
        }
        let mut outside: Vec<&str> = Vec::new();
        if let Some(h) = head {
            outside.extend(h.args.iter().filter_map(|t| match t {
                Term::Var(v) => Some(v.as_str()),
                _ => None,
            }));
        }
        for (j, l) in body.iter().enumerate() {
            if j != i {
                l.each_var(&mut |v| outside.push(v));
            }
        }
        if let Some(v) = &g.value {
            if !inner.contains(&v.as_str()) {
                errors.push(
                    Diagnostic::error(
                        Code::Aggregate,
                        format!("`{v}` does not occur in the aggregate's body, so `{}` has no values to take", g.op.as_str()),
                        g.span,
                    )
                    .with_help(format!("bind `{v}` with an atom of the body: `{} = {} {v} : {{ cost(X, {v}) }}`", g.result, g.op.as_str())),
                );
            } else if outside.contains(&v.as_str()) {
                errors.push(
                    Diagnostic::error(
                        Code::Aggregate,
                        format!("`{v}` is also used outside the aggregate, so it is part of the group (one value per group), not a value to {}", verb(g.op)),
                        g.span,
                    )
                    .with_help(format!("use a variable of the body's own for the values, and compare it outside through the result `{}`", g.result)),
                );
            }
        }
        let locals = inner.iter().any(|v| !outside.contains(v));
        if g.op == AggOp::Count && !locals && !result_inside {
            warnings.push(
                Diagnostic::warning(
                    Code::Aggregate,
                    "this `count` has no variable of its own, so it counts one binding or none",
                    g.span,
                )
                .with_help("name what is counted: `count : { feature(F) }` counts features, `count : { feature(_) }` only says whether there is one"),
            );
        }
    }
}

fn verb(op: AggOp) -> &'static str {
    match op {
        AggOp::Count => "count",
        AggOp::Sum => "add up",
        AggOp::Min | AggOp::Max => "compare",
    }
}

/// Checks every clause's aggregates.
pub(super) fn check_clauses(
    clauses: &[Clause],
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    for c in clauses {
        check_aggregates(Some(&c.head), &c.body, errors, warnings);
    }
}

/// An aggregate's body runs as its own rule, before the rule that reads it: it may not
/// need inputs (variables only a test reads, or a goal-directed predicate's bound
/// arguments left free). With `report_unsafe`, a body no inputs make safe is reported too
/// (for a knowledge base, adornment inference already did).
pub(super) fn needs_no_inputs(
    rules: &[ir::Rule],
    adornments: &Adornments,
    report_unsafe: bool,
    errors: &mut Vec<Diagnostic>,
) {
    for r in rules {
        let Pred::Aggregate(_) = r.head.pred else {
            continue;
        };
        let seed = match super::modes::minimal_seed(r, adornments) {
            Some(seed) if seed.is_empty() => continue,
            Some(seed) => seed,
            None => {
                if report_unsafe {
                    errors.extend(super::modes::unsafe_vars(r, adornments));
                }
                continue;
            }
        };
        let vars: Vec<String> = seed.iter().map(|v| format!("`{v}`")).collect();
        errors.push(
            Diagnostic::error(
                Code::Aggregate,
                format!(
                    "the aggregate's body does not bind {} by itself",
                    vars.join(", ")
                ),
                r.span,
            )
            .with_label("its body runs on its own, before this rule")
            .with_help("bind every variable of the body with a positive atom of the body (a group variable is bound there too; the rule then picks the group)"),
        );
    }
}
