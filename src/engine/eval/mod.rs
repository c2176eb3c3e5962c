//! Bottom-up evaluation on datafrog: stratum by stratum, semi-naive within a stratum.
//!
//! # The strategy
//! Every predicate of a stratum is a datafrog `Variable`; every rule is the chain of
//! operators its [`crate::plan::RulePlan`] describes (`build`), each reading
//! only the *recent* tuples of its inputs, so each round does only the new work: semi-naive
//! evaluation (Bancilhon and Ramakrishnan, "An amateur's introduction to recursive query
//! processing strategies", 1986). datafrog supplies the variables' recent/stable
//! bookkeeping and the sorted batches; the join and antijoin kernels are the crate's own
//! (`operators`), so an operator can stop mid-way at a limit ([`limits`]).
//!
//! Rows are packed into the narrowest [`Tuple`] that holds every tuple and every keyed row
//! (key and value together) the program stores ([`RulePlan::packed_width`]: one `u64` for
//! two columns, one `u128` for four, two for eight), so datafrog's sorts and merges compare
//! integers, not vectors, and a keyed row costs what a plain one does; wider programs use
//! `Vec<u32>`. Binding rows inside a segment are never packed, so a rule joining
//! three variables still runs on `u64` rows when it stores at most two columns together.
//!
//! Each tuple's height (the round of its first derivation) is logged as it appears
//! (`fixpoint`); the explainer rebuilds proofs from heights alone.

mod aggregates;
mod build;
mod fixpoint;
pub mod limits;
mod merge;
mod operators;
mod transforms;

use super::FactTable;
use super::model::{EvalWarning, Layered, Model, Relation};
use super::par::Par;
use super::tuple::{Tuple, Wide8};
use crate::check::Stratum;
use crate::check::stratify;
use crate::ir::{Id, Interner, Pred, Rule};
use crate::plan::{RulePlan, plan_rules};
use crate::source::timings::phase;
pub use limits::{EvalConfig, EvalError, Limit};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Tuples of interned ids by predicate: facts given to an evaluation from outside its rules
/// (files), each predicate's in one flat table.
pub type FactRows = HashMap<Pred, FactTable>;

/// What every stratum's evaluation reads.
pub(super) struct Program<'a> {
    strata: &'a [Stratum],
    plans: &'a [RulePlan],
    facts: &'a FactRows,
    arity: &'a HashMap<Pred, usize>,
    config: &'a EvalConfig,
    /// Where the parallel steps run (`config.threads`).
    par: Par,
}

/// Evaluates `rules` (facts included) with more facts `edb`, over `base` (the relations
/// they read but do not define), returning the relations they define and the file facts of
/// predicates no rule defines. Heights continue from `base.max_height`.
///
/// Errors: [`EvalError::Program`] for a program that cannot be evaluated,
/// [`EvalError::Limit`] when a limit of `config` is reached, [`EvalError::Cancelled`]
/// when its cancel flag is set.
pub fn evaluate(
    rules: &[Rule],
    edb: FactRows,
    base: Option<&Model>,
    interner: &mut Interner,
    config: &EvalConfig,
) -> Result<Model, EvalError> {
    let planning = phase(|| "stratify and plan".into());
    let strata = stratify(rules).map_err(EvalError::Program)?;
    let plans = plan_rules(rules, interner).map_err(EvalError::Program)?;
    drop(planning);
    let mut arity: HashMap<Pred, usize> = HashMap::new();
    // File facts of predicates no rule defines are base relations as they stand.
    let heads: BTreeSet<&Pred> = rules.iter().map(|r| &r.head.pred).collect();
    let (mut facts, loose): (FactRows, FactRows) =
        edb.into_iter().partition(|(p, _)| heads.contains(p));
    for r in rules {
        arity.insert(r.head.pred.clone(), r.head.args.len());
        for l in &r.body {
            if let Some(a) = l.atom() {
                arity.entry(a.pred.clone()).or_insert(a.args.len());
            }
        }
        if r.is_fact() {
            let row: Option<Vec<Id>> = r
                .head
                .args
                .iter()
                .map(|t| t.as_const().map(|c| interner.intern(c)))
                .collect();
            if let Some(row) = row {
                facts.entry(r.head.pred.clone()).or_default().push(&row);
            }
        }
    }
    let width = plans
        .iter()
        .map(RulePlan::packed_width)
        .chain(arity.values().copied())
        .max()
        .unwrap_or(0);
    let program = Program {
        strata: &strata,
        plans: &plans,
        facts: &facts,
        arity: &arity,
        config,
        par: Par::with_min_rows(config.threads, config.parallel_min_rows),
    };
    let empty = Model::default();
    let base = base.unwrap_or(&empty);
    let mut out = Model {
        max_height: base.max_height,
        ..Model::default()
    };
    let copying = phase(|| "input relations into the model".into());
    for (pred, rows) in loose {
        let n = arity.get(&pred).copied().unwrap_or(rows.arity());
        let rel = Relation::from_facts_on(n, &rows, &program.par);
        out.relations.insert(pred, rel);
    }
    drop(copying);
    // The narrowest packing that holds every row, key and value.
    match width {
        0..=2 => run::<u64>(&program, base, out, interner),
        3..=4 => run::<u128>(&program, base, out, interner),
        5..=8 => run::<Wide8>(&program, base, out, interner),
        _ => run::<Vec<Id>>(&program, base, out, interner),
    }
}

fn run<R: Tuple>(
    p: &Program<'_>,
    base: &Model,
    mut out: Model,
    interner: &mut Interner,
) -> Result<Model, EvalError> {
    let interner_cell = RefCell::new(std::mem::take(interner));
    let warnings = RefCell::new(BTreeMap::new());
    let guard = limits::Guard::new(p.config);
    let mut round = out.max_height;
    let mut result = Ok(());
    {
        let ctx = fixpoint::context(&interner_cell, &warnings, &guard, &p.par);
        for s in p.strata {
            let preds: BTreeSet<&Pred> = s.preds.iter().collect();
            let layered = Layered::new(base, Some(&out));
            let _stratum = phase(|| {
                let names: Vec<String> = s.preds.iter().map(Pred::to_string).collect();
                format!("stratum {}", names.join(", "))
            });
            match fixpoint::stratum::<R>(p, &preds, layered, round, &ctx, &guard) {
                Ok((relations, last)) => {
                    out.relations.extend(relations);
                    round = last;
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
    }
    *interner = interner_cell.into_inner();
    result?;
    out.max_height = round;
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
    use crate::ir::Const;
    use crate::syntax::parse_kb;
    use crate::transform::rewrite;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    /// Evaluates `src`; returns each predicate's tuples as text, sorted, with heights.
    fn run(src: &str) -> BTreeMap<String, Vec<(String, u32)>> {
        let kb = check(parse_kb(src, 0).unwrap()).unwrap();
        let rules = rewrite(&kb);
        let mut interner = Interner::default();
        let model = evaluate(
            &rules,
            FactRows::new(),
            None,
            &mut interner,
            &EvalConfig::default(),
        )
        .unwrap();
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
                (p.to_string(), rows)
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

    /// Every relation's rows as ids with their heights, and the interned values in id order.
    type Exact = (BTreeMap<Pred, Vec<(Vec<Id>, u32)>>, Vec<Const>);

    fn exact(src: &str, threads: usize, parallel_min_rows: usize) -> Exact {
        let kb = check(parse_kb(src, 0).unwrap()).unwrap();
        let mut interner = Interner::default();
        let config = EvalConfig {
            threads,
            parallel_min_rows,
            ..EvalConfig::default()
        };
        let model = evaluate(&rewrite(&kb), FactRows::new(), None, &mut interner, &config).unwrap();
        let rels = model
            .relations
            .iter()
            .map(|(p, r)| {
                (
                    p.clone(),
                    r.iter().map(|(row, h)| (row.to_vec(), h)).collect(),
                )
            })
            .collect();
        (rels, interner.values().to_vec())
    }

    #[test]
    fn threads_give_the_same_model_ids_and_heights() {
        // A random graph's closure (many rows a round), same generation, a negation and an
        // assignment that interns new values as it goes.
        let mut src = String::new();
        let mut x: u64 = 7;
        for _ in 0..900 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let (a, b) = ((x >> 33) % 300, (x >> 13) % 300);
            src.push_str(&format!("e({a},{b}). "));
        }
        src.push_str(
            "n(X) :- e(X, _). n(Y) :- e(_, Y). t(X,Y) :- e(X,Y). t(X,Z) :- t(X,Y), e(Y,Z). \
             sg(X,Y) :- e(P,X), e(P,Y), X != Y. sg(X,Y) :- e(A,X), sg(A,B), e(B,Y). \
             far(X) :- n(X), !t(0, X). w(X, K) :- e(X, Y), K = X * 1000 + Y.",
        );
        let one = exact(&src, 1, 1);
        assert!(one.0[&Pred::user("t")].len() > 10_000);
        assert!(!one.0[&Pred::user("far")].is_empty());
        for (threads, min_rows) in [
            (2, 1),
            (4, 1),
            (3, 64),
            (4, crate::engine::par::MIN_PARALLEL_ROWS),
        ] {
            let many = exact(&src, threads, min_rows);
            assert!(
                many == one,
                "{threads} threads, parallel from {min_rows} rows"
            );
        }
    }

    #[test]
    fn rules_joining_three_variables_store_two_columns() {
        // The closure's binding row has three slots (X, Y, Z) but it stores only tuples of
        // two columns and one-column keys and values: rows pack into one u64.
        let kb = check(
            parse_kb(
                "e(1,2). t(X,Y) :- e(X,Y). t(X,Z) :- t(X,Y), e(Y,Z). w(X,Y,Z) :- e(X,Y), e(Y,Z).",
                0,
            )
            .unwrap(),
        )
        .unwrap();
        let mut interner = Interner::default();
        let plans = plan_rules(&rewrite(&kb), &mut interner).unwrap();
        let widths: Vec<usize> = plans.iter().map(RulePlan::packed_width).collect();
        assert_eq!(widths, vec![2, 2, 3]);
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
        let model = evaluate(
            &rewrite(&kb),
            FactRows::new(),
            None,
            &mut interner,
            &EvalConfig::default(),
        )
        .unwrap();
        assert!(
            model
                .relation(&Pred::user("m"))
                .is_none_or(|r| r.is_empty())
        );
        assert_eq!(model.relation(&Pred::user("k")).map(|r| r.len()), Some(1));
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
        let err =
            evaluate(&rewrite(&kb), FactRows::new(), None, &mut interner, &config).unwrap_err();
        assert!(
            matches!(err, EvalError::Limit(Limit::Tuples(1000))),
            "{err:?}"
        );
        let cancel = Arc::new(AtomicBool::new(true));
        let config = EvalConfig {
            cancel: Some(cancel),
            ..EvalConfig::default()
        };
        assert_eq!(
            evaluate(&rewrite(&kb), FactRows::new(), None, &mut interner, &config).unwrap_err(),
            EvalError::Cancelled
        );
    }
}
