//! Bottom-up evaluation on datafrog: stratum by stratum, semi-naive within a stratum.
//!
//! # The strategy
//! Every predicate of the stratum is a datafrog `Variable<Row>`; every rule is the chain of
//! operators its [`RulePlan`] describes, each reading only the *recent* tuples of its input
//! (datafrog's joins combine recent with stable), so each round does only the new work:
//! semi-naive evaluation (Bancilhon and Ramakrishnan, "An amateur's introduction to recursive
//! query processing strategies", 1986). Predicates of lower strata enter as variables filled
//! once; negated ones as sorted `Relation`s for `Variable::from_antijoin` (datafrog 2.0.1's
//! `Relation::from_antijoin` returns nothing).
//!
//! Rows are packed into the narrowest [`Tuple`] that holds every row, key and value of the
//! program (one `u64` for two columns, one `u128` for four, two for eight), so datafrog's
//! sorts and merges compare integers, not vectors; wider programs use `Vec<u32>`.
//!
//! Each segment of a plan runs as one operator: a scan, a keyed join or an antijoin whose
//! output passes the segment's filters and assignments before it is stored, so no relation
//! holds rows a later filter drops. Keyed indexes of atoms are shared by every rule that
//! reads the same atom shape.
//!
//! Heights: after each `Iteration::changed`, the recent tuples of the stratum's predicates are
//! logged with the global round number; a tuple first appears as recent in the round after
//! all its premises did, so heights strictly increase along every first derivation. The log
//! replaces datafrog's final merge: sorting it (a merge of sorted runs) gives the model.

use super::functions::{self, ArithError};
use super::intern::{Id, Interner};
use super::model::{EvalWarning, Layered, Model, Relation};
use super::plan::{AtomShape, Boundary, CExpr, Pat, RulePlan, Start, Transform, compile};
use super::tuple::Tuple;
use crate::check::{Inputs, order_body, stratify};
use crate::diag::Diagnostic;
use crate::syntax::{Clause, Const, Literal};
use datafrog::{Iteration, Relation as DfRelation, Variable};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Rows of interned ids by predicate: facts given to an evaluation from outside its clauses.
pub type FactRows = HashMap<String, Vec<Vec<Id>>>;

/// Where a rule of an evaluated program comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Clause number `i` of the knowledge base (goal-directed rules carry a demand atom first).
    User(usize),
    /// A demand rule of the magic-set rewrite.
    Demand,
    /// The rule a query was turned into.
    Query,
}

/// A clause to evaluate, with where it comes from.
#[derive(Debug, Clone)]
pub struct EvalRule {
    /// The clause (facts have an empty body).
    pub clause: Clause,
    /// Its origin.
    pub origin: Origin,
}

/// Resource limits and options of one evaluation.
#[derive(Debug, Clone)]
pub struct EvalConfig {
    /// A folder whose `PRED.tsv` / `PRED.csv` files hold more facts of `PRED` (`--facts`).
    pub facts_dir: Option<std::path::PathBuf>,
    /// Record each tuple's height (needed for proofs; off only to measure its cost).
    pub heights: bool,
    /// Most tuples one evaluation may derive.
    pub max_tuples: usize,
    /// Longest an evaluation may run.
    pub timeout: Option<Duration>,
    /// Set to stop an evaluation early (Ctrl-C in the REPL).
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            facts_dir: None,
            heights: true,
            max_tuples: 20_000_000,
            timeout: None,
            cancel: None,
        }
    }
}

/// Why an evaluation stopped without a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The program cannot be evaluated (unsafe after rewriting, bad pattern, cycle).
    Program(Vec<Diagnostic>),
    /// A resource limit was reached.
    Limit {
        /// Which limit.
        what: &'static str,
        /// Its value.
        limit: String,
        /// How to raise it.
        hint: &'static str,
    },
    /// Cancelled by the user.
    Cancelled,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Program(d) => write!(
                f,
                "{}",
                d.first().map_or("cannot evaluate", |d| d.message.as_str())
            ),
            EvalError::Limit { what, limit, hint } => {
                write!(f, "stopped: the {what} limit ({limit}) was reached; {hint}")
            }
            EvalError::Cancelled => write!(f, "evaluation cancelled"),
        }
    }
}

type Keyed<R> = Variable<(R, R)>;

/// One operator of a stratum's loop.
enum Op<R: Tuple> {
    /// Feeds a shared keyed index from its predicate's new tuples.
    Index {
        src: Variable<R>,
        shape: AtomShape,
        out: Keyed<R>,
    },
    /// A segment.
    Segment {
        rule: usize,
        input: Input<R>,
        transforms: Vec<Transform>,
        sink: Sink<R>,
    },
}

enum Input<R: Tuple> {
    Scan {
        src: Variable<R>,
        shape: AtomShape,
    },
    Unit {
        src: Variable<R>,
    },
    Join {
        left: Keyed<R>,
        right: Keyed<R>,
        key: usize,
        rest: usize,
        new: usize,
    },
    Anti {
        left: Keyed<R>,
        rel: Vec<R>,
        key: usize,
        rest: usize,
    },
}

enum Sink<R: Tuple> {
    Keyed {
        out: Keyed<R>,
        boundary: Boundary,
    },
    Head {
        out: Variable<R>,
        head: Vec<Result<usize, Id>>,
    },
}

struct Ctx<'a> {
    interner: &'a RefCell<Interner>,
    warnings: &'a RefCell<BTreeMap<usize, String>>,
    guard: Guard<'a>,
}

/// Enforces the limits inside an operator, so that one huge join cannot run for minutes or
/// exhaust memory before the end of its round: every row an operator makes counts, and every
/// few thousand rows the clock and the cancel flag are read.
struct Guard<'a> {
    config: &'a EvalConfig,
    started: Instant,
    made: std::cell::Cell<usize>,
    stop: RefCell<Option<EvalError>>,
}

impl Guard<'_> {
    /// Counts one row; false once a limit is reached (the error is kept for [`Guard::check`]).
    fn tick(&self) -> bool {
        let n = self.made.get() + 1;
        self.made.set(n);
        if n > self.config.max_tuples {
            self.stop.borrow_mut().get_or_insert(EvalError::Limit {
                what: "derived tuples",
                limit: self.config.max_tuples.to_string(),
                hint: "raise it with --max-tuples N",
            });
            return false;
        }
        if n.is_multiple_of(4096)
            && let Err(e) = self.clock()
        {
            self.stop.borrow_mut().get_or_insert(e);
            return false;
        }
        true
    }

    fn clock(&self) -> Result<(), EvalError> {
        if let Some(t) = self.config.timeout
            && self.started.elapsed() > t
        {
            return Err(EvalError::Limit {
                what: "evaluation time",
                limit: format!("{t:?}"),
                hint: "raise it with --timeout SECONDS",
            });
        }
        if self
            .config
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Err(EvalError::Cancelled);
        }
        Ok(())
    }

    /// Starts a new operator's count; the first limit reached, if any.
    fn check(&self) -> Result<(), EvalError> {
        self.made.set(0);
        if let Some(e) = self.stop.borrow_mut().take() {
            return Err(e);
        }
        self.clock()
    }
}

impl Ctx<'_> {
    fn value(&self, e: &CExpr, row: &[Id]) -> Result<Const, ArithError> {
        match e {
            CExpr::Slot(s) => Ok(self.interner.borrow().value(row[*s]).clone()),
            CExpr::Const(c) => Ok(self.interner.borrow().value(*c).clone()),
            CExpr::Binary(l, op, r) => {
                let int = |c: Const| match c {
                    Const::Int(i) => Ok(i),
                    other => Err(ArithError::NotAnInteger(other)),
                };
                let a = int(self.value(l, row)?)?;
                let b = int(self.value(r, row)?)?;
                functions::arith(*op, a, b).map(Const::Int)
            }
        }
    }

    fn warn(&self, rule: usize, err: ArithError, row: &[Id]) {
        // Non-integer operands simply make the literal fail; overflow deserves a word.
        if matches!(err, ArithError::NotAnInteger(_)) {
            return;
        }
        self.warnings.borrow_mut().entry(rule).or_insert_with(|| {
            let vals: Vec<String> = row
                .iter()
                .map(|&i| self.interner.borrow().value(i).to_string())
                .collect();
            format!(
                "{err} (the literal fails for the binding ({}))",
                vals.join(", ")
            )
        });
    }

    /// Applies the transforms to the row in `buf`; false when a filter drops it.
    fn apply(&self, transforms: &[Transform], buf: &mut Vec<Id>, rule: usize) -> bool {
        for t in transforms {
            match t {
                Transform::Cmp(l, op, r) => match (self.value(l, buf), self.value(r, buf)) {
                    (Ok(a), Ok(b)) => {
                        if !functions::compare(&a, *op, &b) {
                            return false;
                        }
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        self.warn(rule, e, buf);
                        return false;
                    }
                },
                Transform::Builtin {
                    builtin,
                    args,
                    negated,
                    regex,
                } => {
                    let vals: Result<Vec<Const>, _> =
                        args.iter().map(|a| self.value(a, buf)).collect();
                    let holds = vals.is_ok_and(|v| functions::test(*builtin, &v, regex.as_ref()));
                    if holds == *negated {
                        return false;
                    }
                }
                Transform::Assign(e) => match self.value(e, buf) {
                    Ok(v) => {
                        let id = self.interner.borrow_mut().intern(&v);
                        buf.push(id);
                    }
                    Err(err) => {
                        self.warn(rule, err, buf);
                        return false;
                    }
                },
                Transform::Length(e) => {
                    let Some(n) = self.value(e, buf).ok().as_ref().and_then(functions::length)
                    else {
                        return false;
                    };
                    let id = self.interner.borrow_mut().intern(&Const::Int(n));
                    buf.push(id);
                }
            }
        }
        true
    }
}

/// Slots the transforms append.
fn assigned(transforms: &[Transform]) -> usize {
    transforms
        .iter()
        .filter(|t| matches!(t, Transform::Assign(_) | Transform::Length(_)))
        .count()
}

fn sink_push<R: Tuple>(sink: &Sink<R>, buf: &[Id], keyed: &mut Vec<(R, R)>, rows: &mut Vec<R>) {
    match sink {
        Sink::Keyed { boundary, .. } => keyed.push((
            R::pack(boundary.key.iter().map(|&s| buf[s])),
            R::pack(boundary.rest.iter().map(|&s| buf[s])),
        )),
        Sink::Head { head, .. } => rows.push(R::pack(head.iter().map(|h| match h {
            Ok(s) => buf[*s],
            Err(c) => *c,
        }))),
    }
}

fn sink_flush<R: Tuple>(sink: &Sink<R>, keyed: Vec<(R, R)>, rows: Vec<R>) {
    match sink {
        Sink::Keyed { out, .. } => out.insert(DfRelation::from_vec(keyed)),
        Sink::Head { out, .. } => out.insert(DfRelation::from_vec(rows)),
    }
}

/// Merge-joins two sorted runs on their keys, calling `f` on each matching pair until it
/// returns false; returns false if it stopped early.
fn join_runs<R: Tuple>(a: &[(R, R)], b: &[(R, R)], mut f: impl FnMut(&R, &R, &R) -> bool) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += gallop(&a[i..], |x| x.0 < b[j].0),
            std::cmp::Ordering::Greater => j += gallop(&b[j..], |x| x.0 < a[i].0),
            std::cmp::Ordering::Equal => {
                let ca = a[i..].iter().take_while(|x| x.0 == a[i].0).count();
                let cb = b[j..].iter().take_while(|x| x.0 == b[j].0).count();
                for x in &a[i..i + ca] {
                    for y in &b[j..j + cb] {
                        if !f(&x.0, &x.1, &y.1) {
                            return false;
                        }
                    }
                }
                i += ca;
                j += cb;
            }
        }
    }
    true
}

/// Number of leading elements of `s` for which `less` holds (it holds on a prefix):
/// exponential steps, then binary search, as datafrog's own gallop.
fn gallop<T>(s: &[T], less: impl Fn(&T) -> bool) -> usize {
    if s.first().is_none_or(|x| !less(x)) {
        return 0;
    }
    // less(s[lo]) holds; find how far it goes.
    let (mut lo, mut step) = (0, 1);
    while lo + step < s.len() && less(&s[lo + step]) {
        lo += step;
        step <<= 1;
    }
    let (mut l, mut hi) = (lo + 1, (lo + step).min(s.len()));
    while l < hi {
        let mid = (l + hi) / 2;
        if less(&s[mid]) { l = mid + 1 } else { hi = mid }
    }
    l
}

impl Ctx<'_> {
    fn run<R: Tuple>(&self, op: &Op<R>, buf: &mut Vec<Id>, scratch: &mut (Vec<Id>, Vec<Id>)) {
        let (rule, input, transforms, sink) = match op {
            Op::Index { src, shape, out } => {
                let (key, new) = scratch;
                let mut rows = Vec::new();
                for r in src.recent.borrow().iter() {
                    buf.clear();
                    r.unpack_into(shape.pats.len(), buf);
                    if shape.split(buf, key, new) {
                        rows.push((R::pack(key.iter().copied()), R::pack(new.iter().copied())));
                    }
                }
                out.insert(DfRelation::from_vec(rows));
                return;
            }
            Op::Segment {
                rule,
                input,
                transforms,
                sink,
            } => (*rule, input, transforms, sink),
        };
        let mut keyed = Vec::new();
        let mut rows = Vec::new();
        let mut emit = |buf: &mut Vec<Id>| {
            if self.apply(transforms, buf, rule) {
                if !self.guard.tick() {
                    return false;
                }
                sink_push(sink, buf, &mut keyed, &mut rows);
            }
            true
        };
        match input {
            Input::Scan { src, shape } => {
                let (key, new) = scratch;
                for r in src.recent.borrow().iter() {
                    buf.clear();
                    r.unpack_into(shape.pats.len(), buf);
                    if shape.split(buf, key, new) {
                        buf.clear();
                        buf.extend_from_slice(new);
                        if !emit(buf) {
                            break;
                        }
                    }
                }
            }
            Input::Unit { src } => {
                if !src.recent.borrow().is_empty() {
                    buf.clear();
                    emit(buf);
                }
            }
            Input::Join {
                left,
                right,
                key,
                rest,
                new,
            } => {
                let mut each = |k: &R, v: &R, n: &R| {
                    buf.clear();
                    k.unpack_into(*key, buf);
                    v.unpack_into(*rest, buf);
                    n.unpack_into(*new, buf);
                    emit(buf)
                };
                // Semi-naive: new left × all right, old left × new right.
                let lr = left.recent.borrow();
                let rr = right.recent.borrow();
                let go = right
                    .stable
                    .borrow()
                    .iter()
                    .all(|batch| join_runs(&lr, batch, &mut each))
                    && left
                        .stable
                        .borrow()
                        .iter()
                        .all(|batch| join_runs(batch, &rr, &mut each));
                if go {
                    join_runs(&lr, &rr, &mut each);
                }
            }
            Input::Anti {
                left,
                rel,
                key,
                rest,
            } => {
                for (k, v) in left.recent.borrow().iter() {
                    if rel.binary_search(k).is_err() {
                        buf.clear();
                        k.unpack_into(*key, buf);
                        v.unpack_into(*rest, buf);
                        if !emit(buf) {
                            break;
                        }
                    }
                }
            }
        }
        sink_flush(sink, keyed, rows);
    }
}

/// Plans every rule of `rules` (bodies ordered with no inputs: after the magic-set rewrite
/// every rule is range-restricted).
///
/// Errors: a rule that is not range-restricted, a constant pattern that does not compile.
pub fn plan_rules(
    rules: &[EvalRule],
    interner: &mut Interner,
) -> Result<Vec<RulePlan>, Vec<Diagnostic>> {
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        if r.clause.is_fact() {
            continue;
        }
        let order = order_body(&r.clause.body, &Inputs::new(), &BTreeSet::new());
        if !order.stuck.is_empty() {
            let lit = &r.clause.body[order.stuck[0]];
            errors.push(
                Diagnostic::error(
                    "not-evaluable",
                    format!("`{lit}` cannot be evaluated: a variable it needs is never bound"),
                    lit.span(),
                )
                .with_label("unbound"),
            );
            continue;
        }
        let unbound_head = r.clause.head.args.iter().find_map(|t| match t {
            crate::syntax::Term::Var(v) if !order.bound.contains(v) => Some(v.clone()),
            crate::syntax::Term::Wildcard => Some("_".into()),
            _ => None,
        });
        if let Some(v) = unbound_head {
            errors.push(
                Diagnostic::error(
                    "not-evaluable",
                    format!(
                        "`{}` cannot be evaluated: head variable `{v}` is never bound",
                        r.clause.head
                    ),
                    r.clause.span,
                )
                .with_label("unbound"),
            );
            continue;
        }
        match compile(i, &r.clause, &order.order, interner) {
            Ok(p) => plans.push(p),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(plans)
    } else {
        Err(errors)
    }
}

/// Evaluates `rules` over `base` (the relations they read but do not define), returning the
/// relations they define. Heights continue from `base.max_height`.
///
/// Errors: [`EvalError::Program`] for a program that cannot be evaluated,
/// [`EvalError::Limit`] when `config`'s tuple or time limit is reached,
/// [`EvalError::Cancelled`] when its cancel flag is set.
pub fn evaluate(
    rules: &[EvalRule],
    base: Option<&Model>,
    interner: &mut Interner,
    config: &EvalConfig,
) -> Result<Model, EvalError> {
    evaluate_with(rules, HashMap::new(), base, interner, config)
}

/// As [`evaluate`], with more facts given as rows of interned ids by predicate (facts read
/// from files).
///
/// Errors: as [`evaluate`].
pub fn evaluate_with(
    rules: &[EvalRule],
    edb: HashMap<String, Vec<Vec<Id>>>,
    base: Option<&Model>,
    interner: &mut Interner,
    config: &EvalConfig,
) -> Result<Model, EvalError> {
    let clauses: Vec<Clause> = rules.iter().map(|r| r.clause.clone()).collect();
    let strata = stratify(&clauses).map_err(|d| EvalError::Program(vec![d]))?;
    let plans = plan_rules(rules, interner).map_err(EvalError::Program)?;
    let mut arity: HashMap<String, usize> = HashMap::new();
    // File facts of predicates no clause defines are base relations as they stand.
    let heads: BTreeSet<&str> = rules.iter().map(|r| r.clause.head.pred.as_str()).collect();
    let (mut facts, loose): (FactRows, FactRows) = edb
        .into_iter()
        .partition(|(p, _)| heads.contains(p.as_str()));
    for r in rules {
        arity.insert(r.clause.head.pred.clone(), r.clause.head.args.len());
        for l in &r.clause.body {
            if let Literal::Pos(a) | Literal::Neg(a) = l {
                arity.entry(a.pred.clone()).or_insert(a.args.len());
            }
        }
        if r.clause.is_fact() {
            let row = r
                .clause
                .head
                .args
                .iter()
                .map(|t| match t {
                    crate::syntax::Term::Const(c) => interner.intern(c),
                    _ => unreachable!("facts are ground"),
                })
                .collect();
            facts
                .entry(r.clause.head.pred.clone())
                .or_default()
                .push(row);
        }
    }
    let width = plans
        .iter()
        .map(RulePlan::max_width)
        .chain(arity.values().copied())
        .max()
        .unwrap_or(0);
    let program = Program {
        strata: &strata,
        plans: &plans,
        facts: &facts,
        loose: &loose,
        arity: &arity,
    };
    // The narrowest packing that holds every row, key and value.
    match width {
        0..=2 => run::<u64>(program, base, interner, config),
        3..=4 => run::<u128>(program, base, interner, config),
        5..=8 => run::<super::tuple::Wide8>(program, base, interner, config),
        _ => run::<Vec<Id>>(program, base, interner, config),
    }
}

#[derive(Clone, Copy)]
struct Program<'a> {
    strata: &'a [crate::check::Stratum],
    plans: &'a [RulePlan],
    facts: &'a HashMap<String, Vec<Vec<Id>>>,
    loose: &'a HashMap<String, Vec<Vec<Id>>>,
    arity: &'a HashMap<String, usize>,
}

fn run<R: Tuple>(
    p: Program<'_>,
    base: Option<&Model>,
    interner: &mut Interner,
    config: &EvalConfig,
) -> Result<Model, EvalError> {
    let empty_model = Model::default();
    let base = base.unwrap_or(&empty_model);
    let started = Instant::now();
    let mut round = base.max_height;
    let mut out = Model {
        max_height: round,
        ..Model::default()
    };
    for (pred, rows) in p.loose {
        let n = p
            .arity
            .get(pred)
            .copied()
            .or_else(|| rows.first().map(Vec::len))
            .unwrap_or(0);
        out.relations.insert(
            pred.clone(),
            Relation::from_log(n, rows.iter().map(|r| (r.clone(), 0)).collect()),
        );
    }
    let interner_cell = RefCell::new(std::mem::take(interner));
    let warnings = RefCell::new(BTreeMap::new());
    let mut total = 0usize;
    let result = (|| {
        for stratum in p.strata {
            let preds: BTreeSet<&str> = stratum.preds.iter().map(String::as_str).collect();
            let mut iteration = Iteration::new();
            let mut vars: HashMap<String, Variable<R>> = HashMap::new();
            let mut logs: BTreeMap<&str, Vec<(R, u32)>> = BTreeMap::new();
            for &pred in &preds {
                let v = iteration.variable::<R>(pred);
                let fs: Vec<R> = p
                    .facts
                    .get(pred)
                    .map(|f| f.iter().map(|r| R::pack(r.iter().copied())).collect())
                    .unwrap_or_default();
                logs.insert(pred, fs.iter().map(|r| (r.clone(), 0)).collect());
                v.extend(fs);
                vars.insert(pred.to_string(), v);
            }
            let layered = Layered {
                base,
                top: Some(&out),
            };
            let mut ops: Vec<Op<R>> = Vec::new();
            let mut indexes: HashMap<AtomShape, Keyed<R>> = HashMap::new();
            let pred_var =
                |pred: &str, iteration: &mut Iteration, vars: &mut HashMap<String, Variable<R>>| {
                    vars.entry(pred.to_string())
                        .or_insert_with(|| {
                            let v = iteration.variable::<R>(pred);
                            if let Some(rel) = layered.relation(pred) {
                                v.extend(rel.rows().map(|r| R::pack(r.iter().copied())));
                            }
                            v
                        })
                        .clone()
                };
            for plan in p
                .plans
                .iter()
                .filter(|pl| preds.contains(pl.head_pred.as_str()))
            {
                let mut prev: Option<Keyed<R>> = None;
                let n = plan.segments.len();
                for (k, seg) in plan.segments.iter().enumerate() {
                    let input = match &seg.start {
                        Start::Scan(shape) => Input::Scan {
                            src: pred_var(&shape.pred, &mut iteration, &mut vars),
                            shape: shape.clone(),
                        },
                        Start::Unit => {
                            let unit = iteration.variable::<R>("unit");
                            unit.extend([R::pack(std::iter::empty())]);
                            Input::Unit { src: unit }
                        }
                        Start::Join(shape) => {
                            let right = match indexes.get(shape) {
                                Some(ix) => ix.clone(),
                                None => {
                                    let src = pred_var(&shape.pred, &mut iteration, &mut vars);
                                    // An index that drops no column maps distinct tuples to distinct
                                    // entries: skip datafrog's dedup against its history.
                                    let name = format!("{}#index", shape.pred);
                                    let ix = if shape.pats.iter().any(|p| matches!(p, Pat::Any)) {
                                        iteration.variable::<(R, R)>(&name)
                                    } else {
                                        iteration.variable_indistinct::<(R, R)>(&name)
                                    };
                                    ops.push(Op::Index {
                                        src,
                                        shape: shape.clone(),
                                        out: ix.clone(),
                                    });
                                    indexes.insert(shape.clone(), ix.clone());
                                    ix
                                }
                            };
                            Input::Join {
                                left: prev.take().expect("a join follows a segment"),
                                right,
                                key: shape.key_width(),
                                rest: seg.width - shape.key_width() - shape.new_width(),
                                new: shape.new_width(),
                            }
                        }
                        Start::Anti(shape) => {
                            let mut rel: Vec<R> = Vec::new();
                            let (mut key, mut new) = (Vec::new(), Vec::new());
                            if let Some(r) = layered.relation(&shape.pred) {
                                for row in r.rows() {
                                    if shape.split(row, &mut key, &mut new) {
                                        rel.push(R::pack(key.iter().copied()));
                                    }
                                }
                            }
                            rel.sort();
                            rel.dedup();
                            Input::Anti {
                                left: prev.take().expect("an antijoin follows a segment"),
                                rel,
                                key: shape.key_width(),
                                rest: seg.width - shape.key_width(),
                            }
                        }
                    };
                    let sink = match &seg.next {
                        Some(boundary) if k + 1 < n => {
                            let name = format!("r{}s{k}", plan.rule);
                            // Rows that keep every column of their segment cannot repeat
                            // unless the segment's input did; the head variables dedup.
                            let keeps_all = boundary.key.len() + boundary.rest.len()
                                >= seg.width + assigned(&seg.transforms);
                            let kv = if keeps_all {
                                iteration.variable_indistinct::<(R, R)>(&name)
                            } else {
                                iteration.variable::<(R, R)>(&name)
                            };
                            prev = Some(kv.clone());
                            Sink::Keyed {
                                out: kv,
                                boundary: boundary.clone(),
                            }
                        }
                        _ => Sink::Head {
                            out: vars[&plan.head_pred].clone(),
                            head: plan.head.clone(),
                        },
                    };
                    ops.push(Op::Segment {
                        rule: plan.rule,
                        input,
                        transforms: seg.transforms.clone(),
                        sink,
                    });
                }
            }
            let ctx = Ctx {
                interner: &interner_cell,
                warnings: &warnings,
                guard: Guard {
                    config,
                    started,
                    made: std::cell::Cell::new(0),
                    stop: RefCell::new(None),
                },
            };
            let mut buf = Vec::new();
            let mut scratch = (Vec::new(), Vec::new());
            while iteration.changed() {
                round += 1;
                for &pred in &preds {
                    let recent = vars[pred].recent.borrow();
                    if !recent.is_empty() {
                        total += recent.len();
                        if config.heights {
                            logs.get_mut(pred)
                                .expect("log")
                                .extend(recent.iter().map(|r| (r.clone(), round)));
                        }
                    }
                }
                if total > config.max_tuples {
                    return Err(EvalError::Limit {
                        what: "derived tuples",
                        limit: config.max_tuples.to_string(),
                        hint: "raise it with --max-tuples N",
                    });
                }
                if let Some(t) = config.timeout
                    && started.elapsed() > t
                {
                    return Err(EvalError::Limit {
                        what: "evaluation time",
                        limit: format!("{t:?}"),
                        hint: "raise it with --timeout SECONDS",
                    });
                }
                if config
                    .cancel
                    .as_ref()
                    .is_some_and(|c| c.load(Ordering::Relaxed))
                {
                    return Err(EvalError::Cancelled);
                }
                for op in &ops {
                    ctx.run(op, &mut buf, &mut scratch);
                    ctx.guard.check()?;
                }
            }
            drop(ops);
            drop(indexes);
            for (pred, mut log) in logs {
                if !config.heights {
                    // Without heights, datafrog's own merge gives the rows (all at height 0).
                    log = vars[pred]
                        .clone()
                        .complete()
                        .elements
                        .into_iter()
                        .map(|r| (r, 0))
                        .collect();
                }
                // Runs of sorted rows: a stable sort merges them; a row keeps its first height.
                log.sort_by(|a, b| a.0.cmp(&b.0));
                log.dedup_by(|later, first| later.0 == first.0);
                let n = p.arity.get(pred).copied().unwrap_or(0);
                let mut row = Vec::with_capacity(n);
                let rel = Relation::from_sorted(
                    n,
                    log.iter().map(|(r, h)| {
                        row.clear();
                        r.unpack_into(n, &mut row);
                        (row.clone(), *h)
                    }),
                );
                out.relations.insert(pred.to_string(), rel);
            }
            out.max_height = round;
        }
        Ok(())
    })();
    *interner = interner_cell.into_inner();
    result?;
    out.warnings = warnings
        .into_inner()
        .into_iter()
        .map(|(rule, message)| EvalWarning { rule, message })
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::engine::demand::rewrite;
    use crate::syntax::parse_kb;

    /// Evaluates `src`; returns each predicate's tuples as text, sorted, with heights.
    fn run(src: &str) -> BTreeMap<String, Vec<(String, u32)>> {
        let kb = check(parse_kb(src, 0).unwrap()).unwrap();
        let rules = rewrite(&kb);
        let mut interner = Interner::default();
        let model = evaluate(&rules, None, &mut interner, &EvalConfig::default()).unwrap();
        model
            .relations
            .iter()
            .map(|(p, r)| {
                let mut rows: Vec<(String, u32)> = r
                    .iter()
                    .map(|(row, h)| {
                        let vals: Vec<String> =
                            interner.decode(row).iter().map(Const::to_string).collect();
                        (vals.join(","), h)
                    })
                    .collect();
                rows.sort();
                (p.clone(), rows)
            })
            .collect()
    }

    fn tuples(m: &BTreeMap<String, Vec<(String, u32)>>, p: &str) -> Vec<String> {
        m.get(p)
            .map(|r| r.iter().map(|(t, _)| t.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn transitive_closure_with_heights() {
        let m = run("e(1,2). e(2,3). e(3,4). t(X,Y) :- e(X,Y). t(X,Z) :- t(X,Y), e(Y,Z).");
        assert_eq!(
            tuples(&m, "t"),
            vec!["1,2", "1,3", "1,4", "2,3", "2,4", "3,4"]
        );
        let h = |t: &str| m["t"].iter().find(|(x, _)| x == t).unwrap().1;
        assert!(m["e"].iter().all(|(_, h)| *h == 0));
        assert!(h("1,2") < h("1,3") && h("1,3") < h("1,4"));
    }

    #[test]
    fn stratified_negation_and_filters() {
        let m = run(
            "n(1). n(2). n(3). e(1,2). r(X) :- e(1,X). r(1) :- n(1). u(X) :- n(X), !r(X). big(X) :- n(X), X >= 2, X != 3.",
        );
        assert_eq!(tuples(&m, "u"), vec!["3"]);
        assert_eq!(tuples(&m, "big"), vec!["2"]);
    }

    #[test]
    fn constants_repeats_and_assignment() {
        let m = run(
            "p(1,1). p(1,2). p(2,2). same(X) :- p(X,X). one(Y) :- p(1,Y). next(X, Y) :- p(X, _), Y = X * 10 + 1. z :- !p(3, _).",
        );
        assert_eq!(tuples(&m, "same"), vec!["1", "2"]);
        assert_eq!(tuples(&m, "one"), vec!["1", "2"]);
        assert_eq!(tuples(&m, "next"), vec!["1,11", "2,21"]);
        assert_eq!(tuples(&m, "z"), vec![""]);
    }

    #[test]
    fn strings_and_builtins() {
        let m = run(
            "s(\"cmg01\"). s(\"1cmg\"). s(\"héllo-wörld\"). ok(S, L) :- s(S), length(S, L), matches(S, \"[a-z].*\"), !contains(S, \"--\").",
        );
        assert_eq!(tuples(&m, "ok"), vec!["\"cmg01\",5", "\"héllo-wörld\",11"]);
    }

    #[test]
    fn overflow_fails_the_literal_and_warns() {
        let kb = check(
            parse_kb(
                "n(9223372036854775807). m(Y) :- n(X), Y = X + 1. k(X) :- n(X).",
                0,
            )
            .unwrap(),
        )
        .unwrap();
        let mut interner = Interner::default();
        let model = evaluate(&rewrite(&kb), None, &mut interner, &EvalConfig::default()).unwrap();
        assert!(model.relation("m").is_none_or(|r| r.is_empty()));
        assert_eq!(model.relation("k").map(|r| r.len()), Some(1));
        assert!(
            model.warnings[0].message.contains("integer overflow"),
            "{:?}",
            model.warnings
        );
    }

    #[test]
    fn goal_directed_rules_wait_for_demand() {
        // `ok` is only defined for demanded names; `w` demands it for the names in `n`.
        let m = run("n(\"abc\"). n(\"ab\"). ok(N) :- length(N, L), L >= 3. w(N) :- n(N), ok(N).");
        assert_eq!(tuples(&m, "w"), vec!["\"abc\""]);
        assert_eq!(tuples(&m, "demand#ok"), vec!["\"ab\"", "\"abc\""]);
    }

    #[test]
    fn limits_stop_runaway_evaluation() {
        let kb = check(parse_kb("n(0). n(Y) :- n(X), Y = X + 1.", 0).unwrap()).unwrap();
        let mut interner = Interner::default();
        let config = EvalConfig {
            max_tuples: 1000,
            ..EvalConfig::default()
        };
        let err = evaluate(&rewrite(&kb), None, &mut interner, &config).unwrap_err();
        assert!(
            matches!(
                err,
                EvalError::Limit {
                    what: "derived tuples",
                    ..
                }
            ),
            "{err:?}"
        );
        let cancel = Arc::new(AtomicBool::new(true));
        let config = EvalConfig {
            cancel: Some(cancel),
            ..EvalConfig::default()
        };
        assert_eq!(
            evaluate(&rewrite(&kb), None, &mut interner, &config).unwrap_err(),
            EvalError::Cancelled
        );
    }
}
