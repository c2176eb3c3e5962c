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
//! Heights: after each `Iteration::changed`, the recent tuples of the stratum's predicates are
//! logged with the global round number; a tuple first appears as recent in the round after
//! all its premises did, so heights strictly increase along every first derivation.

use super::functions::{self, ArithError};
use super::intern::{Id, Interner, Row};
use super::model::{EvalWarning, Layered, Model, Relation};
use super::plan::{CExpr, Check, Pat, RulePlan, Step, compile};
use crate::check::{Inputs, order_body, stratify};
use crate::diag::Diagnostic;
use crate::syntax::{Clause, Const};
use datafrog::{Iteration, Relation as DfRelation, Variable};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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

/// Resource limits of one evaluation.
#[derive(Debug, Clone)]
pub struct EvalConfig {
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
            max_tuples: 50_000_000,
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

type Keyed = Variable<(Row, Row)>;

enum Op {
    Scan {
        src: Variable<Row>,
        pats: Vec<Pat>,
        out: Variable<Row>,
    },
    KeyLeft {
        src: Variable<Row>,
        key: Vec<usize>,
        out: Keyed,
    },
    KeyRight {
        src: Variable<Row>,
        pats: Vec<Pat>,
        out: Keyed,
    },
    Join {
        left: Keyed,
        right: Keyed,
        out: Variable<Row>,
    },
    Anti {
        left: Keyed,
        rel: DfRelation<Row>,
        out: Variable<Row>,
    },
    Filter {
        src: Variable<Row>,
        check: Check,
        out: Variable<Row>,
        rule: usize,
    },
    Assign {
        src: Variable<Row>,
        expr: CExpr,
        out: Variable<Row>,
        rule: usize,
    },
    Length {
        src: Variable<Row>,
        expr: CExpr,
        out: Variable<Row>,
    },
    Head {
        src: Variable<Row>,
        head: Vec<Result<usize, Id>>,
        out: Variable<Row>,
    },
}

fn map_into<A: Ord, B: Ord>(src: &Variable<A>, out: &Variable<B>, f: impl FnMut(&A) -> Option<B>) {
    let results: Vec<B> = src.recent.borrow().iter().filter_map(f).collect();
    out.insert(DfRelation::from_vec(results));
}

/// Matches a tuple against patterns; returns the values of the `Key` positions and of the
/// `New` positions, in argument order.
fn split(pats: &[Pat], row: &[Id]) -> Option<(Row, Row)> {
    let mut key = Vec::new();
    let mut new = Vec::new();
    for (i, p) in pats.iter().enumerate() {
        match p {
            Pat::Const(c) if row[i] != *c => return None,
            Pat::Same(j) if row[i] != row[*j] => return None,
            Pat::Key(_) => key.push(row[i]),
            Pat::New => new.push(row[i]),
            _ => {}
        }
    }
    Some((key, new))
}

fn key_slots(pats: &[Pat]) -> Vec<usize> {
    pats.iter()
        .filter_map(|p| if let Pat::Key(s) = p { Some(*s) } else { None })
        .collect()
}

struct Ctx<'a> {
    interner: &'a RefCell<Interner>,
    warnings: &'a RefCell<BTreeMap<usize, String>>,
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

    fn check(&self, check: &Check, row: &[Id], rule: usize) -> bool {
        match check {
            Check::Cmp(l, op, r) => match (self.value(l, row), self.value(r, row)) {
                (Ok(a), Ok(b)) => functions::compare(&a, *op, &b),
                (Err(e), _) | (_, Err(e)) => {
                    self.warn(rule, e, row);
                    false
                }
            },
            Check::Builtin {
                builtin,
                args,
                negated,
                regex,
            } => {
                let vals: Result<Vec<Const>, _> = args.iter().map(|a| self.value(a, row)).collect();
                let holds = vals.is_ok_and(|v| functions::test(*builtin, &v, regex.as_ref()));
                holds != *negated
            }
        }
    }

    fn run(&self, op: &Op) {
        match op {
            Op::Scan { src, pats, out } => {
                map_into(src, out, |r| split(pats, r).map(|(_, new)| new))
            }
            Op::KeyLeft { src, key, out } => map_into(src, out, |r| {
                Some((key.iter().map(|&s| r[s]).collect(), r.clone()))
            }),
            Op::KeyRight { src, pats, out } => map_into(src, out, |r| split(pats, r)),
            Op::Join { left, right, out } => out.from_join(left, right, |_, l, r| {
                let mut row = l.clone();
                row.extend_from_slice(r);
                row
            }),
            Op::Anti { left, rel, out } => out.from_antijoin(left, rel, |_, row| row.clone()),
            Op::Filter {
                src,
                check,
                out,
                rule,
            } => map_into(src, out, |r| self.check(check, r, *rule).then(|| r.clone())),
            Op::Assign {
                src,
                expr,
                out,
                rule,
            } => map_into(src, out, |r| match self.value(expr, r) {
                Ok(v) => {
                    let mut row = r.clone();
                    row.push(self.interner.borrow_mut().intern(&v));
                    Some(row)
                }
                Err(e) => {
                    self.warn(*rule, e, r);
                    None
                }
            }),
            Op::Length { src, expr, out } => map_into(src, out, |r| {
                let n = functions::length(&self.value(expr, r).ok()?)?;
                let mut row = r.clone();
                row.push(self.interner.borrow_mut().intern(&Const::Int(n)));
                Some(row)
            }),
            Op::Head { src, head, out } => map_into(src, out, |r| {
                Some(
                    head.iter()
                        .map(|h| match h {
                            Ok(s) => r[*s],
                            Err(c) => *c,
                        })
                        .collect(),
                )
            }),
        }
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
    let clauses: Vec<Clause> = rules.iter().map(|r| r.clause.clone()).collect();
    let strata = stratify(&clauses).map_err(|d| EvalError::Program(vec![d]))?;
    let plans = plan_rules(rules, interner).map_err(EvalError::Program)?;
    let mut facts: HashMap<&str, Vec<Row>> = HashMap::new();
    for r in rules.iter().filter(|r| r.clause.is_fact()) {
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
            .entry(r.clause.head.pred.as_str())
            .or_default()
            .push(row);
    }
    let empty_model = Model::default();
    let base = base.unwrap_or(&empty_model);
    let started = Instant::now();
    let mut round = base.max_height;
    let mut out = Model {
        max_height: round,
        ..Model::default()
    };
    let interner_cell = RefCell::new(std::mem::take(interner));
    let warnings = RefCell::new(BTreeMap::new());
    let mut total = 0usize;
    let result = (|| {
        for stratum in &strata {
            let preds: BTreeSet<&str> = stratum.preds.iter().map(String::as_str).collect();
            let stratum_plans: Vec<&RulePlan> = plans
                .iter()
                .filter(|p| preds.contains(p.head_pred.as_str()))
                .collect();
            let mut iteration = Iteration::new();
            let mut vars: HashMap<String, Variable<Row>> = HashMap::new();
            let mut logs: BTreeMap<&str, Vec<(Row, u32)>> = BTreeMap::new();
            for &p in &preds {
                let v = iteration.variable::<Row>(p);
                let fs = facts.get(p).cloned().unwrap_or_default();
                logs.insert(p, fs.iter().map(|r| (r.clone(), 0)).collect());
                v.extend(fs);
                vars.insert(p.to_string(), v);
            }
            let layered = Layered {
                base,
                top: Some(&out),
            };
            let lower = |pred: &str| layered.relation(pred);
            let mut ops = Vec::new();
            for plan in &stratum_plans {
                let rule = plan.rule;
                let mut cur: Option<Variable<Row>> = None;
                for (k, step) in plan.steps.iter().enumerate() {
                    let name = format!("r{rule}s{k}");
                    let input =
                        |pred: &str,
                         iteration: &mut Iteration,
                         vars: &mut HashMap<String, Variable<Row>>| {
                            vars.entry(pred.to_string())
                                .or_insert_with(|| {
                                    let v = iteration.variable::<Row>(pred);
                                    if let Some(rel) = lower(pred) {
                                        v.extend(rel.rows().iter().cloned());
                                    }
                                    v
                                })
                                .clone()
                        };
                    let src = match (&cur, step) {
                        (None, Step::Scan { .. }) => None,
                        (Some(c), _) => Some(c.clone()),
                        (None, _) => {
                            let unit = iteration.variable::<Row>("unit");
                            unit.extend([Vec::new()]);
                            Some(unit)
                        }
                    };
                    let out_var = iteration.variable::<Row>(&name);
                    match step {
                        Step::Scan { pred, pats } => {
                            let src = input(pred, &mut iteration, &mut vars);
                            ops.push(Op::Scan {
                                src,
                                pats: pats.clone(),
                                out: out_var.clone(),
                            });
                        }
                        Step::Join { pred, pats } => {
                            let right_src = input(pred, &mut iteration, &mut vars);
                            let left = iteration.variable::<(Row, Row)>(&format!("{name}l"));
                            let right = iteration.variable::<(Row, Row)>(&format!("{name}r"));
                            ops.push(Op::KeyLeft {
                                src: src.expect("join has a left side"),
                                key: key_slots(pats),
                                out: left.clone(),
                            });
                            ops.push(Op::KeyRight {
                                src: right_src,
                                pats: pats.clone(),
                                out: right.clone(),
                            });
                            ops.push(Op::Join {
                                left,
                                right,
                                out: out_var.clone(),
                            });
                        }
                        Step::Anti { pred, pats } => {
                            let rel: DfRelation<Row> = lower(pred)
                                .map(|r| {
                                    r.rows()
                                        .iter()
                                        .filter_map(|row| split(pats, row).map(|(k, _)| k))
                                        .collect()
                                })
                                .unwrap_or_else(|| DfRelation::from_vec(Vec::new()));
                            let left = iteration.variable::<(Row, Row)>(&format!("{name}l"));
                            ops.push(Op::KeyLeft {
                                src: src.expect("antijoin has a left side"),
                                key: key_slots(pats),
                                out: left.clone(),
                            });
                            ops.push(Op::Anti {
                                left,
                                rel,
                                out: out_var.clone(),
                            });
                        }
                        Step::Filter(check) => ops.push(Op::Filter {
                            src: src.expect("filter input"),
                            check: check.clone(),
                            out: out_var.clone(),
                            rule,
                        }),
                        Step::Assign(expr) => ops.push(Op::Assign {
                            src: src.expect("assign input"),
                            expr: expr.clone(),
                            out: out_var.clone(),
                            rule,
                        }),
                        Step::Length(expr) => ops.push(Op::Length {
                            src: src.expect("length input"),
                            expr: expr.clone(),
                            out: out_var.clone(),
                        }),
                    }
                    cur = Some(out_var);
                }
                let src = cur.unwrap_or_else(|| {
                    let unit = iteration.variable::<Row>("unit");
                    unit.extend([Vec::new()]);
                    unit
                });
                ops.push(Op::Head {
                    src,
                    head: plan.head.clone(),
                    out: vars[&plan.head_pred].clone(),
                });
            }
            let ctx = Ctx {
                interner: &interner_cell,
                warnings: &warnings,
            };
            while iteration.changed() {
                round += 1;
                for &p in &preds {
                    let recent = vars[p].recent.borrow();
                    if !recent.is_empty() {
                        total += recent.len();
                        logs.get_mut(p)
                            .expect("log")
                            .extend(recent.iter().map(|r| (r.clone(), round)));
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
                    ctx.run(op);
                }
            }
            drop(ops);
            for (p, log) in logs {
                out.relations.insert(p.to_string(), Relation::from_log(log));
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
