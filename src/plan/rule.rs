//! Rule compilation: a checked rule body, in the order [`order_body`](crate::check::order_body)
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

use crate::ir::{
    ArithOp, Atom, Builtin, CmpOp, Expr, Id, Interner, Literal, Pred, Rule, Term, Var,
};
use crate::source::{Code, Diagnostic};
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
    pub pred: Pred,
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
    /// Appends a slot holding the value of an aggregate over the tuples of `pred` (an
    /// aggregate's auxiliary relation, complete) whose leading columns are `group`'s values;
    /// the row is dropped when there is none (`min`/`max` of an empty group).
    Aggregate {
        /// The function.
        op: crate::ir::AggOp,
        /// The auxiliary relation.
        pred: Pred,
        /// The column of `pred` whose values are taken (`sum`, `min`, `max`).
        value: Option<usize>,
        /// The group's values, in `pred`'s column order.
        group: Vec<CExpr>,
    },
    /// Appends a slot holding the value of a function built-in (`length(S, N)`,
    /// `concat(A, B, C)`, …) of these inputs; the row is dropped when it has none.
    Compute {
        /// Which function.
        builtin: Builtin,
        /// Its inputs (every argument but the output).
        inputs: Vec<CExpr>,
    },
}

impl Transform {
    /// Whether it appends a slot to the row (rather than only filtering it).
    pub fn appends(&self) -> bool {
        matches!(
            self,
            Transform::Assign(_) | Transform::Compute { .. } | Transform::Aggregate { .. }
        )
    }
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

/// One argument of a rule's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadArg {
    /// The value in this slot of the last segment's row.
    Slot(usize),
    /// A constant.
    Const(Id),
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct RulePlan {
    /// Index of the rule in the program the plan was made from.
    pub rule: usize,
    /// Head predicate.
    pub head_pred: Pred,
    /// Head arguments.
    pub head: Vec<HeadArg>,
    /// The segments, in order.
    pub segments: Vec<Segment>,
}

impl RulePlan {
    /// The most columns the evaluator packs into one row for this rule: a tuple of an atom
    /// it reads, a keyed row between segments (its key and other values, packed together),
    /// a head tuple.
    /// (A segment's binding row is never packed: it is built column by column.)
    pub fn packed_width(&self) -> usize {
        self.segments
            .iter()
            .flat_map(|s| s.next.iter().map(|b| b.key.len() + b.rest.len()))
            .chain(self.segments.iter().filter_map(|s| match &s.start {
                Start::Scan(a) | Start::Join(a) | Start::Anti(a) => Some(a.pats.len()),
                Start::Unit => None,
            }))
            .chain([self.head.len()])
            .max()
            .unwrap_or(0)
    }
}

/// The slots of a binding row: the variable each holds (`None` for a slot nothing reads).
pub(super) type Layout = Vec<Option<Var>>;

/// Why a rule cannot be compiled although check accepted it: the planner and the checker
/// disagree, a bug reported as such (never a panic).
pub(super) fn internal(what: &str, at: crate::source::Span) -> Diagnostic {
    Diagnostic::error(
        Code::NotEvaluable,
        format!("internal error: the planner met {what} that the checker should have rejected"),
        at,
    )
}

pub(super) fn term_expr(t: &Term, layout: &Layout, interner: &mut Interner) -> Option<CExpr> {
    match t {
        Term::Var(v) => slot(layout, v).map(CExpr::Slot),
        Term::Const(c) => Some(CExpr::Const(interner.intern(c))),
        Term::Wildcard => None,
    }
}

pub(super) fn slot(layout: &Layout, v: &Var) -> Option<usize> {
    layout.iter().position(|x| x.as_ref() == Some(v))
}

pub(super) fn expr(e: &Expr, layout: &Layout, interner: &mut Interner) -> Option<CExpr> {
    Some(match e {
        Expr::Term(t) => term_expr(t, layout, interner)?,
        Expr::Binary(l, op, r) => CExpr::Binary(
            Box::new(expr(l, layout, interner)?),
            *op,
            Box::new(expr(r, layout, interner)?),
        ),
    })
}

/// The shape of `a` against the bound variables; the new variables it binds, in order.
/// Variables bound here that nothing in `live` reads become `Any`.
/// An atom's shape against the bound variables, with the variables that form its join key
/// and the new ones it binds, in argument order.
struct Shaped {
    shape: AtomShape,
    key: Vec<Var>,
    new: Vec<Var>,
}

fn shape(a: &Atom, bound: &Layout, live: &BTreeSet<Var>, interner: &mut Interner) -> Shaped {
    let mut first_at: HashMap<&Var, usize> = HashMap::new();
    let mut pats = Vec::with_capacity(a.args.len());
    let mut key = Vec::new();
    let mut new = Vec::new();
    for (i, t) in a.args.iter().enumerate() {
        pats.push(match t {
            Term::Const(c) => Pat::Const(interner.intern(c)),
            Term::Wildcard => Pat::Any,
            Term::Var(v) if bound.iter().any(|b| b.as_ref() == Some(v)) => {
                key.push(v.clone());
                Pat::Key
            }
            Term::Var(v) => {
                if let Some(&j) = first_at.get(v) {
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
    Shaped {
        shape: AtomShape {
            pred: a.pred.clone(),
            pats,
        },
        key,
        new,
    }
}

/// Compiles rule number `index` with its body in `order`.
///
/// Errors: a constant regular expression that does not compile; an internal disagreement
/// with the checker (a variable the order leaves unbound).
pub fn compile(
    index: usize,
    rule: &Rule,
    order: &[usize],
    interner: &mut Interner,
) -> Result<RulePlan, Diagnostic> {
    let lits: Vec<&Literal> = order.iter().map(|&i| &rule.body[i]).collect();
    // live_after[k]: variables read by literal k or later, or by the head.
    let mut live_after = vec![BTreeSet::new(); lits.len() + 1];
    live_after[lits.len()].extend(rule.head.args.iter().filter_map(Term::as_var).cloned());
    for k in (0..lits.len()).rev() {
        let mut s = live_after[k + 1].clone();
        s.extend(lits[k].vars());
        live_after[k] = s;
    }
    let mut c = Chain {
        segments: Vec::new(),
        layout: Vec::new(),
    };
    let mut k = 0;
    // The source.
    if let Some(Literal::Pos(a)) = lits.first() {
        let shaped = shape(a, &c.layout, &live_after[1], interner);
        c.layout = shaped.new.into_iter().map(Some).collect();
        c.begin(Start::Scan(shaped.shape));
        k = 1;
    } else {
        c.begin(Start::Unit);
    }
    while k < lits.len() {
        match lits[k] {
            lit @ (Literal::Pos(a) | Literal::Neg(a)) => c.atom(
                a,
                matches!(lit, Literal::Neg(_)),
                &live_after[k + 1],
                interner,
            )?,
            Literal::Aggregate(g) => c.aggregate(g)?,
            lit => {
                let t = super::filters::transform(lit, &mut c.layout, interner)?;
                c.push(t);
            }
        }
        k += 1;
    }
    let head = rule
        .head
        .args
        .iter()
        .map(|t| match t {
            Term::Var(v) => slot(&c.layout, v)
                .map(HeadArg::Slot)
                .ok_or_else(|| internal("an unbound head variable", rule.span)),
            Term::Const(cst) => Ok(HeadArg::Const(interner.intern(cst))),
            Term::Wildcard => Err(internal("`_` in a head", rule.span)),
        })
        .collect::<Result<_, _>>()?;
    Ok(RulePlan {
        rule: index,
        head_pred: rule.head.pred.clone(),
        head,
        segments: c.segments,
    })
}

/// A rule's segments as they are built, and the slots of the current binding row.
struct Chain {
    segments: Vec<Segment>,
    layout: Layout,
}

impl Chain {
    /// Starts a segment whose row is the current layout.
    fn begin(&mut self, start: Start) {
        self.segments.push(Segment {
            start,
            width: self.layout.len(),
            transforms: Vec::new(),
            next: None,
        });
    }

    /// Adds a transform to the current segment.
    fn push(&mut self, t: Transform) {
        if let Some(last) = self.segments.last_mut() {
            last.transforms.push(t);
        }
    }

    /// A positive atom (a keyed join) or a negated one (an antijoin): ends the current
    /// segment with a boundary carrying the variables still `live`, and starts the next.
    fn atom(
        &mut self,
        a: &Atom,
        negated: bool,
        live_after: &BTreeSet<Var>,
        interner: &mut Interner,
    ) -> Result<(), Diagnostic> {
        let live = if negated {
            BTreeSet::new()
        } else {
            live_after.clone()
        };
        let shaped = shape(a, &self.layout, &live, interner);
        let rest: Vec<Var> = self
            .layout
            .iter()
            .flatten()
            .filter(|v| !shaped.key.contains(v) && live_after.contains(*v))
            .cloned()
            .collect();
        let slots = |vars: &[Var]| -> Result<Vec<usize>, Diagnostic> {
            vars.iter()
                .map(|v| {
                    slot(&self.layout, v).ok_or_else(|| internal("an unbound variable", a.span))
                })
                .collect()
        };
        let boundary = Boundary {
            key: slots(&shaped.key)?,
            rest: slots(&rest)?,
        };
        if let Some(last) = self.segments.last_mut() {
            last.next = Some(boundary);
        }
        self.layout = shaped
            .key
            .into_iter()
            .chain(rest)
            .chain(if negated { Vec::new() } else { shaped.new })
            .map(Some)
            .collect();
        self.begin(if negated {
            Start::Anti(shaped.shape)
        } else {
            Start::Join(shaped.shape)
        });
        Ok(())
    }

    /// An aggregate: appends its value for the row's group; a result bound before is
    /// tested against it.
    fn aggregate(&mut self, g: &crate::ir::Aggregate) -> Result<(), Diagnostic> {
        let group = g
            .group_vars()
            .map(|v| {
                slot(&self.layout, v)
                    .map(CExpr::Slot)
                    .ok_or_else(|| internal("an unbound group variable", g.span))
            })
            .collect::<Result<_, _>>()?;
        self.push(Transform::Aggregate {
            op: g.op,
            pred: g.aux.pred.clone(),
            value: g.value,
            group,
        });
        let bound = slot(&self.layout, &g.result);
        if let Some(old) = bound {
            self.push(Transform::Cmp(
                CExpr::Slot(self.layout.len()),
                CmpOp::Eq,
                CExpr::Slot(old),
            ));
        }
        self.layout.push(if bound.is_some() {
            None
        } else {
            Some(g.result.clone())
        });
        Ok(())
    }
}
