//! Property tests of the evaluator: random stratified programs with recursion and negation
//! must get the same model as a naive reference evaluator written here, with heights and
//! proofs consistent with that model.
//!
//! The reference evaluator works on its own tiny program representation: layered predicates
//! (layer 0 holds the base relations), rules of positive atoms, negated atoms on strictly
//! lower layers and `=`/`!=` tests. A layer is evaluated by applying all of its rules to the
//! whole database until nothing changes; the layers are the strata by construction.

mod common;

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use supportkb::explain::{Justification, Proof};
use supportkb::ir::Pred as IrPred;
use supportkb::query::{Answer, Session};
use supportkb::source::Code;

// ------------------------------------------------------------------ programs

/// Constants: symbols and integers, each written differently, so a constant's text names it.
const DOMAIN: [&str; 5] = ["c0", "c1", "c2", "1", "2"];
/// Variables of a rule.
const VARS: [&str; 4] = ["A", "B", "C", "D"];

type Tuple = Vec<String>;
type Rel = BTreeSet<Tuple>;
type Db = BTreeMap<String, Rel>;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Term {
    Var(usize),
    Const(usize),
    Wild,
}

#[derive(Clone, Debug)]
struct Atom {
    pred: usize,
    args: Vec<Term>,
}

#[derive(Clone, Debug)]
enum Lit {
    Pos(Atom),
    Neg(Atom),
    Cmp { lhs: Term, eq: bool, rhs: Term },
}

#[derive(Clone, Debug)]
struct Rule {
    head: Atom,
    body: Vec<Lit>,
}

#[derive(Clone, Debug)]
struct Pred {
    name: String,
    arity: usize,
    /// 0 for base relations; a rule may read its own layer positively, and only strictly
    /// lower layers under negation.
    layer: usize,
}

#[derive(Clone)]
struct Program {
    preds: Vec<Pred>,
    facts: Vec<(usize, Tuple)>,
    rules: Vec<Rule>,
}

impl fmt::Debug for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\n{}", self.render())
    }
}

fn term_text(t: &Term) -> String {
    match t {
        Term::Var(v) => VARS[*v].to_string(),
        Term::Const(c) => DOMAIN[*c].to_string(),
        Term::Wild => "_".to_string(),
    }
}

fn atom_text(name: &str, args: &[String]) -> String {
    if args.is_empty() {
        name.to_string()
    } else {
        format!("{name}({})", args.join(", "))
    }
}

impl Program {
    fn name(&self, pred: usize) -> &str {
        &self.preds[pred].name
    }

    fn render_atom(&self, a: &Atom) -> String {
        let args: Vec<String> = a.args.iter().map(term_text).collect();
        atom_text(self.name(a.pred), &args)
    }

    fn render_lit(&self, l: &Lit) -> String {
        match l {
            Lit::Pos(a) => self.render_atom(a),
            Lit::Neg(a) => format!("!{}", self.render_atom(a)),
            Lit::Cmp { lhs, eq, rhs } => format!(
                "{} {} {}",
                term_text(lhs),
                if *eq { "=" } else { "!=" },
                term_text(rhs)
            ),
        }
    }

    /// The program in the knowledge-base syntax.
    fn render(&self) -> String {
        self.render_ordered(false)
    }

    /// The program with its clauses, and the literals of every body, in reverse order: the
    /// same program to a reader, a different one to a planner.
    fn render_reversed(&self) -> String {
        self.render_ordered(true)
    }

    fn render_ordered(&self, reversed: bool) -> String {
        fn order<T>(v: &[T], reversed: bool) -> Vec<&T> {
            let mut v: Vec<&T> = v.iter().collect();
            if reversed {
                v.reverse();
            }
            v
        }
        let mut s = String::new();
        for (p, t) in order(&self.facts, reversed) {
            s.push_str(&atom_text(self.name(*p), t));
            s.push_str(".\n");
        }
        for r in order(&self.rules, reversed) {
            let body: Vec<String> = order(&r.body, reversed)
                .into_iter()
                .map(|l| self.render_lit(l))
                .collect();
            s.push_str(&format!(
                "{} :- {}.\n",
                self.render_atom(&r.head),
                body.join(", ")
            ));
        }
        s
    }

    fn is_fact(&self, pred: &str, t: &[String]) -> bool {
        self.facts
            .iter()
            .any(|(p, f)| self.name(*p) == pred && f.as_slice() == t)
    }

    fn load(&self) -> Session {
        load_text(&self.render())
    }
}

fn load_text(text: &str) -> Session {
    common::load(text)
}

// ------------------------------------------------------------------ reference evaluator

/// Variable values during the evaluation of one rule.
type Binding = [Option<String>; VARS.len()];

/// Extends `b` so that `args` matches `tuple`; `_` matches anything.
fn match_args(args: &[Term], tuple: &[String], b: &Binding) -> Option<Binding> {
    let mut b = b.clone();
    for (t, v) in args.iter().zip(tuple) {
        match t {
            Term::Wild => {}
            Term::Const(c) => {
                if DOMAIN[*c] != v {
                    return None;
                }
            }
            Term::Var(x) => match &b[*x] {
                Some(old) if old != v => return None,
                Some(_) => {}
                None => b[*x] = Some(v.clone()),
            },
        }
    }
    Some(b)
}

fn value(t: &Term, b: &Binding) -> String {
    match t {
        Term::Var(x) => b[*x].clone().expect("every tested variable is bound"),
        Term::Const(c) => DOMAIN[*c].to_string(),
        Term::Wild => panic!("`_` has no value"),
    }
}

/// Every head tuple `r` derives from `db`: positive atoms joined in the order written, then
/// the negations and comparisons tested.
fn fire(p: &Program, r: &Rule, db: &Db) -> Vec<Tuple> {
    let mut bindings: Vec<Binding> = vec![Default::default()];
    for l in &r.body {
        if let Lit::Pos(a) = l {
            let rel = &db[p.name(a.pred)];
            bindings = bindings
                .iter()
                .flat_map(|b| rel.iter().filter_map(|t| match_args(&a.args, t, b)))
                .collect();
        }
    }
    bindings
        .into_iter()
        .filter(|b| {
            r.body.iter().all(|l| match l {
                Lit::Pos(_) => true,
                Lit::Neg(a) => !db[p.name(a.pred)]
                    .iter()
                    .any(|t| match_args(&a.args, t, b).is_some()),
                Lit::Cmp { lhs, eq, rhs } => (value(lhs, b) == value(rhs, b)) == *eq,
            })
        })
        .map(|b| r.head.args.iter().map(|t| value(t, &b)).collect())
        .collect()
}

/// The model of `p`, layer by layer, each to its fixpoint by naive iteration.
fn reference(p: &Program) -> Db {
    let mut db: Db = p
        .preds
        .iter()
        .map(|q| (q.name.clone(), Rel::new()))
        .collect();
    for (k, t) in &p.facts {
        db.get_mut(p.name(*k)).expect("pred").insert(t.clone());
    }
    let top = p.preds.iter().map(|q| q.layer).max().unwrap_or(0);
    for layer in 1..=top {
        let rules: Vec<&Rule> = p
            .rules
            .iter()
            .filter(|r| p.preds[r.head.pred].layer == layer)
            .collect();
        for r in &rules {
            for l in &r.body {
                match l {
                    Lit::Pos(a) => assert!(p.preds[a.pred].layer <= layer),
                    Lit::Neg(a) => assert!(p.preds[a.pred].layer < layer),
                    Lit::Cmp { .. } => {}
                }
            }
        }
        loop {
            let mut changed = false;
            for r in &rules {
                for t in fire(p, r, &db) {
                    changed |= db.get_mut(p.name(r.head.pred)).expect("pred").insert(t);
                }
            }
            if !changed {
                break;
            }
        }
    }
    db
}

// ------------------------------------------------------------------ generator

/// Raw choices a program is built from; `build` turns any of them into a valid program, so
/// shrinking the choices always yields a valid program again.
#[derive(Clone, Debug)]
struct RawTerm {
    kind: u8,
    idx: usize,
}

#[derive(Clone, Debug)]
struct RawAtom {
    pred: usize,
    args: Vec<RawTerm>,
}

#[derive(Clone, Debug)]
struct RawRule {
    pos: Vec<RawAtom>,
    neg: Vec<RawAtom>,
    cmps: Vec<(RawTerm, bool, RawTerm)>,
    head: Vec<RawTerm>,
}

#[derive(Clone, Debug)]
struct RawIdb {
    arity: usize,
    new_layer: bool,
    rules: Vec<RawRule>,
    facts: Vec<Vec<usize>>,
}

#[derive(Clone, Debug)]
struct RawProgram {
    edb: Vec<(usize, Vec<Vec<usize>>)>,
    idb: Vec<RawIdb>,
}

fn raw_term() -> impl Strategy<Value = RawTerm> {
    (0u8..20, 0usize..8).prop_map(|(kind, idx)| RawTerm { kind, idx })
}

fn raw_atom() -> impl Strategy<Value = RawAtom> {
    (0usize..16, prop::collection::vec(raw_term(), 2))
        .prop_map(|(pred, args)| RawAtom { pred, args })
}

fn raw_rule() -> impl Strategy<Value = RawRule> {
    (
        prop::collection::vec(raw_atom(), 1..=3),
        prop_oneof![
            3 => Just(Vec::new()),
            2 => prop::collection::vec(raw_atom(), 1),
            1 => prop::collection::vec(raw_atom(), 2),
        ],
        prop::collection::vec((raw_term(), prop::bool::weighted(0.25), raw_term()), 0..=1),
        prop::collection::vec(raw_term(), 2),
    )
        .prop_map(|(pos, neg, cmps, head)| RawRule {
            pos,
            neg,
            cmps,
            head,
        })
}

fn raw_tuple() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..DOMAIN.len(), 2)
}

fn raw_program() -> impl Strategy<Value = RawProgram> {
    let edb = prop::collection::vec(
        (1usize..=2, prop::collection::vec(raw_tuple(), 3..=12)),
        2..=4,
    );
    let idb = prop::collection::vec(
        (
            prop_oneof![1 => Just(0usize), 5 => 1usize..=2],
            any::<bool>(),
            prop::collection::vec(raw_rule(), 1..=3),
            prop_oneof![
                4 => Just(Vec::new()),
                1 => prop::collection::vec(raw_tuple(), 1..=2)
            ],
        )
            .prop_map(|(arity, new_layer, rules, facts)| RawIdb {
                arity,
                new_layer,
                rules,
                facts,
            }),
        2..=4,
    );
    (edb, idb).prop_map(|(edb, idb)| RawProgram { edb, idb })
}

/// A positive atom's argument: mostly variables (few of them, so joins and repeats are
/// common), sometimes a constant or `_`.
fn pos_term(r: &RawTerm) -> Term {
    match r.kind {
        0..=15 => Term::Var(r.idx % VARS.len()),
        16 | 17 => Term::Const(r.idx % DOMAIN.len()),
        _ => Term::Wild,
    }
}

/// A term that must have a value: a variable bound by a positive atom, else a constant.
fn bound_term(r: &RawTerm, bound: &[usize]) -> Term {
    if r.kind < 17 && !bound.is_empty() {
        Term::Var(bound[r.idx % bound.len()])
    } else {
        Term::Const(r.idx % DOMAIN.len())
    }
}

fn build(raw: &RawProgram) -> Program {
    let mut preds = Vec::new();
    let mut facts = Vec::new();
    for (i, (arity, fs)) in raw.edb.iter().enumerate() {
        preds.push(Pred {
            name: format!("e{i}"),
            arity: *arity,
            layer: 0,
        });
        for f in fs {
            facts.push((i, f[..*arity].iter().map(|&c| DOMAIN[c].into()).collect()));
        }
    }
    let mut layer = 1;
    for (j, d) in raw.idb.iter().enumerate() {
        if j > 0 && d.new_layer {
            layer += 1;
        }
        let k = preds.len();
        preds.push(Pred {
            name: format!("p{j}"),
            arity: d.arity,
            layer,
        });
        for f in &d.facts {
            facts.push((k, f[..d.arity].iter().map(|&c| DOMAIN[c].into()).collect()));
        }
    }
    let mut rules = Vec::new();
    for (j, d) in raw.idb.iter().enumerate() {
        let head_pred = raw.edb.len() + j;
        let my_layer = preds[head_pred].layer;
        let readable: Vec<usize> = (0..preds.len())
            .filter(|&q| preds[q].layer <= my_layer)
            .collect();
        let negatable: Vec<usize> = (0..preds.len())
            .filter(|&q| preds[q].layer < my_layer)
            .collect();
        for (n, rr) in d.rules.iter().enumerate() {
            // The first rule reads lower layers only: a base case for the recursion.
            let readable: Vec<usize> = if n == 0 {
                readable
                    .iter()
                    .copied()
                    .filter(|&q| preds[q].layer < my_layer)
                    .collect()
            } else {
                readable.clone()
            };
            let mut body = Vec::new();
            let mut bound: Vec<usize> = Vec::new();
            for a in &rr.pos {
                let pred = readable[a.pred % readable.len()];
                let args: Vec<Term> = a.args[..preds[pred].arity].iter().map(pos_term).collect();
                for t in &args {
                    if let Term::Var(v) = t
                        && !bound.contains(v)
                    {
                        bound.push(*v);
                    }
                }
                body.push(Lit::Pos(Atom { pred, args }));
            }
            for a in &rr.neg {
                let pred = negatable[a.pred % negatable.len()];
                let args = a.args[..preds[pred].arity]
                    .iter()
                    .map(|t| {
                        if t.kind >= 18 {
                            Term::Wild
                        } else {
                            bound_term(t, &bound)
                        }
                    })
                    .collect();
                body.push(Lit::Neg(Atom { pred, args }));
            }
            for (l, eq, r) in &rr.cmps {
                let lhs = bound_term(l, &bound);
                let mut rhs = bound_term(r, &bound);
                if lhs == rhs && bound.len() > 1 {
                    // `X != X` and `X = X` decide nothing; compare two variables instead.
                    rhs = bound_term(
                        &RawTerm {
                            kind: r.kind,
                            idx: r.idx + 1,
                        },
                        &bound,
                    );
                }
                body.push(Lit::Cmp { lhs, eq: *eq, rhs });
            }
            let head = Atom {
                pred: head_pred,
                args: rr.head[..d.arity]
                    .iter()
                    .map(|t| bound_term(t, &bound))
                    .collect(),
            };
            rules.push(Rule { head, body });
        }
    }
    Program {
        preds,
        facts,
        rules,
    }
}

fn program() -> impl Strategy<Value = Program> {
    raw_program().prop_map(|r| build(&r))
}

// ------------------------------------------------------------------ reading the engine

fn text_row(kb: &Session, row: &[u32]) -> Tuple {
    kb.kb
        .interner
        .decode(row)
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// The engine's model, as text tuples, for every predicate of `p` (absent means empty).
fn engine_db(kb: &Session, p: &Program) -> Db {
    p.preds
        .iter()
        .map(|q| {
            let rel = kb
                .kb
                .model
                .relation(&IrPred::user(q.name.as_str()))
                .map(|r| r.rows().map(|row| text_row(kb, row)).collect())
                .unwrap_or_default();
            (q.name.clone(), rel)
        })
        .collect()
}

/// `(pred, tuple, height)` of every tuple the engine derived.
fn engine_heights(kb: &Session, p: &Program) -> Vec<(String, Tuple, Option<u32>)> {
    let mut out = Vec::new();
    for q in &p.preds {
        if let Some(rel) = kb.kb.model.relation(&IrPred::user(q.name.as_str())) {
            for row in rel.rows() {
                out.push((q.name.clone(), text_row(kb, row), rel.height(row)));
            }
        }
    }
    out
}

fn ask(kb: &mut Session, q: &str) -> Answer {
    kb.ask(q, Default::default())
        .unwrap_or_else(|e| panic!("query `{q}` failed: {e:?}"))
}

/// The rows of a conjunctive query, as text tuples.
fn bindings(kb: &mut Session, q: &str) -> Rel {
    let Answer::Bindings(b) = ask(kb, q) else {
        panic!("`{q}` gets bindings");
    };
    b.rows
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

// ------------------------------------------------------------------ proof checking

fn unify(args: &[Term], values: &[String], b: &mut Binding) -> Result<(), String> {
    if args.len() != values.len() {
        return Err(format!("arity {} against {values:?}", args.len()));
    }
    *b = match_args(args, values, b).ok_or_else(|| format!("{values:?} does not match"))?;
    Ok(())
}

/// Whether `node`'s premises are an instance of `r` concluding `node`'s atom: positive
/// premises are the rule's atoms under one substitution, negations and tests are the rule's,
/// instantiated, and hold in the reference model.
fn instance_of(p: &Program, r: &Rule, node: &Proof, reference: &Db) -> Result<(), String> {
    let atom = node.atom.as_ref().expect("atom");
    let mut b: Binding = Default::default();
    let values: Vec<String> = atom.args.iter().map(|c| c.to_string()).collect();
    unify(&r.head.args, &values, &mut b)?;
    if r.body.len() != node.premises.len() {
        return Err("premise count".into());
    }
    for (l, prem) in r.body.iter().zip(&node.premises) {
        if let Lit::Pos(a) = l {
            let pa = prem.atom.as_ref().ok_or("positive premise without atom")?;
            if pa.pred != p.name(a.pred) {
                return Err(format!("premise {} for {}", pa.pred, p.name(a.pred)));
            }
            let vals: Vec<String> = pa.args.iter().map(|c| c.to_string()).collect();
            unify(&a.args, &vals, &mut b)?;
        }
    }
    for (l, prem) in r.body.iter().zip(&node.premises) {
        match l {
            Lit::Pos(_) => {}
            Lit::Neg(a) => {
                let args: Vec<String> = a
                    .args
                    .iter()
                    .map(|t| match t {
                        Term::Wild => "_".to_string(),
                        t => value(t, &b),
                    })
                    .collect();
                let want = format!("!{}", atom_text(p.name(a.pred), &args));
                if prem.conclusion != want || prem.by != Justification::Absent {
                    return Err(format!("negation {want} shown as {}", prem.conclusion));
                }
                if reference[p.name(a.pred)]
                    .iter()
                    .any(|t| match_args(&a.args, t, &b).is_some())
                {
                    return Err(format!("{want} does not hold"));
                }
            }
            Lit::Cmp { lhs, eq, rhs } => {
                let (l, r) = (value(lhs, &b), value(rhs, &b));
                let want = format!("{l} {} {r}", if *eq { "=" } else { "!=" });
                if prem.conclusion != want || prem.by != Justification::Builtin {
                    return Err(format!("test {want} shown as {}", prem.conclusion));
                }
                if (l == r) != *eq {
                    return Err(format!("{want} does not hold"));
                }
            }
        }
    }
    Ok(())
}

/// Checks a proof tree against the program and the reference model; returns the first
/// problem found.
fn check_proof(p: &Program, node: &Proof, reference: &Db) -> Result<(), String> {
    let atom = node
        .atom
        .as_ref()
        .ok_or_else(|| format!("atom node without atom: {}", node.conclusion))?;
    let values: Tuple = atom.args.iter().map(|c| c.to_string()).collect();
    if !reference
        .get(&atom.pred)
        .is_some_and(|r| r.contains(&values))
    {
        return Err(format!("{} is not in the reference model", node.conclusion));
    }
    let h = node
        .height
        .ok_or_else(|| format!("{} has no height", node.conclusion))?;
    match &node.by {
        Justification::Fact { .. } => {
            if !p.is_fact(&atom.pred, &values) {
                return Err(format!("{} is shown as a fact", node.conclusion));
            }
            if h != 0 || !node.premises.is_empty() {
                return Err(format!("fact {} at height {h}", node.conclusion));
            }
        }
        Justification::Rule { .. } => {
            if h == 0 {
                return Err(format!("rule conclusion {} at height 0", node.conclusion));
            }
            let mut why = Vec::new();
            let ok = p
                .rules
                .iter()
                .filter(|r| p.name(r.head.pred) == atom.pred)
                .any(|r| match instance_of(p, r, node, reference) {
                    Ok(()) => true,
                    Err(e) => {
                        why.push(e);
                        false
                    }
                });
            if !ok {
                return Err(format!(
                    "{} is no instance of a rule of {}: {why:?}",
                    node.conclusion, atom.pred
                ));
            }
            for prem in &node.premises {
                if prem.atom.is_none() {
                    continue;
                }
                match prem.height {
                    Some(ph) if ph < h => {}
                    other => {
                        return Err(format!(
                            "premise {} at height {other:?} under {} at height {h}",
                            prem.conclusion, node.conclusion
                        ));
                    }
                }
                check_proof(p, prem, reference)?;
            }
        }
        other => return Err(format!("atom {} justified by {other:?}", node.conclusion)),
    }
    Ok(())
}

// ------------------------------------------------------------------ properties

/// Most derived tuples per program whose proofs are checked.
const PROOFS_PER_PROGRAM: usize = 40;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The engine's model equals the reference model, predicate by predicate, whatever the
    /// order of clauses and body literals; a conjunctive query over each predicate returns
    /// the same tuples.
    #[test]
    fn model_matches_reference(p in program()) {
        let mut kb = p.load();
        let want = reference(&p);
        let got = engine_db(&kb, &p);
        for (name, rel) in &want {
            prop_assert_eq!(&got[name], rel, "predicate {}", name);
        }
        let reversed = engine_db(&load_text(&p.render_reversed()), &p);
        for (name, rel) in &want {
            prop_assert_eq!(&reversed[name], rel, "predicate {}, clauses reversed", name);
        }
        for (name, _) in kb.kb.model.user_relations() {
            prop_assert!(want.contains_key(name), "unexpected relation {}", name);
        }
        let unary_base = p.preds.iter().find(|q| q.layer == 0 && q.arity == 1);
        for q in &p.preds {
            let all = &want[&q.name];
            let vars: Vec<String> = VARS[..q.arity].iter().map(|v| v.to_string()).collect();
            let got = bindings(&mut kb, &format!("?- {}.", atom_text(&q.name, &vars)));
            prop_assert_eq!(&got, all, "query over {}", q.name);
            if q.arity == 2 {
                let same: Rel = all
                    .iter()
                    .filter(|t| t[0] == t[1])
                    .map(|t| vec![t[0].clone()])
                    .collect();
                let got = bindings(&mut kb, &format!("?- {}(A, A).", q.name));
                prop_assert_eq!(&got, &same, "query {}(A, A)", q.name);
                let c = DOMAIN[1];
                let given: Rel = all
                    .iter()
                    .filter(|t| t[0] == c)
                    .map(|t| vec![t[1].clone()])
                    .collect();
                let got = bindings(&mut kb, &format!("?- {}({c}, A).", q.name));
                prop_assert_eq!(&got, &given, "query {}({}, A)", q.name, c);
            }
            if let Some(e) = unary_base.filter(|_| q.layer > 0 && q.arity == 1) {
                let rest: Rel = want[&e.name].difference(all).cloned().collect();
                let got = bindings(&mut kb, &format!("?- {}(A), !{}(A).", e.name, q.name));
                prop_assert_eq!(&got, &rest, "query {}(A), !{}(A)", e.name, q.name);
            }
        }
    }

    /// Facts have height 0 and derived tuples a positive one; each derived tuple has a proof
    /// rooted at it whose steps are rule instances with premises strictly lower, down to facts
    /// of the program. Tuples outside the model have no proof.
    #[test]
    fn heights_and_proofs_are_consistent(p in program()) {
        let mut kb = p.load();
        let want = reference(&p);
        let mut derived = Vec::new();
        for (name, t, h) in engine_heights(&kb, &p) {
            let h = h.expect("a tuple of the model has a height");
            if p.is_fact(&name, &t) {
                prop_assert_eq!(h, 0, "fact {}{:?}", name, t);
            } else {
                prop_assert!(h > 0, "derived {}{:?} at height 0", name, t);
                derived.push((name, t, h));
            }
        }
        let step = derived.len().div_ceil(PROOFS_PER_PROGRAM).max(1);
        for (name, t, h) in derived.iter().step_by(step) {
            let goal = atom_text(name, t);
            let Answer::Why(w) = ask(&mut kb, &format!("why {goal}")) else {
                panic!("`why` gets a why answer");
            };
            prop_assert!(w.holds, "why {} does not hold", goal);
            prop_assert_eq!(w.proofs.len(), 1, "why {}: proofs", goal);
            // The product's own independent checker accepts it too.
            prop_assert!(w.proof_errors.is_empty(), "checker rejects the proof of {}: {:?}", goal, w.proof_errors);
            let root = &w.proofs[0];
            prop_assert_eq!(&root.conclusion, &goal);
            prop_assert_eq!(root.height, Some(*h), "height of {}", goal);
            if let Err(e) = check_proof(&p, root, &want) {
                prop_assert!(false, "proof of {}: {}\n{:#?}", goal, e, root);
            }
        }
        // A few tuples outside the model: no proof.
        let mut absent = 0;
        for q in p.preds.iter().filter(|q| q.layer > 0 && q.arity > 0) {
            for c in DOMAIN {
                let t: Tuple = vec![c.to_string(); q.arity];
                if want[&q.name].contains(&t) || absent >= 4 {
                    continue;
                }
                absent += 1;
                let goal = atom_text(&q.name, &t);
                let Answer::Why(w) = ask(&mut kb, &format!("why {goal}")) else {
                    panic!("`why` gets a why answer");
                };
                prop_assert!(!w.holds && w.proofs.is_empty(), "why {} holds", goal);
            }
        }
    }
}

// ------------------------------------------------------------------ known shapes

fn rows_of(kb: &Session, pred: &str) -> Rel {
    kb.kb
        .model
        .relation(&IrPred::user(pred))
        .map(|r| r.rows().map(|row| text_row(kb, row)).collect())
        .unwrap_or_default()
}

fn tuples(pairs: &[(&str, &str)]) -> Rel {
    pairs
        .iter()
        .map(|(a, b)| vec![a.to_string(), b.to_string()])
        .collect()
}

#[test]
fn transitive_closure_of_a_chain() {
    let mut text = String::new();
    for i in 0..29 {
        text.push_str(&format!("edge({i}, {}).\n", i + 1));
    }
    text.push_str("path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).\n");
    let mut kb = load_text(&text);
    let path = kb.kb.model.relation(&IrPred::user("path")).expect("path");
    assert_eq!(path.len(), 435);
    let rows = rows_of(&kb, "path");
    for i in 0..30 {
        for j in 0..30 {
            assert_eq!(rows.contains(&vec![i.to_string(), j.to_string()]), i < j);
        }
    }
    let Answer::Why(w) = ask(&mut kb, "why path(0, 29)") else {
        panic!("why answer");
    };
    assert!(w.holds);
    // The proof follows the chain: 28 recursive steps down to path(0, 1).
    let mut depth = 0;
    let mut node = &w.proofs[0];
    while let Some(next) = node.premises.iter().find(|p| {
        p.atom
            .as_ref()
            .is_some_and(|a| a.pred == "path" || a.pred == "edge")
    }) {
        assert!(next.height < node.height);
        depth += 1;
        node = next;
    }
    assert_eq!(depth, 29);
}

#[test]
fn same_generation_on_a_small_tree() {
    // r has children a and b; a has c and d; b has e.
    let text = "par(a, r). par(b, r). par(c, a). par(d, a). par(e, b).\n\
                sg(X, Y) :- par(X, P), par(Y, P), X != Y.\n\
                sg(X, Y) :- par(X, XP), sg(XP, YP), par(Y, YP).\n";
    let kb = load_text(text);
    let want = tuples(&[
        ("a", "b"),
        ("b", "a"),
        ("c", "d"),
        ("d", "c"),
        ("c", "e"),
        ("e", "c"),
        ("d", "e"),
        ("e", "d"),
    ]);
    assert_eq!(rows_of(&kb, "sg"), want);
}

#[test]
fn unreachable_nodes_by_negation() {
    let text = "node(n1). node(n2). node(n3). node(n4). node(n5). node(n6).\n\
                edge(n1, n2). edge(n2, n3). edge(n3, n1). edge(n4, n5). edge(n6, n6).\n\
                start(n1).\n\
                reach(X) :- start(X).\n\
                reach(Y) :- reach(X), edge(X, Y).\n\
                unreachable(X) :- node(X), !reach(X).\n";
    let kb = load_text(text);
    let set = |xs: &[&str]| -> Rel { xs.iter().map(|x| vec![x.to_string()]).collect() };
    assert_eq!(rows_of(&kb, "reach"), set(&["n1", "n2", "n3"]));
    assert_eq!(rows_of(&kb, "unreachable"), set(&["n4", "n5", "n6"]));
}

#[test]
fn the_reference_agrees_on_the_known_shapes() {
    // The same-generation program in the reference representation.
    let par = 0;
    let sg = 1;
    let v = Term::Var;
    let p = Program {
        preds: vec![
            Pred {
                name: "par".into(),
                arity: 2,
                layer: 0,
            },
            Pred {
                name: "sg".into(),
                arity: 2,
                layer: 1,
            },
        ],
        facts: [("a", "r"), ("b", "r"), ("c", "a"), ("d", "a"), ("e", "b")]
            .iter()
            .map(|(x, y)| (par, vec![x.to_string(), y.to_string()]))
            .collect(),
        rules: vec![
            Rule {
                head: Atom {
                    pred: sg,
                    args: vec![v(0), v(1)],
                },
                body: vec![
                    Lit::Pos(Atom {
                        pred: par,
                        args: vec![v(0), v(2)],
                    }),
                    Lit::Pos(Atom {
                        pred: par,
                        args: vec![v(1), v(2)],
                    }),
                    Lit::Cmp {
                        lhs: v(0),
                        eq: false,
                        rhs: v(1),
                    },
                ],
            },
            Rule {
                head: Atom {
                    pred: sg,
                    args: vec![v(0), v(1)],
                },
                body: vec![
                    Lit::Pos(Atom {
                        pred: par,
                        args: vec![v(0), v(2)],
                    }),
                    Lit::Pos(Atom {
                        pred: sg,
                        args: vec![v(2), v(3)],
                    }),
                    Lit::Pos(Atom {
                        pred: par,
                        args: vec![v(1), v(3)],
                    }),
                ],
            },
        ],
    };
    let want = reference(&p);
    assert_eq!(want["sg"].len(), 8);
    let kb = p.load();
    assert_eq!(engine_db(&kb, &p), want);
}

#[test]
fn negation_through_recursion_is_rejected() {
    let r = common::try_load("q(c0). p(X) :- q(X), !r(X). r(X) :- p(X).");
    let e = r.expect_err("unstratifiable");
    assert!(e.diagnostics.iter().any(|d| d.code == Code::Unstratifiable));
}
