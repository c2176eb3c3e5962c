//! Rule planning: a checked rule body, in the order [`order_body`](crate::check::order_body)
//! chose, becomes a chain of *segments* over a binding row whose slots hold the variables
//! bound so far.
//!
//! # What this produces
//! A [`RulePlan`]: a source (a scan of the first positive atom, or one empty row), then one
//! segment per further positive atom (a keyed join) or negated atom (an antijoin). Every
//! segment ends with the comparisons, string tests and assignments that became ready in it,
//! applied to each binding as it is made, so no intermediate relation holds rows a filter
//! would drop. Between segments only the *live* variables travel — those a later literal or
//! the head still reads — split into the next atom's join key and the rest.
//!
//! # The strategy
//! Joins are keyed on the variables the binding shares with the atom, in the atom's argument
//! order; the atom's side is a keyed index (`(key, new values)`) that every rule reading the
//! same atom shape shares ([`AtomShape`]).

use super::intern::{Id, Interner};
use crate::check::Builtin;
use crate::diag::Diagnostic;
use crate::syntax::{ArithOp, Atom, Clause, CmpOp, Const, Expr, Literal, Term};
use regex::Regex;
use std::collections::{BTreeSet, HashMap};

/// How one argument of an atom meets the binding row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pat {
    /// Must equal this constant.
    Const(Id),
    /// Must equal a bound variable: part of the join key (in argument order).
    Key,
    /// Binds a new variable, appended to the row in argument order.
    New,
    /// Must equal the value at this earlier argument position of the same tuple.
    Same(usize),
    /// Any value (`_`), or a variable nothing later reads.
    Any,
}

/// An atom as a keyed index sees it: the predicate and the role of each argument. Rules that
/// read the same shape share one index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AtomShape {
    /// Predicate read.
    pub pred: String,
    /// One pattern per argument.
    pub pats: Vec<Pat>,
}

impl AtomShape {
    /// Number of key columns.
    pub fn key_width(&self) -> usize {
        self.pats.iter().filter(|p| matches!(p, Pat::Key)).count()
    }

    /// Number of new columns.
    pub fn new_width(&self) -> usize {
        self.pats.iter().filter(|p| matches!(p, Pat::New)).count()
    }

    /// Splits a tuple into its key and new values, or `None` if a constant or a repeated
    /// variable does not match.
    pub fn split(&self, row: &[Id], key: &mut Vec<Id>, new: &mut Vec<Id>) -> bool {
        key.clear();
        new.clear();
        for (i, p) in self.pats.iter().enumerate() {
            match p {
                Pat::Const(c) if row[i] != *c => return false,
                Pat::Same(j) if row[i] != row[*j] => return false,
                Pat::Key => key.push(row[i]),
                Pat::New => new.push(row[i]),
                _ => {}
            }
        }
        true
    }
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

/// A step on one binding row.
#[derive(Debug, Clone)]
pub enum Transform {
    /// Keeps the row if the comparison holds.
    Cmp(CExpr, CmpOp, CExpr),
    /// Keeps the row if the built-in holds (or, negated, fails).
    Builtin {
        /// Which built-in.
        builtin: Builtin,
        /// Its arguments.
        args: Vec<CExpr>,
        /// `!matches(…)` and the like.
        negated: bool,
        /// The compiled whole-string pattern, when it is a constant.
        regex: Option<Regex>,
    },
    /// Appends a slot: `X = expr`.
    Assign(CExpr),
    /// Appends a slot holding the character count of a string: `length(S, N)`.
    Length(CExpr),
}

/// Where a segment's rows go.
#[derive(Debug, Clone)]
pub struct Boundary {
    /// Slots forming the next segment's join key, in the next atom's argument order.
    pub key: Vec<usize>,
    /// The other live slots.
    pub rest: Vec<usize>,
}

/// How a segment begins.
#[derive(Debug, Clone)]
pub enum Start {
    /// Tuples of an atom; the row is its `New` values.
    Scan(AtomShape),
    /// One empty row.
    Unit,
    /// Keyed rows joined with an atom's keyed index; the row is key, rest, new values.
    Join(AtomShape),
    /// Keyed rows with no matching tuple of the atom; the row is key, rest.
    Anti(AtomShape),
}

/// A segment: where it starts, the transforms on each row, and where the rows go next.
#[derive(Debug, Clone)]
pub struct Segment {
    /// How it begins.
    pub start: Start,
    /// Row width after `start` (before the transforms).
    pub width: usize,
    /// Transforms, in order.
    pub transforms: Vec<Transform>,
    /// To the next segment (`None` for the last, which builds the head).
    pub next: Option<Boundary>,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct RulePlan {
    /// Index of the rule in the program the plan was made from.
    pub rule: usize,
    /// Head predicate.
    pub head_pred: String,
    /// Head arguments: `Ok(slot)` of the last segment's row, or `Err(constant)`.
    pub head: Vec<Result<usize, Id>>,
    /// The segments, in order.
    pub segments: Vec<Segment>,
}

impl RulePlan {
    /// The widest row, key or value any step of the rule handles.
    pub fn max_width(&self) -> usize {
        self.segments
            .iter()
            .map(|s| {
                s.width
                    + s.transforms
                        .iter()
                        .filter(|t| matches!(t, Transform::Assign(_) | Transform::Length(_)))
                        .count()
            })
            .chain(self.segments.iter().filter_map(|s| match &s.start {
                Start::Scan(a) | Start::Join(a) | Start::Anti(a) => Some(a.pats.len()),
                Start::Unit => None,
            }))
            .chain([self.head.len()])
            .max()
            .unwrap_or(0)
    }
}

/// Compiles whole-string regular expressions with a size limit, so a pathological pattern is
/// an error rather than an unbounded allocation.
pub fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(1 << 20)
        .build()
}

fn term_expr(t: &Term, layout: &[String], interner: &mut Interner) -> CExpr {
    match t {
        Term::Var(v) => CExpr::Slot(slot(layout, v)),
        Term::Const(c) => CExpr::Const(interner.intern(c)),
        Term::Wildcard => unreachable!("safety rejects `_` in expressions"),
    }
}

fn slot(layout: &[String], v: &str) -> usize {
    layout
        .iter()
        .position(|x| x == v)
        .expect("planned variable is bound")
}

fn expr(e: &Expr, layout: &[String], interner: &mut Interner) -> CExpr {
    match e {
        Expr::Term(t) => term_expr(t, layout, interner),
        Expr::Binary(l, op, r) => CExpr::Binary(
            Box::new(expr(l, layout, interner)),
            *op,
            Box::new(expr(r, layout, interner)),
        ),
    }
}

fn vars_of(l: &Literal) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    l.each_var(&mut |v| {
        out.insert(v.to_string());
    });
    out
}

/// The shape of `a` against the bound variables; the new variables it binds, in order.
/// Variables bound here that nothing in `live` reads become `Any`.
fn shape(
    a: &Atom,
    bound: &[String],
    live: &BTreeSet<String>,
    interner: &mut Interner,
) -> (AtomShape, Vec<String>, Vec<String>) {
    let mut first_at: HashMap<&str, usize> = HashMap::new();
    let mut pats = Vec::with_capacity(a.args.len());
    let mut key = Vec::new();
    let mut new = Vec::new();
    for (i, t) in a.args.iter().enumerate() {
        pats.push(match t {
            Term::Const(c) => Pat::Const(interner.intern(c)),
            Term::Wildcard => Pat::Any,
            Term::Var(v) if bound.contains(v) => {
                key.push(v.clone());
                Pat::Key
            }
            Term::Var(v) => {
                if let Some(&j) = first_at.get(v.as_str()) {
                    Pat::Same(j)
                } else {
                    first_at.insert(v, i);
                    // A variable used once, here only, is not carried.
                    let repeated = a
                        .args
                        .iter()
                        .filter(|x| matches!(x, Term::Var(y) if y == v))
                        .count()
                        > 1;
                    if live.contains(v) || repeated {
                        new.push(v.clone());
                        Pat::New
                    } else {
                        Pat::Any
                    }
                }
            }
        });
    }
    // A repeated new variable is kept once; drop it if nothing later reads it.
    (
        AtomShape {
            pred: a.pred.clone(),
            pats,
        },
        key,
        new,
    )
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
    let lits: Vec<&Literal> = order.iter().map(|&i| &clause.body[i]).collect();
    // live_after[k]: variables read by literal k or later, or by the head.
    let mut live_after = vec![BTreeSet::new(); lits.len() + 1];
    for t in &clause.head.args {
        if let Term::Var(v) = t {
            live_after[lits.len()].insert(v.clone());
        }
    }
    for k in (0..lits.len()).rev() {
        let mut s = live_after[k + 1].clone();
        s.extend(vars_of(lits[k]));
        live_after[k] = s;
    }
    let is_binary = |l: &Literal| matches!(l, Literal::Pos(a) | Literal::Neg(a) if Builtin::from_name(&a.pred).is_none());

    let mut segments: Vec<Segment> = Vec::new();
    let mut layout: Vec<String> = Vec::new();
    let mut k = 0;
    // The source.
    if let Some(Literal::Pos(a)) = lits
        .first()
        .filter(|l| matches!(l, Literal::Pos(a) if Builtin::from_name(&a.pred).is_none()))
    {
        let (shape, _, new) = shape(a, &layout, &live_after[1], interner);
        layout = new;
        segments.push(Segment {
            start: Start::Scan(shape),
            width: layout.len(),
            transforms: Vec::new(),
            next: None,
        });
        k = 1;
    } else {
        segments.push(Segment {
            start: Start::Unit,
            width: 0,
            transforms: Vec::new(),
            next: None,
        });
    }
    while k < lits.len() {
        let lit = lits[k];
        if is_binary(lit) {
            let (a, negated) = match lit {
                Literal::Pos(a) => (a, false),
                Literal::Neg(a) => (a, true),
                Literal::Cmp { .. } => unreachable!(),
            };
            let live = if negated {
                BTreeSet::new()
            } else {
                live_after[k + 1].clone()
            };
            let (shape, key_vars, new_vars) = shape(a, &layout, &live, interner);
            let rest: Vec<String> = layout
                .iter()
                .filter(|v| !key_vars.contains(v) && live_after[k + 1].contains(*v))
                .cloned()
                .collect();
            let boundary = Boundary {
                key: key_vars.iter().map(|v| slot(&layout, v)).collect(),
                rest: rest.iter().map(|v| slot(&layout, v)).collect(),
            };
            segments.last_mut().expect("a source").next = Some(boundary);
            layout = key_vars
                .into_iter()
                .chain(rest)
                .chain(if negated { Vec::new() } else { new_vars })
                .collect();
            let start = if negated {
                Start::Anti(shape)
            } else {
                Start::Join(shape)
            };
            segments.push(Segment {
                start,
                width: layout.len(),
                transforms: Vec::new(),
                next: None,
            });
        } else {
            let t = transform(lit, &mut layout, interner)?;
            segments.last_mut().expect("a source").transforms.push(t);
        }
        k += 1;
    }
    let head = clause
        .head
        .args
        .iter()
        .map(|t| match t {
            Term::Var(v) => Ok(slot(&layout, v)),
            Term::Const(c) => Err(interner.intern(c)),
            Term::Wildcard => unreachable!("safety rejects `_` in heads"),
        })
        .collect();
    Ok(RulePlan {
        rule,
        head_pred: clause.head.pred.clone(),
        head,
        segments,
    })
}

fn transform(
    lit: &Literal,
    layout: &mut Vec<String>,
    interner: &mut Interner,
) -> Result<Transform, Diagnostic> {
    match lit {
        Literal::Pos(a) | Literal::Neg(a) => {
            let builtin = Builtin::from_name(&a.pred).expect("built-in");
            let negated = matches!(lit, Literal::Neg(_));
            if builtin == Builtin::Length && !negated {
                match &a.args[1] {
                    Term::Var(v) if !layout.contains(v) => {
                        let s = term_expr(&a.args[0], layout, interner);
                        layout.push(v.clone());
                        return Ok(Transform::Length(s));
                    }
                    Term::Wildcard => {
                        let s = term_expr(&a.args[0], layout, interner);
                        layout.push(String::new()); // an unnamed slot nothing reads
                        return Ok(Transform::Length(s));
                    }
                    _ => {}
                }
            }
            let args: Vec<CExpr> = a
                .args
                .iter()
                .map(|t| term_expr(t, layout, interner))
                .collect();
            let regex = match (builtin, &a.args[1]) {
                (Builtin::Matches, Term::Const(c)) => {
                    let text = match c {
                        Const::Str(s) | Const::Sym(s) => s.clone(),
                        Const::Int(n) => n.to_string(),
                    };
                    Some(compile_regex(&text).map_err(|e| {
                        Diagnostic::error(
                            "regex",
                            format!("invalid regular expression: {}", first_line(&e.to_string())),
                            a.span,
                        )
                        .with_label("this pattern")
                    })?)
                }
                _ => None,
            };
            Ok(Transform::Builtin {
                builtin,
                args,
                negated,
                regex,
            })
        }
        Literal::Cmp { lhs, op, rhs, .. } => {
            let unbound = |e: &Expr| match e {
                Expr::Term(Term::Var(v)) if !layout.contains(v) => Some(v.clone()),
                _ => None,
            };
            Ok(match (*op, unbound(lhs), unbound(rhs)) {
                (CmpOp::Eq, Some(v), _) => {
                    let e = expr(rhs, layout, interner);
                    layout.push(v);
                    Transform::Assign(e)
                }
                (CmpOp::Eq, None, Some(v)) => {
                    let e = expr(lhs, layout, interner);
                    layout.push(v);
                    Transform::Assign(e)
                }
                _ => Transform::Cmp(
                    expr(lhs, layout, interner),
                    *op,
                    expr(rhs, layout, interner),
                ),
            })
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}
