//! Rule planning: a checked rule body, in the order [`order_body`](crate::check::order_body)
//! chose, becomes a chain of steps over a *binding row* whose slots hold the variables bound
//! so far.
//!
//! # What this produces
//! A [`RulePlan`]: the first positive atom is a scan, every further positive atom a keyed
//! join on the variables it shares with the row, every negated atom an antijoin, every
//! comparison or string test a filter, every `X = expr` or `length(S, N)` with `N` unbound an
//! assignment that appends a slot; the head is built from slots and constants.

use super::intern::{Id, Interner};
use crate::check::Builtin;
use crate::diag::Diagnostic;
use crate::syntax::{ArithOp, Atom, Clause, CmpOp, Expr, Literal, Term};
use regex::Regex;
use std::collections::HashMap;

/// How one argument of an atom meets the binding row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pat {
    /// Must equal this constant.
    Const(Id),
    /// Must equal the value in this slot of the binding row (a join key).
    Key(usize),
    /// Binds a new slot, appended to the row in argument order.
    New,
    /// Must equal the value at this earlier argument position of the same tuple.
    Same(usize),
    /// Any value (`_`).
    Any,
}

/// An arithmetic expression over binding-row slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CExpr {
    /// The value in a slot.
    Slot(usize),
    /// A constant.
    Const(Id),
    /// `lhs op rhs`, on 64-bit integers.
    Binary(Box<CExpr>, ArithOp, Box<CExpr>),
}

/// A test on the binding row.
#[derive(Debug, Clone)]
pub enum Check {
    /// A comparison of two expressions.
    Cmp(CExpr, CmpOp, CExpr),
    /// A built-in with all arguments bound (negated: it must fail).
    Builtin {
        /// Which built-in.
        builtin: Builtin,
        /// Its arguments.
        args: Vec<CExpr>,
        /// `!matches(…)` and the like.
        negated: bool,
        /// The compiled whole-string regular expression, when the pattern is a constant.
        regex: Option<Regex>,
    },
}

/// One step of a rule body.
#[derive(Debug, Clone)]
pub enum Step {
    /// Reads the tuples of `pred`; the first step of a body.
    Scan {
        /// Predicate read.
        pred: String,
        /// One pattern per argument.
        pats: Vec<Pat>,
    },
    /// Joins the row with the tuples of `pred` on the `Key` slots.
    Join {
        /// Predicate read.
        pred: String,
        /// One pattern per argument.
        pats: Vec<Pat>,
    },
    /// Keeps the rows for which no tuple of `pred` matches.
    Anti {
        /// Predicate read (from a lower stratum).
        pred: String,
        /// One pattern per argument (no `New`).
        pats: Vec<Pat>,
    },
    /// Keeps the rows passing a test.
    Filter(Check),
    /// Appends a slot computed from the row: `X = expr`.
    Assign(CExpr),
    /// Appends a slot holding the character count of a string: `length(S, N)`.
    Length(CExpr),
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct RulePlan {
    /// Index of the rule in the program the plan was made from.
    pub rule: usize,
    /// Head predicate.
    pub head_pred: String,
    /// Head arguments: `Ok(slot)` or `Err(constant)`.
    pub head: Vec<Result<usize, Id>>,
    /// Body steps, in order. A body whose first step is not a scan starts from one empty row.
    pub steps: Vec<Step>,
}

/// Compiles whole-string regular expressions with a size limit, so a pathological pattern is
/// an error rather than an unbounded allocation.
pub fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(1 << 20)
        .build()
}

struct Layout {
    slots: HashMap<String, usize>,
    len: usize,
}

impl Layout {
    fn bind(&mut self, v: &str) -> usize {
        let s = self.len;
        self.slots.insert(v.to_string(), s);
        self.len += 1;
        s
    }
}

fn term_expr(t: &Term, layout: &Layout, interner: &mut Interner) -> CExpr {
    match t {
        Term::Var(v) => CExpr::Slot(layout.slots[v]),
        Term::Const(c) => CExpr::Const(interner.intern(c)),
        Term::Wildcard => unreachable!("safety rejects `_` in expressions"),
    }
}

fn expr(e: &Expr, layout: &Layout, interner: &mut Interner) -> CExpr {
    match e {
        Expr::Term(t) => term_expr(t, layout, interner),
        Expr::Binary(l, op, r) => CExpr::Binary(
            Box::new(expr(l, layout, interner)),
            *op,
            Box::new(expr(r, layout, interner)),
        ),
    }
}

fn atom_pats(a: &Atom, layout: &mut Layout, interner: &mut Interner) -> Vec<Pat> {
    let mut first_at: HashMap<&str, usize> = HashMap::new();
    let mut pats = Vec::with_capacity(a.args.len());
    let mut new_vars = Vec::new();
    for (i, t) in a.args.iter().enumerate() {
        pats.push(match t {
            Term::Const(c) => Pat::Const(interner.intern(c)),
            Term::Wildcard => Pat::Any,
            Term::Var(v) => {
                if let Some(&s) = layout.slots.get(v.as_str()) {
                    Pat::Key(s)
                } else if let Some(&j) = first_at.get(v.as_str()) {
                    Pat::Same(j)
                } else {
                    first_at.insert(v, i);
                    new_vars.push(v.clone());
                    Pat::New
                }
            }
        });
    }
    for v in new_vars {
        layout.bind(&v);
    }
    pats
}

/// Compiles rule number `rule` (`clause`) with its body in `order`.
///
/// Errors: a constant regular expression that does not compile.
pub fn compile(
    rule: usize,
    clause: &Clause,
    order: &[usize],
    interner: &mut Interner,
) -> Result<RulePlan, Diagnostic> {
    let mut layout = Layout {
        slots: HashMap::new(),
        len: 0,
    };
    let mut steps = Vec::with_capacity(order.len());
    for &i in order {
        match &clause.body[i] {
            Literal::Pos(a) if Builtin::from_name(&a.pred).is_none() => {
                let first = steps.is_empty() && layout.len == 0;
                let pats = atom_pats(a, &mut layout, interner);
                steps.push(if first {
                    Step::Scan {
                        pred: a.pred.clone(),
                        pats,
                    }
                } else {
                    Step::Join {
                        pred: a.pred.clone(),
                        pats,
                    }
                });
            }
            Literal::Neg(a) if Builtin::from_name(&a.pred).is_none() => {
                let pats = atom_pats(a, &mut layout, interner);
                steps.push(Step::Anti {
                    pred: a.pred.clone(),
                    pats,
                });
            }
            Literal::Pos(a) | Literal::Neg(a) => {
                let builtin = Builtin::from_name(&a.pred).expect("built-in");
                let negated = matches!(clause.body[i], Literal::Neg(_));
                if builtin == Builtin::Length && !negated {
                    if let Term::Var(v) = &a.args[1]
                        && !layout.slots.contains_key(v)
                    {
                        let s = term_expr(&a.args[0], &layout, interner);
                        layout.bind(v);
                        steps.push(Step::Length(s));
                        continue;
                    }
                    if matches!(a.args[1], Term::Wildcard) {
                        let s = term_expr(&a.args[0], &layout, interner);
                        steps.push(Step::Length(s));
                        layout.len += 1; // an unnamed slot nothing reads
                        continue;
                    }
                }
                let args: Vec<CExpr> = a
                    .args
                    .iter()
                    .map(|t| term_expr(t, &layout, interner))
                    .collect();
                let regex = match (builtin, &a.args[1]) {
                    (Builtin::Matches, Term::Const(c)) => {
                        let text = match c {
                            crate::syntax::Const::Str(s) | crate::syntax::Const::Sym(s) => {
                                s.clone()
                            }
                            crate::syntax::Const::Int(n) => n.to_string(),
                        };
                        Some(compile_regex(&text).map_err(|e| {
                            Diagnostic::error(
                                "regex",
                                format!(
                                    "invalid regular expression: {}",
                                    first_line(&e.to_string())
                                ),
                                a.span,
                            )
                            .with_label("this pattern")
                        })?)
                    }
                    _ => None,
                };
                steps.push(Step::Filter(Check::Builtin {
                    builtin,
                    args,
                    negated,
                    regex,
                }));
            }
            Literal::Cmp { lhs, op, rhs, .. } => {
                let unbound = |e: &Expr| match e {
                    Expr::Term(Term::Var(v)) if !layout.slots.contains_key(v) => Some(v.clone()),
                    _ => None,
                };
                match (*op, unbound(lhs), unbound(rhs)) {
                    (CmpOp::Eq, Some(v), _) => {
                        let e = expr(rhs, &layout, interner);
                        layout.bind(&v);
                        steps.push(Step::Assign(e));
                    }
                    (CmpOp::Eq, None, Some(v)) => {
                        let e = expr(lhs, &layout, interner);
                        layout.bind(&v);
                        steps.push(Step::Assign(e));
                    }
                    _ => {
                        let l = expr(lhs, &layout, interner);
                        let r = expr(rhs, &layout, interner);
                        steps.push(Step::Filter(Check::Cmp(l, *op, r)));
                    }
                }
            }
        }
    }
    let head = clause
        .head
        .args
        .iter()
        .map(|t| match t {
            Term::Var(v) => Ok(layout.slots[v]),
            Term::Const(c) => Err(interner.intern(c)),
            Term::Wildcard => unreachable!("safety rejects `_` in heads"),
        })
        .collect();
    Ok(RulePlan {
        rule,
        head_pred: clause.head.pred.clone(),
        head,
        steps,
    })
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}
