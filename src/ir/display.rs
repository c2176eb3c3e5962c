//! The IR written back as the language writes it, for messages, plans and proofs.

use super::{Atom, Expr, Literal, Pred, Rule, Term, Var};
use crate::syntax::ArithOp;
use std::fmt;

impl fmt::Display for Pred {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pred::User(n) => f.write_str(n),
            // `#` cannot be written in a name, so these never read as a user's predicate.
            Pred::Demand(n) => write!(f, "demand#{n}"),
            Pred::Context(p, _) => write!(f, "{p}"),
            Pred::Relaxed(p) => write!(f, "relaxed#{p}"),
            Pred::Query => f.write_str("query#"),
            Pred::Aggregate(n) => write!(f, "aggregate#{n}"),
        }
    }
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Var::Named(n) => f.write_str(n),
            Var::Fresh(i) => write!(f, "_#{i}"),
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Var(v) => write!(f, "{v}"),
            Term::Wildcard => f.write_str("_"),
            Term::Const(c) => write!(f, "{c}"),
        }
    }
}

/// `name(a, b)`, or `name` alone for no arguments.
pub(crate) fn write_call(
    f: &mut fmt::Formatter<'_>,
    name: &dyn fmt::Display,
    args: &[impl fmt::Display],
) -> fmt::Result {
    write!(f, "{name}")?;
    if !args.is_empty() {
        write!(f, "(")?;
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{a}")?;
        }
        write!(f, ")")?;
    }
    Ok(())
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_call(f, &self.pred, &self.args)
    }
}

fn op_text(op: ArithOp) -> &'static str {
    match op {
        ArithOp::Add => "+",
        ArithOp::Sub => "-",
        ArithOp::Mul => "*",
        ArithOp::Div => "/",
        ArithOp::Rem => "mod",
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Term(t) => write!(f, "{t}"),
            Expr::Binary(l, op, r) => {
                let side = |e: &Expr, f: &mut fmt::Formatter<'_>| match e {
                    Expr::Binary(..) => write!(f, "({e})"),
                    Expr::Term(_) => write!(f, "{e}"),
                };
                side(l, f)?;
                write!(f, " {} ", op_text(*op))?;
                side(r, f)
            }
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Pos(a) => write!(f, "{a}"),
            Literal::Neg(a) => write!(f, "!{a}"),
            Literal::Builtin {
                builtin,
                args,
                negated,
                ..
            } => {
                if *negated {
                    write!(f, "!")?;
                }
                write_call(f, &builtin.name(), args)
            }
            Literal::Cmp { lhs, op, rhs, .. } => write!(f, "{lhs} {} {rhs}", op.as_str()),
            Literal::Aggregate(g) => write!(f, "{g}"),
        }
    }
}

impl fmt::Display for super::Aggregate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.result, self.op.as_str())?;
        if let Some(v) = self.value.and_then(|c| self.aux.args.get(c)) {
            write!(f, " {v}")?;
        }
        write!(f, " : {{ ")?;
        for (i, l) in self.body.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{l}")?;
        }
        write!(f, " }}")
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.head)?;
        if !self.body.is_empty() {
            write!(f, " :- ")?;
            for (i, l) in self.body.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{l}")?;
            }
        }
        write!(f, ".")
    }
}
