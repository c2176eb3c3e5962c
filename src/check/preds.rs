//! Predicates: what `decl`s, heads and bodies say of each (arity, columns, documentation),
//! and the errors of names and arities.

use super::{PredInfo, did_you_mean};
use crate::ir::Builtin;
use crate::source::{Code, Diagnostic, Span, plural};
use crate::syntax::{Atom, Clause, Literal, PredDecl, Program, Term};
use std::collections::{BTreeMap, BTreeSet};

/// Every predicate the program declares, defines or reads, with the errors of names and
/// arities: declarations first, then heads (the first fixes an undeclared predicate's
/// arity), then the atoms of bodies.
pub(super) fn collect_preds(
    program: &Program,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<String, PredInfo> {
    let mut preds: BTreeMap<String, PredInfo> = BTreeMap::new();
    for d in &program.decls {
        declared(d, &mut preds, errors);
    }
    for c in &program.clauses {
        defined(c, &mut preds, errors);
    }
    for c in &program.clauses {
        body_atoms_known(&c.body, &preds, false, errors);
    }
    preds
}

/// A predicate as a `decl` gives it: columns, types, keys, documentation.
fn declared(d: &PredDecl, preds: &mut BTreeMap<String, PredInfo>, errors: &mut Vec<Diagnostic>) {
    if Builtin::from_name(&d.name).is_some() {
        errors.push(Diagnostic::error(
            Code::BuiltinRedefined,
            format!("`{}` is a built-in and cannot be declared", d.name),
            d.span,
        ));
        return;
    }
    if let Some(prev) = preds.get(&d.name) {
        errors.push(
            Diagnostic::error(
                Code::DuplicateDecl,
                format!("`{}` is declared twice", d.name),
                d.span,
            )
            .with_help(format!(
                "first declared with {}",
                plural(prev.arity, "column")
            )),
        );
        return;
    }
    let mut keys = Vec::new();
    for k in &d.keys {
        let mut key = BTreeSet::new();
        for col in &k.columns {
            match d.columns.iter().position(|c| c == col) {
                Some(i) => {
                    key.insert(i);
                }
                None => errors.push(
                    Diagnostic::error(
                        Code::UnknownColumn,
                        format!("`{}` has no column `{col}`", d.name),
                        k.span,
                    )
                    .with_help(format!("its columns: {}", d.columns.join(", "))),
                ),
            }
        }
        keys.push(key);
    }
    preds.insert(
        d.name.clone(),
        PredInfo {
            name: d.name.clone(),
            arity: d.columns.len(),
            columns: Some(d.columns.clone()),
            types: d.types.clone(),
            doc: d.doc.clone(),
            bound_args: BTreeSet::new(),
            keys,
            answers_without_inputs: false,
            span: d.span,
            facts: 0,
            rules: 0,
        },
    );
}

/// A clause's head defines its predicate (the first definition fixes the arity unless a
/// `decl` did); a fact must be ground.
fn defined(c: &Clause, preds: &mut BTreeMap<String, PredInfo>, errors: &mut Vec<Diagnostic>) {
    let h = &c.head;
    if Builtin::from_name(&h.pred).is_some() {
        errors.push(
            Diagnostic::error(
                Code::BuiltinRedefined,
                format!("`{}` is a built-in and cannot be defined", h.pred),
                h.span,
            )
            .with_label("built-in"),
        );
        return;
    }
    let info = preds.entry(h.pred.clone()).or_insert_with(|| PredInfo {
        name: h.pred.clone(),
        arity: h.args.len(),
        columns: None,
        types: Vec::new(),
        doc: None,
        bound_args: BTreeSet::new(),
        keys: Vec::new(),
        answers_without_inputs: false,
        span: h.span,
        facts: 0,
        rules: 0,
    });
    if c.is_fact() {
        info.facts += 1;
    } else {
        info.rules += 1;
    }
    arity_check(h, info.arity, info.span, errors);
    if c.is_fact()
        && h.args
            .iter()
            .any(|t| matches!(t, Term::Var(_) | Term::Wildcard))
    {
        errors.push(
            Diagnostic::error(
                Code::NonGroundFact,
                format!("fact `{h}` has a variable; facts must be ground"),
                h.span,
            )
            .with_label("variable in a fact")
            .with_help("give a constant, or add a body that binds the variable"),
        );
    }
}

/// Checks that every atom of `body` names a built-in or a known predicate with its arity;
/// an unknown name gets a "did you mean". In a query, a wrong arity is reported without
/// pointing elsewhere.
pub(super) fn body_atoms_known(
    body: &[Literal],
    preds: &BTreeMap<String, PredInfo>,
    in_query: bool,
    errors: &mut Vec<Diagnostic>,
) {
    for l in body {
        let a = match l {
            Literal::Pos(a) | Literal::Neg(a) => a,
            Literal::Cmp { .. } => continue,
            Literal::Aggregate(g) => {
                body_atoms_known(&g.body, preds, in_query, errors);
                continue;
            }
        };
        if let Some(b) = Builtin::from_name(&a.pred) {
            arity_check(a, b.arity(), a.span, errors);
        } else if let Some(info) = preds.get(&a.pred) {
            arity_check(
                a,
                info.arity,
                if in_query { a.span } else { info.span },
                errors,
            );
        } else {
            let candidates = preds
                .keys()
                .map(String::as_str)
                .chain(Builtin::ALL.iter().map(|b| b.name()));
            errors.push(unknown_predicate(&a.pred, a.span, candidates, in_query));
        }
    }
}

/// The message of [`unknown_predicate`]'s error about `name`.
pub fn unknown_predicate_message(name: &str) -> String {
    format!("unknown predicate `{name}`")
}

/// An unknown predicate, with the closest known name.
pub fn unknown_predicate<'a>(
    name: &str,
    span: Span,
    candidates: impl Iterator<Item = &'a str>,
    in_query: bool,
) -> Diagnostic {
    let label = if in_query {
        "not in the knowledge base"
    } else {
        "no fact, rule or decl defines it"
    };
    Diagnostic::error(
        Code::UnknownPredicate,
        unknown_predicate_message(name),
        span,
    )
    .with_label(label)
    .with_help_opt(did_you_mean(name, candidates).map(|s| crate::check::did_you_mean_text(&[s])))
}

pub(super) fn arity_check(a: &Atom, arity: usize, first: Span, errors: &mut Vec<Diagnostic>) {
    if a.args.len() != arity {
        let what = if a.span == first {
            String::new()
        } else {
            " elsewhere".into()
        };
        errors.push(
            Diagnostic::error(
                Code::Arity,
                format!(
                    "`{}` takes {}{what}, here it has {}",
                    a.pred,
                    plural(arity, "argument"),
                    a.args.len()
                ),
                a.span,
            )
            .with_label(plural(a.args.len(), "argument")),
        );
    }
}
