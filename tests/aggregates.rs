//! Aggregates against a reference written here: random base relations, rules that count,
//! sum, take the least and the greatest over groups (over base relations, over a recursive
//! relation, with a negation and a comparison inside the body), and every answer's proof
//! accepted by the independent checker. Plus the misuses, each an error at the aggregate.
//!
//! The reference reads DESIGN §4 literally: an aggregate ranges over the *distinct bindings*
//! of its body's own variables; `count` and `sum` of a group with none are 0, `min` and `max`
//! of such a group give no tuple.

mod common;

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use supportkb::ir::{Const, Pred};
use supportkb::query::{Answer, AskOptions, Session};

const GROUPS: [&str; 4] = ["g0", "g1", "g2", "g3"];
const MEMBERS: [&str; 4] = ["x0", "x1", "x2", "x3"];
const NODES: [&str; 5] = ["n0", "n1", "n2", "n3", "n4"];

#[derive(Debug, Clone)]
struct Input {
    /// The groups `g(G)` names (others have rows but are not asked about).
    groups: BTreeSet<usize>,
    /// Rows `r(G, X, V)`.
    rows: BTreeSet<(usize, usize, i64)>,
    /// Members marked `bad(X)`.
    bad: BTreeSet<usize>,
    /// Edges `e(A, B)`.
    edges: BTreeSet<(usize, usize)>,
    /// The thresholds of `big`: a value bound and a count bound.
    value_above: i64,
    at_least: i64,
}

fn input() -> impl Strategy<Value = Input> {
    (
        prop::collection::btree_set(0..GROUPS.len(), 0..=GROUPS.len()),
        prop::collection::btree_set((0..GROUPS.len(), 0..MEMBERS.len(), -3i64..6), 0..14),
        prop::collection::btree_set(0..MEMBERS.len(), 0..3),
        prop::collection::btree_set((0..NODES.len(), 0..NODES.len()), 0..9),
        -2i64..5,
        0i64..4,
    )
        .prop_map(|(groups, rows, bad, edges, value_above, at_least)| Input {
            groups,
            rows,
            bad,
            edges,
            value_above,
            at_least,
        })
}

fn program(i: &Input) -> String {
    // Declared, so an empty relation is one the rules may read.
    let mut s = String::from(
        "decl g(group). decl r(group, member, value). decl bad(member). decl e(from, to).\n",
    );
    for &g in &i.groups {
        s.push_str(&format!("g({}).\n", GROUPS[g]));
    }
    for &(g, x, v) in &i.rows {
        s.push_str(&format!("r({}, {}, {v}).\n", GROUPS[g], MEMBERS[x]));
    }
    for &x in &i.bad {
        s.push_str(&format!("bad({}).\n", MEMBERS[x]));
    }
    for n in NODES {
        s.push_str(&format!("node({n}).\n"));
    }
    for &(a, b) in &i.edges {
        s.push_str(&format!("e({}, {}).\n", NODES[a], NODES[b]));
    }
    s.push_str(&format!(
        "cnt(G, N) :- g(G), N = count : {{ r(G, X, V) }}.\n\
         cntx(G, N) :- g(G), N = count : {{ r(G, X, _) }}.\n\
         sm(G, S) :- g(G), S = sum V : {{ r(G, X, V) }}.\n\
         mn(G, M) :- g(G), M = min V : {{ r(G, X, V) }}.\n\
         mx(G, M) :- g(G), M = max V : {{ r(G, X, V) }}.\n\
         good(G, N) :- g(G), N = count : {{ r(G, X, V), !bad(X) }}.\n\
         big(G) :- g(G), N = count : {{ r(G, X, V), V > {} }}, N >= {}.\n\
         t(A, B) :- e(A, B).\n\
         t(A, C) :- t(A, B), e(B, C).\n\
         deg(A, N) :- node(A), N = count : {{ t(A, B) }}.\n\
         total(N) :- N = count : {{ t(A, B) }}.\n",
        i.value_above, i.at_least
    ));
    s
}

type Rel = BTreeSet<Vec<String>>;

/// The reference model of the aggregate predicates.
fn reference(i: &Input) -> BTreeMap<&'static str, Rel> {
    let mut out: BTreeMap<&'static str, Rel> = BTreeMap::new();
    for name in [
        "cnt", "cntx", "sm", "mn", "mx", "good", "big", "deg", "total",
    ] {
        out.insert(name, Rel::new());
    }
    for &g in &i.groups {
        let rows: Vec<(usize, i64)> = i
            .rows
            .iter()
            .filter(|r| r.0 == g)
            .map(|r| (r.1, r.2))
            .collect();
        let gn = GROUPS[g].to_string();
        let row = |v: String| vec![gn.clone(), v];
        out.get_mut("cnt")
            .unwrap()
            .insert(row(rows.len().to_string()));
        let xs: BTreeSet<usize> = rows.iter().map(|r| r.0).collect();
        out.get_mut("cntx")
            .unwrap()
            .insert(row(xs.len().to_string()));
        let sum: i64 = rows.iter().map(|r| r.1).sum();
        out.get_mut("sm").unwrap().insert(row(sum.to_string()));
        if let Some(m) = rows.iter().map(|r| r.1).min() {
            out.get_mut("mn").unwrap().insert(row(m.to_string()));
        }
        if let Some(m) = rows.iter().map(|r| r.1).max() {
            out.get_mut("mx").unwrap().insert(row(m.to_string()));
        }
        let good = rows.iter().filter(|r| !i.bad.contains(&r.0)).count();
        out.get_mut("good").unwrap().insert(row(good.to_string()));
        let above = rows.iter().filter(|r| r.1 > i.value_above).count() as i64;
        if above >= i.at_least {
            out.get_mut("big").unwrap().insert(vec![gn.clone()]);
        }
    }
    // Transitive closure of the edges.
    let mut t: BTreeSet<(String, String)> = i
        .edges
        .iter()
        .map(|&(a, b)| (NODES[a].to_string(), NODES[b].to_string()))
        .collect();
    loop {
        let next: BTreeSet<(String, String)> = t
            .iter()
            .flat_map(|(a, b)| {
                t.iter()
                    .filter(move |(c, _)| c == b)
                    .map(move |(_, d)| (a.clone(), d.clone()))
            })
            .collect();
        let before = t.len();
        t.extend(next);
        if t.len() == before {
            break;
        }
    }
    for n in NODES {
        let d = t.iter().filter(|(a, _)| a == n).count();
        out.get_mut("deg")
            .unwrap()
            .insert(vec![n.to_string(), d.to_string()]);
    }
    out.get_mut("total")
        .unwrap()
        .insert(vec![t.len().to_string()]);
    out
}

fn rows_of(kb: &Session, pred: &str) -> Rel {
    kb.kb
        .model
        .relation(&Pred::user(pred))
        .map(|r| {
            r.rows()
                .map(|row| {
                    kb.kb
                        .interner
                        .decode(row)
                        .iter()
                        .map(Const::to_string)
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn aggregates_agree_with_the_reference_and_their_proofs_check(i in input()) {
        let text = program(&i);
        let mut kb = common::load(&text);
        let want = reference(&i);
        for (pred, rows) in &want {
            prop_assert_eq!(&rows_of(&kb, pred), rows, "{}\n{}", pred, text);
        }
        // Every tuple's proof is accepted by the checker, members and all.
        for (pred, rows) in &want {
            for row in rows {
                let q = format!("why {pred}({})", row.join(", "));
                match kb.ask(&q, AskOptions::default()) {
                    Ok(Answer::Why(w)) => {
                        prop_assert!(!w.proofs.is_empty(), "{q}: no proof\n{text}");
                        prop_assert!(w.proof_errors.is_empty(), "{q}: {:?}\n{text}", w.proof_errors);
                    }
                    other => prop_assert!(false, "{q}: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn count_and_sum_by_group() {
    let mut kb = common::load(
        "sale(north, a, 3). sale(north, b, 4). sale(south, c, 10). region(north). region(south). region(west).\n\
         sales(R, N, S) :- region(R), N = count : { sale(R, I, W) }, S = sum V : { sale(R, J, V) }.",
    );
    assert_eq!(
        rows_of(&kb, "sales"),
        [
            ["north", "2", "7"],
            ["south", "1", "10"],
            ["west", "0", "0"]
        ]
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect::<Rel>()
    );
    let Ok(Answer::Why(w)) = kb.ask("why sales(west, 0, 0)", AskOptions::default()) else {
        panic!()
    };
    assert!(w.proof_errors.is_empty(), "{:?}", w.proof_errors);
}

#[test]
fn distinct_bindings_not_rows_are_counted() {
    // Two rows for x0 with different values are two bindings of (X, V), one of X.
    let kb = common::load(
        "r(x0, 1). r(x0, 2). r(x1, 1).\n\
         pairs(N) :- N = count : { r(X, V) }.\n\
         members(N) :- N = count : { r(X, _) }.\n\
         values(S) :- S = sum V : { r(_, V) }.",
    );
    assert!(rows_of(&kb, "pairs").contains(&vec!["3".to_string()]));
    assert!(rows_of(&kb, "members").contains(&vec!["2".to_string()]));
    // The distinct values 1 and 2: the value variable is the body's only own variable.
    assert!(rows_of(&kb, "values").contains(&vec!["3".to_string()]));
}

#[test]
fn an_overflowing_sum_has_no_value_and_warns() {
    let kb = common::load(
        "n(a, 9223372036854775807). n(b, 1).\n\
         total(S) :- S = sum V : { n(X, V) }.",
    );
    assert!(rows_of(&kb, "total").is_empty());
    let warned = kb
        .kb
        .model
        .warnings
        .iter()
        .any(|w| w.message.contains("sum has no value") && w.message.contains("overflow"));
    assert!(warned, "{:?}", kb.kb.model.warnings);
}

#[test]
fn a_result_bound_before_is_tested() {
    let kb = common::load(
        "c(a, x). c(a, y). c(b, x). want(a, 2). want(b, 2).\n\
         exactly(F) :- want(F, N), N = count : { c(F, C) }.",
    );
    assert_eq!(rows_of(&kb, "exactly"), Rel::from([vec!["a".to_string()]]));
}
