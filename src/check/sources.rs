//! Declarations that point outside the rules: sources and their citations, and the files
//! `input` and `output` name.

use super::{PredInfo, did_you_mean};
use crate::ir::Builtin;
use crate::source::{Code, Diagnostic, Span};
use crate::syntax::Program;
use std::collections::{BTreeMap, HashMap};

pub(super) fn check_io(
    program: &Program,
    preds: &BTreeMap<String, PredInfo>,
    errors: &mut Vec<Diagnostic>,
) {
    for d in &program.inputs {
        if Builtin::from_name(&d.pred).is_some() {
            errors.push(Diagnostic::error(
                Code::BuiltinRedefined,
                format!("`{}` is a built-in and cannot be read from a file", d.pred),
                d.span,
            ));
        } else if program.decls.iter().all(|x| x.name != d.pred) {
            errors.push(
                Diagnostic::error(
                    Code::InputUndeclared,
                    format!(
                        "`{}` is read from a file but its columns are not declared",
                        d.pred
                    ),
                    d.span,
                )
                .with_label("needs a decl")
                .with_help(format!("declare it, e.g. decl {}(first, second).", d.pred)),
            );
        } else if let (Some(header), Some(info)) = (&d.header, preds.get(&d.pred))
            && header.len() != info.arity
        {
            errors.push(
                Diagnostic::error(
                    Code::Arity,
                    format!(
                        "`{}` has {} but the input names {}",
                        d.pred,
                        crate::source::plural(info.arity, "column"),
                        crate::source::plural(header.len(), "column")
                    ),
                    d.span,
                )
                .with_label("one header column per argument"),
            );
        }
    }
    for d in &program.outputs {
        if !preds.contains_key(&d.pred) {
            let mut e = Diagnostic::error(
                Code::UnknownPredicate,
                format!("unknown predicate `{}`", d.pred),
                d.span,
            )
            .with_label("nothing defines it");
            if let Some(s) = did_you_mean(&d.pred, preds.keys().map(String::as_str)) {
                e = e.with_help(crate::check::did_you_mean_text(&[s]));
            }
            errors.push(e);
        }
    }
}

pub(super) fn check_sources(program: &Program, errors: &mut Vec<Diagnostic>) {
    let mut declared: HashMap<&str, Span> = HashMap::new();
    for s in &program.sources {
        if declared.insert(&s.name, s.span).is_some() {
            errors.push(Diagnostic::error(
                Code::DuplicateSource,
                format!("source `{}` is declared twice", s.name),
                s.span,
            ));
        }
    }
    for c in &program.clauses {
        for a in c.cites.iter().chain(&c.notes) {
            if !declared.contains_key(a.source.as_str()) {
                let mut d = Diagnostic::error(
                    Code::UnknownSource,
                    format!("`{}` is not a declared source", a.source),
                    a.span,
                )
                .with_label("cited here");
                d = match did_you_mean(&a.source, declared.keys().copied()) {
                    Some(s) => d.with_help(crate::check::did_you_mean_text(&[s])),
                    None => d.with_help(format!(
                        "declare it: source {} \"Title\" url \"…\".",
                        a.source
                    )),
                };
                errors.push(d);
            }
        }
    }
}
