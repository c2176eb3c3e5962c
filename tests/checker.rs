//! The independent proof checker against the explainer's proofs, and against corrupted
//! ones (member lists of aggregates among them).

use supportkb::explain::checker::{ModelTuples, ProofChecker};
use supportkb::explain::{Justification, Proof};
use supportkb::ir::Const;
use supportkb::query::{Answer, Session};
use supportkb::source::SourceText;

fn session(text: &str) -> Session {
    Session::load(
        vec![SourceText {
            name: "t.kb".into(),
            text: text.into(),
        }],
        Default::default(),
    )
    .unwrap()
}

fn tuples_of(s: &Session) -> ModelTuples<'_> {
    ModelTuples {
        model: supportkb::engine::Layered::new(&s.kb.model, None),
        interner: &s.kb.interner,
    }
}

const PROGRAM: &str =
    "e(1,2). e(2,3). b(9). t(X,Y) :- e(X,Y). t(X,Z) :- t(X,Y), e(Y,Z), !b(Y), Z > 1.";

fn proof_of(s: &mut Session, q: &str) -> Proof {
    match s.ask(q, Default::default()).unwrap() {
        Answer::Why(w) => w.proofs[0].clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn accepts_the_proofs_the_explainer_builds() {
    let mut s = session(PROGRAM);
    let a = s.ask("why t(1, 3)", Default::default()).unwrap();
    let Answer::Why(w) = a else { panic!() };
    assert!(w.proof_errors.is_empty(), "{:?}", w.proof_errors);
    assert_eq!(w.proofs.len(), 1);
}

#[test]
fn rejects_corrupted_proofs() {
    let mut s = session(PROGRAM);
    let good = proof_of(&mut s, "why t(1, 3)");
    let checker = ProofChecker::new(&s.kb.checked);
    let tuples = tuples_of(&s);
    assert_eq!(checker.check(&good, &tuples), Ok(()));

    // A substitution that does not match the conclusion.
    let mut bad = good.clone();
    if let Justification::Rule { substitution, .. } = &mut bad.by {
        substitution.0[0].1 = Const::Int(2);
    }
    let err = checker.check(&bad, &tuples).unwrap_err();
    assert!(err.message.contains("substitution"), "{err}");

    // A premise dropped.
    let mut bad = good.clone();
    bad.premises.pop();
    let err = checker.check(&bad, &tuples).unwrap_err();
    assert!(err.message.contains("premises"), "{err}");

    // A leaf that is no fact: claim e(1, 7).
    let mut bad = good.clone();
    let leaf = bad
        .premises
        .iter_mut()
        .find(|p| p.atom.as_ref().is_some_and(|a| a.pred == "e"))
        .unwrap();
    leaf.atom.as_mut().unwrap().args[1] = Const::Int(7);
    assert!(checker.check(&bad, &tuples).is_err());

    // A rule the knowledge base does not have.
    let mut bad = good.clone();
    if let Justification::Rule { rule, .. } = &mut bad.by {
        *rule = "t(X, Z) :- e(X, Z).".into();
    }
    let err = checker.check(&bad, &tuples).unwrap_err();
    assert!(err.message.contains("no rule"), "{err}");
}

#[test]
fn rejects_a_false_comparison() {
    // Guards: this case once never reached its assertion. `big(1)` holds by the second
    // rule; a proof claiming it by the first has the false premise `1 > 3`.
    let mut s = session("n(1). n(5). big(X) :- n(X), X > 3. big(X) :- n(X), X = 1.");
    let good = proof_of(&mut s, "why big(5)");
    let checker = ProofChecker::new(&s.kb.checked);
    let tuples = tuples_of(&s);
    assert_eq!(checker.check(&good, &tuples), Ok(()));
    let mut bad = good.clone();
    bad.atom.as_mut().unwrap().args[0] = Const::Int(1);
    bad.conclusion = "big(1)".into();
    if let Justification::Rule { substitution, .. } = &mut bad.by {
        substitution.0[0].1 = Const::Int(1);
    }
    let leaf = &mut bad.premises[0];
    leaf.atom.as_mut().unwrap().args[0] = Const::Int(1);
    leaf.conclusion = "n(1)".into();
    if let Justification::Fact { location, .. } = &mut leaf.by {
        location.line = 1;
    }
    let err = checker.check(&bad, &tuples).unwrap_err();
    assert!(err.message.contains("`X > 3` is false"), "{err}");
}

#[test]
fn a_clause_written_twice_checks_at_either_place() {
    // Found by the property test: the checker knew only one place per rule text.
    let mut s = session("e(c0).\ne(c0).\np(A) :- e(A).\np(A) :- e(A).\n");
    let a = s.ask("why p(c0)", Default::default()).unwrap();
    let Answer::Why(w) = a else { panic!() };
    assert!(w.proof_errors.is_empty(), "{:?}", w.proof_errors);
}

#[test]
fn negation_premises_must_be_absent() {
    let mut s = session("n(1). n(2). blocked(2). ok(X) :- n(X), !blocked(X).");
    let good = proof_of(&mut s, "why ok(1)");
    let checker = ProofChecker::new(&s.kb.checked);
    let tuples = tuples_of(&s);
    assert_eq!(checker.check(&good, &tuples), Ok(()));
    // Claim ok(2) with the same shape: n(2) holds but blocked(2) exists.
    let mut bad = good.clone();
    bad.atom.as_mut().unwrap().args[0] = Const::Int(2);
    if let Justification::Rule { substitution, .. } = &mut bad.by {
        substitution.0[0].1 = Const::Int(2);
    }
    bad.conclusion = "ok(2)".into();
    bad.premises[0].atom.as_mut().unwrap().args[0] = Const::Int(2);
    bad.premises[0].conclusion = "n(2)".into();
    let err = checker.check(&bad, &tuples).unwrap_err();
    assert!(
        err.message.contains("not a tuple") || err.message.contains("is false"),
        "{err}"
    );
    // A node whose conclusion is not its atom.
    let mut bad = good.clone();
    bad.conclusion = "ok(2)".into();
    let err = checker.check(&bad, &tuples).unwrap_err();
    assert!(err.message.contains("says it proves ok(2)"), "{err}");
}

const GROUPS: &str = "f(a). f(b). f(c). c(a, x). c(a, y). c(b, x). \
     n(F, N) :- f(F), N = count : { c(F, C) }. \
     many(F) :- f(F), N = count : { c(F, C) }, N >= 2.";

/// The aggregate premise of a proof of `n(…)` or `many(…)`.
fn aggregate_of(p: &mut Proof) -> &mut Proof {
    p.premises
        .iter_mut()
        .find(|q| matches!(q.by, Justification::Aggregate { .. }))
        .unwrap()
}

#[test]
fn accepts_an_aggregate_proof_and_its_empty_group() {
    let mut s = session(GROUPS);
    let qs = ["why n(a, 2)", "why n(c, 0)", "why many(a)"];
    let mut proofs: Vec<Proof> = qs.iter().map(|q| proof_of(&mut s, q)).collect();
    let checker = ProofChecker::new(&s.kb.checked);
    let tuples = tuples_of(&s);
    for (q, p) in qs.iter().zip(&proofs) {
        assert_eq!(checker.check(p, &tuples), Ok(()), "{q}");
    }
    assert_eq!(aggregate_of(&mut proofs[0]).premises.len(), 2);
    assert_eq!(aggregate_of(&mut proofs[1]).premises.len(), 0);
}

#[test]
fn rejects_a_corrupted_member_list() {
    let mut s = session(GROUPS);
    let good = proof_of(&mut s, "why many(a)");
    let checker = ProofChecker::new(&s.kb.checked);
    let tuples = tuples_of(&s);
    assert_eq!(checker.check(&good, &tuples), Ok(()));
    let err_of = |bad: &Proof| checker.check(bad, &tuples).unwrap_err().message;

    // A member dropped: the value no longer follows from the list.
    let mut bad = good.clone();
    aggregate_of(&mut bad).premises.pop();
    assert!(
        err_of(&bad).contains("the members give count = 1"),
        "{}",
        err_of(&bad)
    );

    // A member listed twice.
    let mut bad = good.clone();
    let agg = aggregate_of(&mut bad);
    let first = agg.premises[0].clone();
    agg.premises[1] = first;
    assert!(err_of(&bad).contains("listed twice"), "{}", err_of(&bad));

    // A member invented: its premise is no tuple.
    let mut bad = good.clone();
    let agg = aggregate_of(&mut bad);
    let mut fake = agg.premises[0].clone();
    if let Justification::Member { substitution } = &mut fake.by {
        for (v, c) in &mut substitution.0 {
            if v == "C" {
                *c = Const::Sym("z".into());
            }
        }
    }
    agg.premises.push(fake);
    assert!(checker.check(&bad, &tuples).is_err());

    // A member of another group.
    let mut bad = good.clone();
    let agg = aggregate_of(&mut bad);
    if let Justification::Member { substitution } = &mut agg.premises[0].by {
        for (v, c) in &mut substitution.0 {
            if v == "F" {
                *c = Const::Sym("b".into());
            }
        }
    }
    assert!(err_of(&bad).contains("another group"), "{}", err_of(&bad));
}

#[test]
fn an_incomplete_group_is_rejected_even_when_the_value_agrees() {
    // `any(F)` holds when F has at least one condition; its proof may not list fewer
    // members than the model holds, even though `count >= 1` would still pass.
    let mut s = session("f(a). c(a, x). c(a, y). any(F) :- f(F), N = count : { c(F, C) }, N >= 1.");
    let good = proof_of(&mut s, "why any(a)");
    let checker = ProofChecker::new(&s.kb.checked);
    let tuples = tuples_of(&s);
    assert_eq!(checker.check(&good, &tuples), Ok(()));
    let mut bad = good.clone();
    if let Justification::Rule { substitution, .. } = &mut bad.by {
        for (v, c) in &mut substitution.0 {
            if v == "N" {
                *c = Const::Int(1);
            }
        }
    }
    let agg = aggregate_of(&mut bad);
    agg.premises.pop();
    if let Justification::Aggregate { value, .. } = &mut agg.by {
        *value = Const::Int(1);
    }
    agg.conclusion = "count : { c(a, C) } = 1".into();
    let comparison = bad.premises.last_mut().unwrap();
    comparison.conclusion = "1 >= 1".into();
    let err = checker.check(&bad, &tuples).unwrap_err();
    assert!(
        err.message
            .contains("the group has 2 members in the model, the proof lists 1"),
        "{err}"
    );
}
