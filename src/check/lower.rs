//! Lowering: AST clauses and literals into the typed program of [`crate::ir`], with every
//! built-in resolved once.

use crate::ir::{self, Builtin, ClauseId, Origin, Pred, Var};
use crate::syntax as ast;

/// A term of the AST as an IR term.
pub fn term(t: &ast::Term) -> ir::Term {
    match t {
        ast::Term::Var(v) => ir::Term::Var(Var::Named(v.clone())),
        ast::Term::Wildcard => ir::Term::Wildcard,
        ast::Term::Const(c) => ir::Term::Const(c.clone()),
    }
}

/// An atom over a user predicate.
pub fn atom(a: &ast::Atom) -> ir::Atom {
    ir::Atom {
        pred: Pred::User(a.pred.clone()),
        args: a.args.iter().map(term).collect(),
        span: a.span,
    }
}

fn expr(e: &ast::Expr) -> ir::Expr {
    match e {
        ast::Expr::Term(t) => ir::Expr::Term(term(t)),
        ast::Expr::Binary(l, op, r) => ir::Expr::Binary(Box::new(expr(l)), *op, Box::new(expr(r))),
    }
}

/// A body literal; atoms named like a built-in become [`ir::Literal::Builtin`].
pub fn literal(l: &ast::Literal) -> ir::Literal {
    match l {
        ast::Literal::Pos(a) | ast::Literal::Neg(a) => {
            let negated = matches!(l, ast::Literal::Neg(_));
            match Builtin::from_name(&a.pred) {
                Some(builtin) => ir::Literal::Builtin {
                    builtin,
                    args: a.args.iter().map(term).collect(),
                    negated,
                    span: a.span,
                },
                None if negated => ir::Literal::Neg(atom(a)),
                None => ir::Literal::Pos(atom(a)),
            }
        }
        ast::Literal::Cmp { lhs, op, rhs, span } => ir::Literal::Cmp {
            lhs: expr(lhs),
            op: *op,
            rhs: expr(rhs),
            span: *span,
        },
    }
}

/// Clause `id` of the program as a rule.
pub fn clause(id: ClauseId, c: &ast::Clause) -> ir::Rule {
    ir::Rule {
        head: atom(&c.head),
        body: c.body.iter().map(literal).collect(),
        origin: Origin::User(id),
        span: c.span,
    }
}
