//! Stage 2 — ir: the typed, name-resolved program that the checker (`check`) produces and every
//! later stage reads: the magic-set rewrite, the planner, the evaluator and the explainer.
//!
//! # What it fixes
//! The AST ([`crate::syntax`]) keeps what was written: predicate names as strings, built-ins
//! as atoms with reserved names, `_` as it stands. Here those are resolved once:
//! - a predicate is a [`Pred`]: a user's predicate, the demand predicate of one (magic-set
//!   rewrite), or a query's head, so an internal predicate is never recognised by a
//!   character inside a name;
//! - a built-in is a [`Literal::Builtin`], never an atom;
//! - a variable is a [`Var`]: one the user named, or a fresh one from [`FreshVars`], which
//!   cannot collide with anything a user writes (`_1` is a user's variable);
//! - each rule knows where it comes from ([`Origin`]).

mod builtin;
mod display;
pub mod intern;

pub use crate::source::Span;
pub use crate::syntax::{AggOp, ArithOp, CmpOp, Const};
pub use builtin::{Builtin, compile_regex};
pub use intern::{Id, Interner, Row};
use std::collections::{BTreeSet, HashMap};

/// A predicate.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Pred {
    /// A predicate of the knowledge base, by its name.
    User(String),
    /// The demand predicate of a goal-directed predicate (magic-set rewrite): the input
    /// values some rule or query asks it for.
    Demand(Box<Pred>),
    /// The head of the rule a query was turned into.
    Query,
    /// The auxiliary relation of aggregate number `n` of a program: the distinct bindings of
    /// its group and body variables ([`Aggregate`]).
    Aggregate(u32),
    /// Copy `k` of a predicate's rules, read by one negated literal or aggregate only, so
    /// that the demand it gets comes from that literal alone (see
    /// the transform stage's demand contexts). It shows as the predicate it copies.
    Context(Box<Pred>, u32),
    /// A superset of a predicate of a recursive stratum, computed without the negations of
    /// that stratum that need demand: the demand of a negated goal-directed call whose input
    /// only that stratum binds is taken from it (the transform stage's relaxed copies). Never part
    /// of an answer or a proof.
    Relaxed(Box<Pred>),
}

impl Pred {
    /// A user predicate.
    pub fn user(name: impl Into<String>) -> Self {
        Pred::User(name.into())
    }

    /// The user predicate's name; `None` for internal predicates.
    pub fn user_name(&self) -> Option<&str> {
        match self {
            Pred::User(n) => Some(n),
            _ => None,
        }
    }

    /// The predicate a context copy copies (itself for any other).
    pub fn original(&self) -> &Pred {
        match self {
            Pred::Context(p, _) => p.original(),
            p => p,
        }
    }

    /// True for a predicate the user wrote (not a demand or query predicate).
    pub fn is_user(&self) -> bool {
        matches!(self, Pred::User(_))
    }
}

/// A variable.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Var {
    /// A variable as the user wrote it (`X`, `_Name`, `_1`).
    Named(String),
    /// A variable made by a rewrite (an opened `_`), numbered by [`FreshVars`].
    Fresh(u32),
}

impl Var {
    /// A named variable.
    pub fn named(name: impl Into<String>) -> Self {
        Var::Named(name.into())
    }
}

/// Hands out fresh variables, numbered from 0; one generator per rule or query keeps them
/// distinct from each other, and [`Var::Fresh`] keeps them distinct from named ones.
#[derive(Debug, Clone, Default)]
pub struct FreshVars {
    next: u32,
}

impl FreshVars {
    /// A variable not handed out before by this generator.
    pub fn fresh(&mut self) -> Var {
        self.next += 1;
        Var::Fresh(self.next)
    }
}

/// An argument: a variable, `_` (any value, never shared) or a constant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Term {
    /// A variable.
    Var(Var),
    /// `_`.
    Wildcard,
    /// A constant.
    Const(Const),
}

impl Term {
    /// The constant, if this is one.
    pub fn as_const(&self) -> Option<&Const> {
        match self {
            Term::Const(c) => Some(c),
            _ => None,
        }
    }

    /// The variable, if this is one.
    pub fn as_var(&self) -> Option<&Var> {
        match self {
            Term::Var(v) => Some(v),
            _ => None,
        }
    }
}

/// An atom over a predicate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Atom {
    /// The predicate.
    pub pred: Pred,
    /// Its arguments.
    pub args: Vec<Term>,
    /// Where it was written (a rewrite keeps the span of the atom it came from).
    pub span: Span,
}

/// Integer arithmetic over terms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Expr {
    /// A term.
    Term(Term),
    /// `lhs op rhs`.
    Binary(Box<Expr>, ArithOp, Box<Expr>),
}

impl Expr {
    /// Calls `f` on every variable, left to right.
    pub fn each_var<'a>(&'a self, f: &mut impl FnMut(&'a Var)) {
        match self {
            Expr::Term(Term::Var(v)) => f(v),
            Expr::Term(_) => {}
            Expr::Binary(l, _, r) => {
                l.each_var(f);
                r.each_var(f);
            }
        }
    }

    /// Whether `_` stands anywhere in it (it has no value to compute with).
    pub fn has_wildcard(&self) -> bool {
        match self {
            Expr::Term(t) => matches!(t, Term::Wildcard),
            Expr::Binary(l, _, r) => l.has_wildcard() || r.has_wildcard(),
        }
    }
}

/// A body literal, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Literal {
    /// A positive atom: holds for each matching tuple.
    Pos(Atom),
    /// A negated atom: holds when no tuple matches.
    Neg(Atom),
    /// A built-in, possibly negated.
    Builtin {
        /// Which.
        builtin: Builtin,
        /// Its arguments.
        args: Vec<Term>,
        /// `!matches(…)` and the like.
        negated: bool,
        /// Where it was written.
        span: Span,
    },
    /// A comparison (`=` binds an unbound variable side).
    Cmp {
        /// Left side.
        lhs: Expr,
        /// Operator.
        op: CmpOp,
        /// Right side.
        rhs: Expr,
        /// Where it was written.
        span: Span,
    },
    /// An aggregate over the tuples of one group of its auxiliary relation.
    Aggregate(Box<Aggregate>),
}

/// `result = op value : { body }`, resolved. The body becomes the auxiliary rule
/// `aux(G1…Gk, L1…Lm) :- body` (group variables first, then the body's own variables), so
/// the aggregated relation is complete (a lower stratum) before the value is taken; the
/// literal reads the tuples of `aux` whose first `group` columns are the group's values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Aggregate {
    /// The function.
    pub op: AggOp,
    /// The auxiliary atom: `Pred::Aggregate(n)` over the group, then the local variables.
    pub aux: Atom,
    /// Number of leading group columns of `aux` (variables the rest of the rule binds).
    pub group: usize,
    /// The column of `aux` whose values `sum`, `min` and `max` take.
    pub value: Option<usize>,
    /// The variable receiving the value.
    pub result: Var,
    /// The body as written (lowered), for proofs and explanations.
    pub body: Vec<Literal>,
    /// Where it was written.
    pub span: Span,
}

impl Aggregate {
    /// The group variables, in `aux`'s order.
    pub fn group_vars(&self) -> impl Iterator<Item = &Var> {
        self.aux.args[..self.group].iter().filter_map(Term::as_var)
    }

    /// The body's own variables (what distinct bindings are taken of), in `aux`'s order.
    pub fn local_vars(&self) -> impl Iterator<Item = &Var> {
        self.aux.args[self.group..].iter().filter_map(Term::as_var)
    }
}

impl Literal {
    /// Where it was written.
    pub fn span(&self) -> Span {
        match self {
            Literal::Pos(a) | Literal::Neg(a) => a.span,
            Literal::Builtin { span, .. } | Literal::Cmp { span, .. } => *span,
            Literal::Aggregate(g) => g.span,
        }
    }

    /// The atom of a positive or negated predicate literal.
    pub fn atom(&self) -> Option<&Atom> {
        match self {
            Literal::Pos(a) | Literal::Neg(a) => Some(a),
            _ => None,
        }
    }

    /// The atom of a positive predicate literal.
    pub fn positive_atom(&self) -> Option<&Atom> {
        match self {
            Literal::Pos(a) => Some(a),
            _ => None,
        }
    }

    /// Calls `f` on every variable the rest of the rule can see (an aggregate's group and
    /// result, not the variables of its body).
    pub fn each_var<'a>(&'a self, f: &mut impl FnMut(&'a Var)) {
        match self {
            Literal::Pos(a) | Literal::Neg(a) => a.args.iter().filter_map(Term::as_var).for_each(f),
            Literal::Builtin { args, .. } => args.iter().filter_map(Term::as_var).for_each(f),
            Literal::Cmp { lhs, rhs, .. } => {
                lhs.each_var(f);
                rhs.each_var(f);
            }
            Literal::Aggregate(g) => {
                g.group_vars().for_each(&mut *f);
                f(&g.result);
            }
        }
    }

    /// Its variables.
    pub fn vars(&self) -> BTreeSet<Var> {
        let mut out = BTreeSet::new();
        self.each_var(&mut |v| {
            out.insert(v.clone());
        });
        out
    }
}

/// The index of a clause in the checked program ([`crate::syntax::Program::clauses`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct ClauseId(pub usize);

/// Where a rule of an evaluated program comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Origin {
    /// A clause of the knowledge base (goal-directed rules carry a demand atom first).
    User(ClauseId),
    /// A demand rule of the magic-set rewrite.
    Demand,
    /// The rule a query was turned into.
    Query,
    /// The auxiliary rule of an aggregate written in this clause (or, with `None`, in a
    /// query).
    Aggregate(Option<ClauseId>),
}

/// A rule (or, with an empty body, a fact) of the program.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    /// The head.
    pub head: Atom,
    /// The body, as written (the planner orders it).
    pub body: Vec<Literal>,
    /// Where it comes from.
    pub origin: Origin,
    /// The clause it comes from (the head's atom for rewrites).
    pub span: Span,
}

impl Rule {
    /// True for a rule without a body.
    pub fn is_fact(&self) -> bool {
        self.body.is_empty()
    }

    /// Replaces each `_` of the positive atoms of its body by a fresh variable, so a solution
    /// names the whole tuple each premise matched.
    pub fn open_wildcards(&self) -> Rule {
        let mut fresh = FreshVars::default();
        let body = self
            .body
            .iter()
            .map(|l| match l {
                Literal::Pos(a) => Literal::Pos(a.open_wildcards(&mut fresh).0),
                other => other.clone(),
            })
            .collect();
        Rule {
            body,
            ..self.clone()
        }
    }
}

impl Atom {
    /// The atom with each `_` replaced by a fresh variable from `fresh`; returns it and its
    /// variables in order of first appearance.
    pub fn open_wildcards(&self, fresh: &mut FreshVars) -> (Atom, Vec<Var>) {
        let mut vars: Vec<Var> = Vec::new();
        let args = self
            .args
            .iter()
            .map(|t| match t {
                Term::Wildcard => {
                    let v = fresh.fresh();
                    vars.push(v.clone());
                    Term::Var(v)
                }
                Term::Var(v) => {
                    if !vars.contains(v) {
                        vars.push(v.clone());
                    }
                    t.clone()
                }
                c => c.clone(),
            })
            .collect();
        (
            Atom {
                args,
                ..self.clone()
            },
            vars,
        )
    }
}

/// The bound argument positions (0-based) of each goal-directed predicate: its *adornment*
/// in Ullman's terms, the arguments a question must supply. Absent means none.
pub type Adornments = HashMap<Pred, BTreeSet<usize>>;
