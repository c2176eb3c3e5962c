//! Lowering: AST clauses and literals into the typed program of [`crate::ir`], with every
//! built-in resolved once and every aggregate split into its literal and its auxiliary rule.

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

/// Lowers clauses and queries, numbering their aggregates and collecting the auxiliary
/// rules those need.
#[derive(Debug, Default)]
pub struct Lowerer {
    next: u32,
    /// The auxiliary rules of the aggregates lowered so far.
    pub aux: Vec<ir::Rule>,
}

impl Lowerer {
    /// A lowerer whose first aggregate is number `first` (a query's continue after its
    /// knowledge base's, so their auxiliary predicates never meet).
    pub fn starting_at(first: u32) -> Self {
        Lowerer {
            next: first,
            aux: Vec::new(),
        }
    }

    /// The number the next aggregate will get.
    pub fn next_aggregate(&self) -> u32 {
        self.next
    }

    /// Clause `id` of the program as a rule.
    pub fn clause(&mut self, id: ClauseId, c: &ast::Clause) -> ir::Rule {
        ir::Rule {
            head: atom(&c.head),
            body: self.body(Some(id), &c.body, Some(&c.head)),
            origin: Origin::User(id),
            span: c.span,
        }
    }

    /// A body (of clause `id`, or of a query with `None`) whose head is `head`.
    pub fn body(
        &mut self,
        id: Option<ClauseId>,
        body: &[ast::Literal],
        head: Option<&ast::Atom>,
    ) -> Vec<ir::Literal> {
        (0..body.len())
            .map(|i| match &body[i] {
                ast::Literal::Aggregate(g) => {
                    // Variables the rest of the rule uses: the group, bound outside.
                    let mut outside: Vec<&str> = Vec::new();
                    if let Some(h) = head {
                        outside.extend(h.args.iter().filter_map(|t| match t {
                            ast::Term::Var(v) => Some(v.as_str()),
                            _ => None,
                        }));
                    }
                    for (j, l) in body.iter().enumerate() {
                        if j != i {
                            l.each_var(&mut |v| outside.push(v));
                        }
                    }
                    self.aggregate(id, g, &outside)
                }
                l => literal(l),
            })
            .collect()
    }

    fn aggregate(
        &mut self,
        id: Option<ClauseId>,
        g: &ast::Aggregate,
        outside: &[&str],
    ) -> ir::Literal {
        let mut group: Vec<&str> = Vec::new();
        let mut local: Vec<&str> = Vec::new();
        g.each_inner_var(&mut |v| {
            let list = if outside.contains(&v) {
                &mut group
            } else {
                &mut local
            };
            if !list.contains(&v) {
                list.push(v);
            }
        });
        let n = self.next;
        self.next += 1;
        let aux = ir::Atom {
            pred: Pred::Aggregate(n),
            args: group
                .iter()
                .chain(&local)
                .map(|v| ir::Term::Var(Var::named(*v)))
                .collect(),
            span: g.span,
        };
        let body: Vec<ir::Literal> = g.body.iter().map(literal).collect();
        self.aux.push(ir::Rule {
            head: aux.clone(),
            body: body.clone(),
            origin: Origin::Aggregate(id),
            span: g.span,
        });
        let value = g
            .value
            .as_deref()
            .and_then(|v| group.iter().chain(&local).position(|x| *x == v));
        ir::Literal::Aggregate(Box::new(ir::Aggregate {
            op: g.op,
            aux,
            group: group.len(),
            value,
            result: Var::named(g.result.clone()),
            body,
            span: g.span,
        }))
    }
}

/// A body literal other than an aggregate (those need their rule: [`Lowerer::body`]); atoms
/// named like a built-in become [`ir::Literal::Builtin`].
fn literal(l: &ast::Literal) -> ir::Literal {
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
        ast::Literal::Aggregate(_) => {
            unreachable!("the grammar allows aggregates only at the top of a body")
        }
    }
}

/// The clauses of a program as rules, clause `i` at index `i`, followed by the auxiliary
/// rules of their aggregates; with the number of aggregates.
pub fn program(clauses: &[ast::Clause]) -> (Vec<ir::Rule>, u32) {
    let mut lower = Lowerer::default();
    let mut rules: Vec<ir::Rule> = clauses
        .iter()
        .enumerate()
        .map(|(i, c)| lower.clause(ClauseId(i), c))
        .collect();
    let n = lower.next_aggregate();
    rules.append(&mut lower.aux);
    (rules, n)
}
