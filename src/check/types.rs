//! Typed declarations: `decl os(name: symbol, build: version)` gives columns types. Facts
//! and rule heads must put values of the declared type there; a variable takes the type of
//! the typed positions that bind it, and a rule that joins or compares values of different
//! types — which can never hold — is an error where it does so. Untyped columns (`decl p(a,
//! b)`, or no `decl`) constrain nothing.

use super::PredInfo;
use crate::ir::Builtin;
use crate::source::{Code, Diagnostic, Span};
use crate::syntax::{ArithOp, Atom, Clause, ColType, Const, Expr, Literal, Term};
use std::collections::{BTreeMap, HashMap};

/// The type of a value.
fn kind(c: &Const) -> ColType {
    match c {
        Const::Sym(_) => ColType::Symbol,
        Const::Str(_) => ColType::String,
        Const::Int(_) => ColType::Integer,
        Const::Version(_) => ColType::Version,
    }
}

/// What a clause's variables are known to be, and where each was learnt.
#[derive(Default)]
struct Env {
    /// Each variable's type, where it was learnt, and whether a typed column gave it (a
    /// type learnt from a constant alone checks nothing: untyped programs stay as they are).
    vars: HashMap<String, (ColType, Span, bool)>,
}

impl Env {
    /// Records that `v` has type `t` (learnt at `at`); an error if it had another.
    fn learn(
        &mut self,
        v: &str,
        t: ColType,
        at: Span,
        declared: bool,
        errors: &mut Vec<Diagnostic>,
    ) {
        match self.vars.get(v) {
            Some((had, _, _)) if *had == t => {}
            // Two constants of different kinds in an untyped program: it just fails.
            Some((_, _, was)) if !(declared || *was) => {}
            Some((had, _, _)) => errors.push(
                Diagnostic::error(
                    Code::Type,
                    format!(
                        "`{v}` is {} here, but {} where it is first bound",
                        t.with_article(),
                        had.with_article()
                    ),
                    at,
                )
                .with_label(format!("{} here", t.with_article()))
                .with_help("values of different types never join or compare equal"),
            ),
            None => {
                self.vars.insert(v.to_string(), (t, at, declared));
            }
        }
    }

    fn term(&self, t: &Term) -> Option<ColType> {
        match t {
            Term::Var(v) => self.vars.get(v).map(|x| x.0),
            Term::Const(c) => Some(kind(c)),
            Term::Wildcard => None,
        }
    }

    /// Whether a typed column gave some variable of `e` its type.
    fn declared(&self, e: &Expr) -> bool {
        let mut any = false;
        e.each_var(&mut |v| any |= self.vars.get(v).is_some_and(|x| x.2));
        any
    }

    fn expr(&self, e: &Expr, span: Span, errors: &mut Vec<Diagnostic>) -> Option<ColType> {
        match e {
            Expr::Term(t) => self.term(t),
            Expr::Binary(l, op, r) => {
                for side in [l, r] {
                    // As for comparisons: checked when a typed column gave the operand.
                    if let Some(t) = self.expr(side, span, errors)
                        && t != ColType::Integer
                        && self.declared(side)
                    {
                        let sym = match op {
                            ArithOp::Add => "+",
                            ArithOp::Sub => "-",
                            ArithOp::Mul => "*",
                            ArithOp::Div => "/",
                            ArithOp::Rem => "mod",
                        };
                        errors.push(
                            Diagnostic::error(
                                Code::Type,
                                format!("`{side}` is {}: `{sym}` needs integers", t.with_article()),
                                span,
                            )
                            .with_label("arithmetic on a non-integer"),
                        );
                    }
                }
                Some(ColType::Integer)
            }
        }
    }
}

/// The declared type of argument `i` of `a`, if any.
fn declared(preds: &BTreeMap<String, PredInfo>, a: &Atom, i: usize) -> Option<ColType> {
    preds
        .get(&a.pred)
        .and_then(|p| p.types.get(i).copied().flatten())
}

/// A value of the wrong type at a typed argument.
fn mistyped(a: &Atom, i: usize, want: ColType, got: ColType) -> Diagnostic {
    let help = match (want, got) {
        (ColType::Version, ColType::Integer | ColType::String) => {
            "write a version as v\"1.2.3\"".to_string()
        }
        (ColType::String, ColType::Symbol) => "write a string in double quotes".to_string(),
        (ColType::Boolean, _) => "a boolean is `true` or `false`".to_string(),
        _ => format!("give {} here", want.with_article()),
    };
    // A boolean's wrong value is a symbol as its true and false are: show the value.
    let here = match (want, &a.args[i]) {
        (ColType::Boolean, Term::Const(c)) => format!("`{c}`"),
        _ => got.with_article().to_string(),
    };
    Diagnostic::error(
        Code::Type,
        format!(
            "argument {} of `{}` is {}, here it is {here}",
            i + 1,
            a.pred,
            want.with_article(),
        ),
        a.arg_span(i),
    )
    .with_label(got.with_article())
    .with_help(help)
}

/// Learns the types of the variables an atom's typed positions bind (or checks them).
fn atom_types(
    preds: &BTreeMap<String, PredInfo>,
    a: &Atom,
    env: &mut Env,
    errors: &mut Vec<Diagnostic>,
) {
    for (i, t) in a.args.iter().enumerate() {
        let Some(want) = declared(preds, a, i) else {
            continue;
        };
        match t {
            Term::Const(c) if !want.holds(c) => errors.push(mistyped(a, i, want, kind(c))),
            Term::Var(v) => env.learn(v, want.joins_as(), a.arg_span(i), true, errors),
            _ => {}
        }
    }
}

/// Checks one clause (`head` is `None` for a query body).
pub(super) fn check_types(
    preds: &BTreeMap<String, PredInfo>,
    head: Option<&Atom>,
    body: &[Literal],
    errors: &mut Vec<Diagnostic>,
) {
    let mut env = Env::default();
    // An aggregate's body shares the clause's variables (its group) and types its own.
    let all: Vec<&Literal> = body
        .iter()
        .flat_map(|l| {
            let inner: &[Literal] = match l {
                Literal::Aggregate(g) => &g.body,
                _ => &[],
            };
            std::iter::once(l).chain(inner)
        })
        .collect();
    // Positive atoms bind; negations test the values bound elsewhere.
    for &l in &all {
        if let Literal::Pos(a) = l
            && Builtin::from_name(&a.pred).is_none()
        {
            atom_types(preds, a, &mut env, errors);
        }
    }
    learn_derived(&all, &mut env, errors);
    test_literals(preds, &all, &mut env, errors);
    if let Some(h) = head {
        for (i, t) in h.args.iter().enumerate() {
            let Some(want) = declared(preds, h, i) else {
                continue;
            };
            let got = match t {
                Term::Const(c) if !want.holds(c) => {
                    errors.push(mistyped(h, i, want, kind(c)));
                    None
                }
                Term::Const(_) | Term::Wildcard => None,
                Term::Var(v) => env.vars.get(v).map(|x| x.0),
            };
            if let Some(got) = got
                && got != want.joins_as()
            {
                errors.push(mistyped(h, i, want, got));
            }
        }
    }
}

/// Types learnt from built-in outputs, assignments and aggregates, in as many passes as they
/// feed each other.
fn learn_derived(all: &[&Literal], env: &mut Env, errors: &mut Vec<Diagnostic>) {
    for _ in 0..all.len().max(1) {
        let before = env.vars.len();
        for &l in all {
            match l {
                Literal::Aggregate(g) if !env.vars.contains_key(&g.result) => {
                    let value = g.value.as_ref().and_then(|v| env.vars.get(v).copied());
                    match g.op {
                        crate::syntax::AggOp::Count => {
                            env.learn(&g.result, ColType::Integer, g.span, false, errors)
                        }
                        crate::syntax::AggOp::Sum => {
                            if let Some((t, _, true)) = value
                                && t != ColType::Integer
                            {
                                errors.push(
                                    Diagnostic::error(
                                        Code::Type,
                                        format!(
                                            "`sum` adds integers; `{}` is {}",
                                            g.value.as_deref().unwrap_or("_"),
                                            t.with_article()
                                        ),
                                        g.span,
                                    )
                                    .with_label("sum of a non-integer"),
                                );
                            }
                            let declared = value.is_some_and(|x| x.2);
                            env.learn(&g.result, ColType::Integer, g.span, declared, errors)
                        }
                        crate::syntax::AggOp::Min | crate::syntax::AggOp::Max => {
                            if let Some((t, _, declared)) = value {
                                env.learn(&g.result, t, g.span, declared, errors)
                            }
                        }
                    }
                }
                Literal::Pos(a) => {
                    if let Some(b) = Builtin::from_name(&a.pred)
                        && let Some(out) = b.output()
                        && let Some(Term::Var(v)) = a.args.get(out)
                        && !env.vars.contains_key(v)
                    {
                        let t = if matches!(b, Builtin::Length | Builtin::ToInt) {
                            ColType::Integer
                        } else {
                            ColType::String
                        };
                        env.learn(v, t, a.arg_span(out), false, errors);
                    }
                }
                Literal::Cmp {
                    lhs,
                    op: crate::syntax::CmpOp::Eq,
                    rhs,
                    span,
                } => {
                    let mut sink = Vec::new();
                    for (var, other) in [(lhs, rhs), (rhs, lhs)] {
                        if let Expr::Term(Term::Var(v)) = var
                            && !env.vars.contains_key(v)
                            && let Some(t) = env.expr(other, *span, &mut sink)
                        {
                            let declared = env.declared(other);
                            env.learn(v, t, *span, declared, errors);
                        }
                    }
                }
                _ => {}
            }
        }
        if env.vars.len() == before {
            break;
        }
    }
}

/// Negations and comparisons test values bound elsewhere: a comparison across types, where a
/// typed column stands on one side, never holds.
fn test_literals(
    preds: &BTreeMap<String, PredInfo>,
    all: &[&Literal],
    env: &mut Env,
    errors: &mut Vec<Diagnostic>,
) {
    for &l in all {
        match l {
            Literal::Neg(a) if Builtin::from_name(&a.pred).is_none() => {
                atom_types(preds, a, env, errors)
            }
            Literal::Cmp { lhs, op, rhs, span } => {
                let (l, r) = (env.expr(lhs, *span, errors), env.expr(rhs, *span, errors));
                // Untyped programs keep comparing values of any kinds (it just fails); a
                // comparison is checked when a typed column stands on one side.
                if let (Some(a), Some(b)) = (l, r)
                    && a != b
                    && (env.declared(lhs) || env.declared(rhs))
                {
                    errors.push(
                        Diagnostic::error(
                            Code::Type,
                            format!(
                                "`{lhs} {} {rhs}` compares {} with {}: it never holds",
                                op.as_str(),
                                a.with_article(),
                                b.with_article()
                            ),
                            *span,
                        )
                        .with_label("different types")
                        .with_help(match (a, b) {
                            (ColType::Version, ColType::Integer)
                            | (ColType::Integer, ColType::Version) => {
                                "write the version as v\"2203\"".to_string()
                            }
                            _ => "compare values of one type".to_string(),
                        }),
                    );
                }
            }
            _ => {}
        }
    }
}

/// Checks every clause of a program.
pub(super) fn check_clauses(
    preds: &BTreeMap<String, PredInfo>,
    clauses: &[Clause],
    errors: &mut Vec<Diagnostic>,
) {
    for c in clauses {
        check_types(preds, Some(&c.head), &c.body, errors);
    }
}
