//! Top-down search over a model: the tuples matching an atom under a substitution, the
//! extensions of a substitution that make a literal hold, and depth-first search through a
//! rule body. The proof builder and why-not both read the model through it.
//!
//! This is a second reading of literal semantics beside the evaluator's; it is kept small
//! and shares the meaning of built-ins ([`crate::engine::functions`]). The proof checker
//! ([`super::checker`]) has its own on purpose.

use super::bounds::Bounds;
use crate::check::order_body;
use crate::engine::functions::ArithError;
use crate::engine::{Layered, functions};
use crate::ir::{Adornments, Aggregate, Atom, Const, Expr, Id, Interner, Literal, Term, Var};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

/// Substitution during the search: variable → value.
pub type Subst = HashMap<Var, Const>;

/// Row numbers of a relation by the values of some of its columns.
type RowIndex = HashMap<Vec<Id>, Vec<usize>>;

/// Reads a model top-down.
pub struct Matcher<'a> {
    /// The model.
    pub model: Layered<'a>,
    /// The interner its rows use.
    pub interner: &'a Interner,
    /// Row indexes by (predicate, bound columns), built when a search first needs one.
    indexes: RefCell<HashMap<(crate::ir::Pred, Vec<usize>), RowIndex>>,
    /// The resource limits every search step and proof node counts against.
    pub bounds: Bounds,
}

/// Bound leading columns of fewer rows than this are scanned rather than indexed.
const SCAN_BELOW: usize = 64;

impl<'a> Matcher<'a> {
    /// A matcher over `model`.
    pub fn new(model: Layered<'a>, interner: &'a Interner) -> Self {
        Matcher {
            model,
            interner,
            indexes: RefCell::default(),
            bounds: Bounds::default(),
        }
    }

    /// The row of ids of ground arguments, if every value was ever interned.
    pub fn row_of(&self, args: &[Const]) -> Option<Vec<Id>> {
        args.iter().map(|c| self.interner.get(c)).collect()
    }

    /// The height of a ground atom, if it holds.
    pub fn height(&self, pred: &crate::ir::Pred, args: &[Const]) -> Option<u32> {
        self.model
            .demand(pred, args.iter().cloned().enumerate().collect());
        self.model.height(pred, &self.row_of(args)?)
    }

    /// Tuples of `a.pred` matching `a` under `subst` (heights below `below`), as extended
    /// substitutions with the tuple's height.
    pub fn matches(&self, a: &Atom, subst: &Subst, below: Option<u32>) -> Vec<(Subst, u32)> {
        self.model.demand(
            &a.pred,
            a.args
                .iter()
                .enumerate()
                .filter_map(|(i, t)| Some((i, term_value(t, subst)?)))
                .collect(),
        );
        let Some(rel) = self.model.relation(&a.pred) else {
            return Vec::new();
        };
        // Bound leading columns narrow the sorted rows to one range; other bound columns use
        // an index built on first need.
        let mut bound: Vec<(usize, Id)> = Vec::new();
        for (i, t) in a.args.iter().enumerate() {
            if let Some(c) = term_value(t, subst) {
                match self.interner.get(&c) {
                    Some(id) => bound.push((i, id)),
                    None => return Vec::new(),
                }
            }
        }
        let prefix_len = bound
            .iter()
            .enumerate()
            .take_while(|(k, (i, _))| k == i)
            .count();
        let prefix: Vec<Id> = bound[..prefix_len].iter().map(|b| b.1).collect();
        let candidates: Vec<usize> = if prefix_len == bound.len()
            || prefix_len > 0 && rel.prefix_range(&prefix).len() < SCAN_BELOW
        {
            rel.prefix_range(&prefix).collect()
        } else {
            let columns: Vec<usize> = bound.iter().map(|b| b.0).collect();
            let key: Vec<Id> = bound.iter().map(|b| b.1).collect();
            let mut cache = self.indexes.borrow_mut();
            let index = cache
                .entry((a.pred.clone(), columns.clone()))
                .or_insert_with(|| {
                    let mut ix: RowIndex = HashMap::new();
                    for i in 0..rel.len() {
                        let row = rel.row(i);
                        ix.entry(columns.iter().map(|&c| row[c]).collect())
                            .or_default()
                            .push(i);
                    }
                    ix
                });
            index.get(&key).cloned().unwrap_or_default()
        };
        let mut out = Vec::new();
        'rows: for i in candidates {
            let (row, h) = (rel.row(i), rel.height_at(i));
            if below.is_some_and(|b| h >= b) {
                continue;
            }
            let mut s = subst.clone();
            for (t, &id) in a.args.iter().zip(row.iter()) {
                let v = self.interner.value(id);
                match t {
                    Term::Wildcard => {}
                    Term::Const(c) if c != v => continue 'rows,
                    Term::Const(_) => {}
                    Term::Var(x) => match s.get(x) {
                        Some(b) if b != v => continue 'rows,
                        Some(_) => {}
                        None => {
                            s.insert(x.clone(), v.clone());
                        }
                    },
                }
            }
            out.push((s, h));
        }
        out
    }

    /// The members of an aggregate's group under `subst` (which binds the group): one
    /// substitution of the auxiliary atom's variables per tuple, in the relation's order.
    pub fn members(&self, g: &Aggregate, subst: &Subst) -> Vec<(Subst, u32)> {
        let mut seed = Subst::new();
        for v in g.group_vars() {
            let Some(c) = subst.get(v) else {
                return Vec::new();
            };
            seed.insert(v.clone(), c.clone());
        }
        self.matches(&g.aux, &seed, None)
    }

    /// The aggregate's value under `subst`; `Ok(None)` when it has none (`min` or `max` of
    /// an empty group).
    pub fn aggregate_value(
        &self,
        g: &Aggregate,
        subst: &Subst,
    ) -> Result<Option<Const>, ArithError> {
        let members: Vec<Subst> = self.members(g, subst).into_iter().map(|m| m.0).collect();
        aggregate_of(g, &members)
    }

    /// All extensions of `subst` that make `lit` hold, each with its premise height (0 for
    /// filters).
    pub fn extend(&self, lit: &Literal, subst: &Subst, below: Option<u32>) -> Vec<(Subst, u32)> {
        let keep = || vec![(subst.clone(), 0)];
        match lit {
            Literal::Pos(a) => self.matches(a, subst, below),
            Literal::Neg(a) => {
                if self.matches(a, subst, None).is_empty() {
                    keep()
                } else {
                    Vec::new()
                }
            }
            Literal::Builtin {
                builtin,
                args,
                negated,
                ..
            } => {
                let vals: Vec<Option<Const>> = args.iter().map(|t| term_value(t, subst)).collect();
                if let Some(out) = builtin.output().filter(|&o| !negated && vals[o].is_none()) {
                    let Some(inputs) = vals[..out].iter().cloned().collect::<Option<Vec<_>>>()
                    else {
                        return Vec::new();
                    };
                    let Some(v) = functions::compute(*builtin, &inputs) else {
                        return Vec::new();
                    };
                    let mut s = subst.clone();
                    if let Term::Var(x) = &args[out] {
                        s.insert(x.clone(), v);
                    }
                    return vec![(s, 0)];
                }
                let Some(vals) = vals.into_iter().collect::<Option<Vec<_>>>() else {
                    return Vec::new();
                };
                if functions::test(*builtin, &vals, None) != *negated {
                    keep()
                } else {
                    Vec::new()
                }
            }
            Literal::Aggregate(g) => {
                let Ok(Some(value)) = self.aggregate_value(g, subst) else {
                    return Vec::new();
                };
                match subst.get(&g.result) {
                    Some(b) if *b != value => Vec::new(),
                    Some(_) => keep(),
                    None => {
                        let mut s = subst.clone();
                        s.insert(g.result.clone(), value);
                        vec![(s, 0)]
                    }
                }
            }
            Literal::Cmp { lhs, op, rhs, .. } => {
                match (expr_value(lhs, subst), expr_value(rhs, subst)) {
                    (Some(a), Some(b)) if functions::compare(&a, *op, &b) => keep(),
                    (Some(_), Some(_)) => Vec::new(),
                    (None, Some(v)) | (Some(v), None) => {
                        let var = match (lhs, rhs) {
                            (Expr::Term(Term::Var(x)), _) if !subst.contains_key(x) => x,
                            (_, Expr::Term(Term::Var(x))) if !subst.contains_key(x) => x,
                            _ => return Vec::new(),
                        };
                        let mut s = subst.clone();
                        s.insert(var.clone(), v);
                        vec![(s, 0)]
                    }
                    _ => Vec::new(),
                }
            }
        }
    }

    /// Depth-first search over `lits`; calls `done` with each full solution and its largest
    /// premise height until it returns true. Returns whether it did. Each step spends one
    /// unit of `budget`; at zero the search gives up, and so it does once a resource limit
    /// is reached ([`Matcher::bounds`]).
    pub fn search(
        &self,
        lits: &[&Literal],
        subst: Subst,
        top: u32,
        below: Option<u32>,
        budget: &mut usize,
        done: &mut dyn FnMut(&Subst, u32) -> bool,
    ) -> bool {
        let Some((lit, rest)) = lits.split_first() else {
            return done(&subst, top);
        };
        if *budget == 0 || !self.bounds.step() {
            return false;
        }
        *budget -= 1;
        for (s, h) in self.extend(lit, &subst, below) {
            if self.search(rest, s, top.max(h), below, budget, done) {
                return true;
            }
        }
        false
    }

    /// The first substitution satisfying `body` from `seed` (in the planner's order), every
    /// positive premise with a height below `below` when given; with its largest premise
    /// height.
    pub fn first_solution(
        &self,
        body: &[Literal],
        seed: Subst,
        below: Option<u32>,
        budget: &mut usize,
    ) -> Option<(Subst, u32)> {
        let lits = ordered(body, &seed)?;
        let mut found = None;
        self.search(&lits, seed, 0, below, budget, &mut |s, top| {
            found = Some((s.clone(), top));
            true
        });
        found
    }
}

/// The value of aggregate `g` over these members (substitutions of its auxiliary atom's
/// variables), by [`functions::aggregate`].
///
/// Errors: as that function's.
pub fn aggregate_of(g: &Aggregate, members: &[Subst]) -> Result<Option<Const>, ArithError> {
    let any = Const::Int(0);
    let var = g
        .value
        .and_then(|c| g.aux.args.get(c))
        .and_then(Term::as_var);
    functions::aggregate(
        g.op,
        members
            .iter()
            .map(|m| var.and_then(|v| m.get(v)).unwrap_or(&any)),
    )
}

/// `body` in the order it can run with `seed` bound; `None` if some literal never can.
pub fn ordered<'b>(body: &'b [Literal], seed: &Subst) -> Option<Vec<&'b Literal>> {
    let bound: BTreeSet<Var> = seed.keys().cloned().collect();
    let order = order_body(body, &Adornments::new(), &bound);
    order
        .stuck
        .is_empty()
        .then(|| order.order.iter().map(|&i| &body[i]).collect())
}

/// The substitution that makes `head` equal `args`, if any.
pub fn unify_head(head: &Atom, args: &[Const]) -> Option<Subst> {
    let mut s = Subst::new();
    for (t, c) in head.args.iter().zip(args) {
        match t {
            Term::Const(k) if k != c => return None,
            Term::Var(v) => match s.get(v) {
                Some(b) if b != c => return None,
                _ => {
                    s.insert(v.clone(), c.clone());
                }
            },
            _ => {}
        }
    }
    Some(s)
}

/// The value of a term under `s`.
pub fn term_value(t: &Term, s: &Subst) -> Option<Const> {
    match t {
        Term::Const(c) => Some(c.clone()),
        Term::Var(v) => s.get(v).cloned(),
        Term::Wildcard => None,
    }
}

/// The value of an expression under `s`; `None` when unbound, not an integer, or undefined
/// (overflow, division by zero).
pub fn expr_value(e: &Expr, s: &Subst) -> Option<Const> {
    match e {
        Expr::Term(t) => term_value(t, s),
        Expr::Binary(l, op, r) => {
            let (Const::Int(a), Const::Int(b)) = (expr_value(l, s)?, expr_value(r, s)?) else {
                return None;
            };
            functions::arith(*op, a, b).ok().map(Const::Int)
        }
    }
}

/// Why an expression has no value under a substitution: the first operation that is
/// undefined (overflow, division by zero, a non-integer operand), shown with its values.
pub fn undefined(e: &Expr, s: &Subst) -> Option<String> {
    let Expr::Binary(l, op, r) = e else {
        return None;
    };
    if let Some(u) = undefined(l, s).or_else(|| undefined(r, s)) {
        return Some(u);
    }
    let (a, b) = (expr_value(l, s)?, expr_value(r, s)?);
    let shown = format!("{} {} {}", show_expr(l, s), op_text(*op), show_expr(r, s));
    let (Const::Int(x), Const::Int(y)) = (&a, &b) else {
        let bad = if matches!(a, Const::Int(_)) { b } else { a };
        return Some(format!("{shown} is undefined: {bad} is not an integer"));
    };
    functions::arith(*op, *x, *y)
        .err()
        .map(|err| format!("{shown} is undefined: {err}"))
}

fn op_text(op: crate::ir::ArithOp) -> &'static str {
    use crate::ir::ArithOp::*;
    match op {
        Add => "+",
        Sub => "-",
        Mul => "*",
        Div => "/",
        Rem => "mod",
    }
}

/// The arguments of `a` under `s`, if all are bound.
pub fn ground_args(a: &Atom, s: &Subst) -> Option<Vec<Const>> {
    a.args.iter().map(|t| term_value(t, s)).collect()
}

fn show_term(t: &Term, s: &Subst) -> String {
    term_value(t, s).map_or_else(|| t.to_string(), |c| c.to_string())
}

fn show_expr(e: &Expr, s: &Subst) -> String {
    match e {
        Expr::Term(t) => show_term(t, s),
        Expr::Binary(..) => match expr_value(e, s) {
            Some(v) => format!("{v} (= {e})"),
            None => e.to_string(),
        },
    }
}

/// A literal with the substitution's values in place of its variables (`_` stays).
pub fn instantiate(lit: &Literal, s: &Subst) -> String {
    let call = |name: String, args: &[Term]| {
        if args.is_empty() {
            return name;
        }
        let a: Vec<String> = args.iter().map(|t| show_term(t, s)).collect();
        format!("{name}({})", a.join(", "))
    };
    match lit {
        Literal::Pos(a) => call(a.pred.to_string(), &a.args),
        Literal::Neg(a) => format!("!{}", call(a.pred.to_string(), &a.args)),
        Literal::Builtin {
            builtin,
            args,
            negated,
            ..
        } => format!(
            "{}{}",
            if *negated { "!" } else { "" },
            call(builtin.name().to_string(), args)
        ),
        Literal::Cmp { lhs, op, rhs, .. } => {
            format!(
                "{} {} {}",
                show_expr(lhs, s),
                op.as_str(),
                show_expr(rhs, s)
            )
        }
        Literal::Aggregate(g) => {
            let body: Vec<String> = g.body.iter().map(|l| instantiate(l, s)).collect();
            let value = g
                .value
                .and_then(|c| g.aux.args.get(c))
                .map_or(String::new(), |v| format!(" {v}"));
            let agg = format!("{}{value} : {{ {} }}", g.op.as_str(), body.join(", "));
            match s.get(&g.result) {
                Some(v) => format!("{agg} = {v}"),
                None => format!("{} = {agg}", g.result),
            }
        }
    }
}
