//! Stage 2 — check: arity, known predicates, safety (range restriction) with goal-directed
//! inputs, stratification, citations, and lints.
//!
//! Enter through [`check`]. It returns every problem it finds, not just the first.
//!
//! **Goal-directed inputs.** A rule whose head variable is bound by no positive atom of the
//! body, but is tested by it (a built-in, a comparison, a negation), is accepted: that head
//! argument becomes an *input* of the predicate, which a query must supply
//! (`valid_cmg_name? "cmg-prod"`). Inputs propagate: a rule reading an input predicate must
//! bind that argument or take it as an input itself. [`check`] computes the inputs as a least
//! fixpoint; the query stage evaluates such predicates under a magic-set rewrite.

pub mod builtins;
pub mod safety;
pub mod stratify;

use crate::diag::Diagnostic;
use crate::syntax::{Atom, Clause, Literal, Program, Span, Term};
pub use builtins::Builtin;
pub use safety::{BodyOrder, Inputs, order_body};
use std::collections::{BTreeMap, BTreeSet, HashMap};
pub use stratify::{Stratum, stratify};

/// What the checker knows of one predicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredInfo {
    /// Name.
    pub name: String,
    /// Number of arguments.
    pub arity: usize,
    /// Column names from a `decl`.
    pub columns: Option<Vec<String>>,
    /// Documentation from a `decl`.
    pub doc: Option<String>,
    /// 0-based argument positions a query must supply (goal-directed predicates).
    pub inputs: BTreeSet<usize>,
    /// Where it was first defined, declared or used.
    pub span: Span,
    /// Number of facts.
    pub facts: usize,
    /// Number of rules.
    pub rules: usize,
}

impl PredInfo {
    /// Name of column `i`: from the `decl`, else `arg1`, `arg2`, ….
    pub fn column(&self, i: usize) -> String {
        self.columns
            .as_ref()
            .and_then(|c| c.get(i).cloned())
            .unwrap_or_else(|| format!("arg{}", i + 1))
    }
}

/// A knowledge base that passed [`check`].
#[derive(Debug, Clone)]
pub struct CheckedKb {
    /// The statements, as parsed.
    pub program: Program,
    /// Every predicate defined, declared or used (built-ins excluded).
    pub preds: BTreeMap<String, PredInfo>,
    /// Strata in evaluation order.
    pub strata: Vec<Stratum>,
    /// Input positions of goal-directed predicates.
    pub inputs: Inputs,
    /// Warnings (lints); never errors.
    pub warnings: Vec<Diagnostic>,
}

/// Checks a program. `Ok` carries the warnings inside [`CheckedKb`]; `Err` carries every
/// error found, followed by the warnings.
pub fn check(program: Program) -> Result<CheckedKb, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let preds = collect_preds(&program, &mut errors);
    check_sources(&program, &mut errors);
    check_io(&program, &preds, &mut errors);
    for c in &program.clauses {
        wildcards_in_expressions(&c.body, &mut errors);
    }
    for c in &program.clauses {
        singleton_lint(c, &mut warnings);
    }
    let inputs = if errors.is_empty() {
        infer_inputs(&program.clauses, &mut errors)
    } else {
        Inputs::new()
    };
    let strata = if errors.is_empty() {
        stratify(&program.clauses)
            .map_err(|e| errors.push(e))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    if !errors.is_empty() {
        errors.extend(warnings);
        return Err(errors);
    }
    let mut preds = preds;
    for (p, ins) in &inputs {
        if let Some(info) = preds.get_mut(p) {
            info.inputs = ins.clone();
        }
    }
    Ok(CheckedKb {
        program,
        preds,
        strata,
        inputs,
        warnings,
    })
}

fn collect_preds(program: &Program, errors: &mut Vec<Diagnostic>) -> BTreeMap<String, PredInfo> {
    let mut preds: BTreeMap<String, PredInfo> = BTreeMap::new();
    for d in &program.decls {
        if Builtin::from_name(&d.name).is_some() {
            errors.push(Diagnostic::error(
                "builtin-redefined",
                format!("`{}` is a built-in and cannot be declared", d.name),
                d.span,
            ));
            continue;
        }
        if let Some(prev) = preds.get(&d.name) {
            errors.push(
                Diagnostic::error(
                    "duplicate-decl",
                    format!("`{}` is declared twice", d.name),
                    d.span,
                )
                .with_help(format!("first declared with {} columns", prev.arity)),
            );
            continue;
        }
        preds.insert(
            d.name.clone(),
            PredInfo {
                name: d.name.clone(),
                arity: d.columns.len(),
                columns: Some(d.columns.clone()),
                doc: d.doc.clone(),
                inputs: BTreeSet::new(),
                span: d.span,
                facts: 0,
                rules: 0,
            },
        );
    }
    // Heads define predicates; the first definition fixes the arity unless a decl did.
    for c in &program.clauses {
        let h = &c.head;
        if Builtin::from_name(&h.pred).is_some() {
            errors.push(
                Diagnostic::error(
                    "builtin-redefined",
                    format!("`{}` is a built-in and cannot be defined", h.pred),
                    h.span,
                )
                .with_label("built-in"),
            );
            continue;
        }
        let info = preds.entry(h.pred.clone()).or_insert_with(|| PredInfo {
            name: h.pred.clone(),
            arity: h.args.len(),
            columns: None,
            doc: None,
            inputs: BTreeSet::new(),
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
        if c.is_fact() {
            for t in &h.args {
                if matches!(t, Term::Var(_) | Term::Wildcard) {
                    errors.push(
                        Diagnostic::error(
                            "non-ground-fact",
                            format!("fact `{h}` has a variable; facts must be ground"),
                            h.span,
                        )
                        .with_label("variable in a fact")
                        .with_help("give a constant, or add a body that binds the variable"),
                    );
                    break;
                }
            }
        }
    }
    let names: Vec<String> = preds.keys().cloned().collect();
    for c in &program.clauses {
        for l in &c.body {
            let a = match l {
                Literal::Pos(a) | Literal::Neg(a) => a,
                Literal::Cmp { .. } => continue,
            };
            if let Some(b) = Builtin::from_name(&a.pred) {
                arity_check(a, b.arity(), a.span, errors);
            } else if let Some(info) = preds.get(&a.pred) {
                arity_check(a, info.arity, info.span, errors);
            } else {
                let mut d = Diagnostic::error(
                    "unknown-predicate",
                    format!("unknown predicate `{}`", a.pred),
                    a.span,
                )
                .with_label("no fact, rule or decl defines it");
                if let Some(s) = did_you_mean(
                    &a.pred,
                    names
                        .iter()
                        .map(String::as_str)
                        .chain(Builtin::ALL.iter().map(|b| b.name())),
                ) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                errors.push(d);
            }
        }
    }
    preds
}

fn arity_check(a: &Atom, arity: usize, first: Span, errors: &mut Vec<Diagnostic>) {
    if a.args.len() != arity {
        let what = if a.span == first {
            String::new()
        } else {
            " elsewhere".into()
        };
        errors.push(
            Diagnostic::error(
                "arity",
                format!(
                    "`{}` takes {arity} argument{}{what}, here it has {}",
                    a.pred,
                    if arity == 1 { "" } else { "s" },
                    a.args.len()
                ),
                a.span,
            )
            .with_label(format!(
                "{} argument{}",
                a.args.len(),
                if a.args.len() == 1 { "" } else { "s" }
            )),
        );
    }
}

/// `_` inside a comparison has no value to compute or compare with.
fn wildcards_in_expressions(body: &[Literal], errors: &mut Vec<Diagnostic>) {
    for l in body {
        if let Literal::Cmp { lhs, rhs, span, .. } = l
            && (safety::has_wildcard(lhs) || safety::has_wildcard(rhs))
        {
            errors.push(
                Diagnostic::error(
                    "wildcard-in-expression",
                    "`_` in a comparison has no value",
                    *span,
                )
                .with_label("`_` here")
                .with_help("use a variable bound by a positive atom of the body"),
            );
        }
    }
}

fn check_io(program: &Program, preds: &BTreeMap<String, PredInfo>, errors: &mut Vec<Diagnostic>) {
    for d in &program.inputs {
        if Builtin::from_name(&d.pred).is_some() {
            errors.push(Diagnostic::error(
                "builtin-redefined",
                format!("`{}` is a built-in and cannot be read from a file", d.pred),
                d.span,
            ));
        } else if program.decls.iter().all(|x| x.name != d.pred) {
            errors.push(
                Diagnostic::error(
                    "input-undeclared",
                    format!(
                        "`{}` is read from a file but its columns are not declared",
                        d.pred
                    ),
                    d.span,
                )
                .with_label("needs a decl")
                .with_help(format!("declare it, e.g. decl {}(first, second).", d.pred)),
            );
        }
    }
    for d in &program.outputs {
        if !preds.contains_key(&d.pred) {
            let mut e = Diagnostic::error(
                "unknown-predicate",
                format!("unknown predicate `{}`", d.pred),
                d.span,
            )
            .with_label("nothing defines it");
            if let Some(s) = did_you_mean(&d.pred, preds.keys().map(String::as_str)) {
                e = e.with_help(format!("did you mean `{s}`?"));
            }
            errors.push(e);
        }
    }
}

fn check_sources(program: &Program, errors: &mut Vec<Diagnostic>) {
    let mut declared: HashMap<&str, Span> = HashMap::new();
    for s in &program.sources {
        if declared.insert(&s.name, s.span).is_some() {
            errors.push(Diagnostic::error(
                "duplicate-source",
                format!("source `{}` is declared twice", s.name),
                s.span,
            ));
        }
    }
    for c in &program.clauses {
        for a in c.cites.iter().chain(&c.notes) {
            if !declared.contains_key(a.source.as_str()) {
                let mut d = Diagnostic::error(
                    "unknown-source",
                    format!("`{}` is not a declared source", a.source),
                    a.span,
                )
                .with_label("cited here");
                d = match did_you_mean(&a.source, declared.keys().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
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

fn singleton_lint(c: &Clause, warnings: &mut Vec<Diagnostic>) {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &c.head.args {
        if let Term::Var(v) = t {
            *count.entry(v).or_default() += 1;
        }
    }
    for l in &c.body {
        l.each_var(&mut |v| *count.entry(v).or_default() += 1);
    }
    for (v, n) in count {
        if n == 1 && !v.starts_with('_') {
            warnings.push(
                Diagnostic::warning(
                    "singleton-variable",
                    format!("variable `{v}` occurs only once in this clause"),
                    c.span,
                )
                .with_help(format!("write `_` (or `_{v}`) if any value will do")),
            );
        }
    }
}

/// The closest name to `name` among `candidates`, if one is close enough to be a typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

/// The head positions a rule needs from a query, and the variables nothing can bind.
struct RuleModes {
    inputs: BTreeSet<usize>,
    unsafe_vars: Vec<(String, Span)>,
}

fn rule_modes(c: &Clause, inputs: &Inputs) -> RuleModes {
    let mut body_vars = BTreeSet::new();
    for l in &c.body {
        l.each_var(&mut |v| {
            body_vars.insert(v.to_string());
        });
    }
    let mut seed = BTreeSet::new();
    let order = loop {
        let o = order_body(&c.body, inputs, &seed);
        // Seed the first head variable the body tests but cannot bind, then try again.
        let next = c.head.args.iter().find_map(|t| match t {
            Term::Var(v) if !o.bound.contains(v) && body_vars.contains(v) => Some(v.clone()),
            _ => None,
        });
        match next {
            Some(v) => {
                seed.insert(v);
            }
            None => break o,
        }
    };
    let head_inputs = c
        .head
        .args
        .iter()
        .enumerate()
        .filter_map(|(i, t)| matches!(t, Term::Var(v) if seed.contains(v)).then_some(i))
        .collect();
    let mut unsafe_vars = Vec::new();
    let mut seen = BTreeSet::new();
    for l in &c.body {
        let span = l.span();
        let mut wildcard_problem = false;
        if order.stuck.iter().any(|&i| c.body[i] == *l) {
            // A stuck literal whose variables are all bound is stuck on a `_` in a position
            // that must be bound.
            let mut all_bound = true;
            l.each_var(&mut |v| all_bound &= order.bound.contains(v));
            wildcard_problem = all_bound;
        }
        if wildcard_problem {
            unsafe_vars.push(("_".to_string(), span));
        }
        l.each_var(&mut |v| {
            if !order.bound.contains(v) && seen.insert(v.to_string()) {
                unsafe_vars.push((v.to_string(), span));
            }
        });
    }
    for t in &c.head.args {
        if let Term::Var(v) = t
            && !order.bound.contains(v)
            && seen.insert(v.clone())
        {
            unsafe_vars.push((v.clone(), c.head.span));
        }
        if matches!(t, Term::Wildcard) && !c.body.is_empty() && seen.insert("_".into()) {
            unsafe_vars.push(("_".into(), c.head.span));
        }
    }
    RuleModes {
        inputs: head_inputs,
        unsafe_vars,
    }
}

/// Least fixpoint of the input positions of every predicate; reports unsafe variables.
fn infer_inputs(clauses: &[Clause], errors: &mut Vec<Diagnostic>) -> Inputs {
    let mut inputs = Inputs::new();
    loop {
        let mut changed = false;
        for c in clauses.iter().filter(|c| !c.is_fact()) {
            let m = rule_modes(c, &inputs);
            if !m.inputs.is_empty() {
                let e = inputs.entry(c.head.pred.clone()).or_default();
                let before = e.len();
                e.extend(m.inputs);
                changed |= e.len() != before;
            }
        }
        if !changed {
            break;
        }
    }
    for c in clauses.iter().filter(|c| !c.is_fact()) {
        for (v, span) in rule_modes(c, &inputs).unsafe_vars {
            errors.push(unsafe_var(&v, span, c));
        }
    }
    inputs
}

fn unsafe_var(v: &str, span: Span, c: &Clause) -> Diagnostic {
    if v == "_" {
        return Diagnostic::error("unsafe-variable", "`_` stands where a value is needed", span)
            .with_label("needs a bound value")
            .with_help("negated goal-directed atoms, built-ins and rule heads need real values: use a variable bound elsewhere in the body");
    }
    let in_head = c
        .head
        .args
        .iter()
        .any(|t| matches!(t, Term::Var(x) if x == v));
    let help = if in_head && span == c.head.span {
        format!("`{v}` appears in the head but not in the body: bind it in the body")
    } else {
        format!(
            "bind `{v}` with a positive atom of the body (or `{v} = …`); negations, comparisons and built-ins only test values"
        )
    };
    Diagnostic::error(
        "unsafe-variable",
        format!("variable `{v}` is not bound (range restriction)"),
        span,
    )
    .with_label(format!("`{v}` unbound here"))
    .with_help(help)
}

/// Checks a query body against a checked knowledge base: predicates known, arities right, and
/// every variable bound, including the inputs of goal-directed predicates.
///
/// Errors: every problem found; an input left free names the predicate and argument.
pub fn check_query_body(kb: &CheckedKb, body: &[Literal]) -> Result<BodyOrder, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    wildcards_in_expressions(body, &mut errors);
    let names: Vec<&str> = kb.preds.keys().map(String::as_str).collect();
    for l in body {
        let a = match l {
            Literal::Pos(a) | Literal::Neg(a) => a,
            Literal::Cmp { .. } => continue,
        };
        if let Some(b) = Builtin::from_name(&a.pred) {
            arity_check(a, b.arity(), a.span, &mut errors);
        } else if let Some(info) = kb.preds.get(&a.pred) {
            arity_check(a, info.arity, a.span, &mut errors);
        } else {
            let mut d = Diagnostic::error(
                "unknown-predicate",
                format!("unknown predicate `{}`", a.pred),
                a.span,
            )
            .with_label("not in the knowledge base");
            if let Some(s) = did_you_mean(&a.pred, names.iter().copied()) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            errors.push(d);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let order = order_body(body, &kb.inputs, &BTreeSet::new());
    for &i in &order.stuck {
        match &body[i] {
            Literal::Pos(a) | Literal::Neg(a) if kb.inputs.contains_key(&a.pred) => {
                let info = &kb.preds[&a.pred];
                let free: Vec<usize> = info
                    .inputs
                    .iter()
                    .copied()
                    .filter(|&p| {
                        !matches!(&a.args[p], Term::Const(_))
                            && !matches!(&a.args[p], Term::Var(v) if order.bound.contains(v))
                    })
                    .collect();
                let list: Vec<String> = free
                    .iter()
                    .map(|&p| format!("argument {} (`{}`)", p + 1, info.column(p)))
                    .collect();
                errors.push(
                    Diagnostic::error(
                        "input-needed",
                        format!(
                            "`{}` is goal-directed: the query must give its {}",
                            a.pred,
                            list.join(" and ")
                        ),
                        a.span,
                    )
                    .with_label("left free here")
                    .with_help(format!("give a value, e.g. `{}? \"…\"`", a.pred)),
                );
            }
            l => {
                let mut vars = Vec::new();
                l.each_var(&mut |v| {
                    if !order.bound.contains(v) {
                        vars.push(format!("`{v}`"))
                    }
                });
                let msg = if vars.is_empty() {
                    "`_` stands where a value is needed".to_string()
                } else {
                    format!(
                        "variable {} is not bound (range restriction)",
                        vars.join(", ")
                    )
                };
                errors.push(
                    Diagnostic::error("unsafe-variable", msg, l.span())
                        .with_label("unbound here")
                        .with_help("bind it with a positive atom of the query; negations, comparisons and built-ins only test values"),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(order)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_kb;

    fn run(src: &str) -> Result<CheckedKb, Vec<Diagnostic>> {
        check(parse_kb(src, 0).unwrap())
    }

    fn codes(src: &str) -> Vec<&'static str> {
        run(src)
            .unwrap_err()
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn accepts_a_safe_program() {
        let kb =
            run("e(1, 2). r(X, Y) :- e(X, Y). r(X, Z) :- r(X, Y), e(Y, Z), !b(Y). b(3).").unwrap();
        assert!(kb.inputs.is_empty());
        assert_eq!(kb.preds["r"].rules, 2);
    }

    #[test]
    fn reports_every_error() {
        assert_eq!(
            codes("p(X) :- q(X, 1). q(1). r(X) :- s(X)."),
            vec!["arity", "unknown-predicate"]
        );
        assert_eq!(codes("p(X) :- q(Y). q(1)."), vec!["unsafe-variable"]);
        assert_eq!(codes("p(X)."), vec!["non-ground-fact"]);
        assert_eq!(codes("length(1, 2)."), vec!["builtin-redefined"]);
        assert_eq!(
            codes("@cite(nope, \"s\", \"q\")\np(1)."),
            vec!["unknown-source"]
        );
        assert_eq!(codes("p(X) :- q(X), !p(X). q(1)."), vec!["unstratifiable"]);
        // Found by fuzzing: `_` inside an expression reached the planner.
        assert_eq!(
            codes("n(0). n(Y) :- n(X), Y = _ + 0."),
            vec!["wildcard-in-expression"]
        );
    }

    #[test]
    fn tested_head_variables_become_inputs() {
        let kb = run("ok(N, yes) :- length(N, L), L >= 3. bad(N) :- !ok(N, yes). w(N) :- bad(N), n(N). n(\"a\").").unwrap();
        assert_eq!(kb.inputs["ok"], BTreeSet::from([0]));
        assert_eq!(kb.inputs["bad"], BTreeSet::from([0]));
        assert!(!kb.inputs.contains_key("w"));
    }

    #[test]
    fn queries_must_give_inputs() {
        let kb = run("decl ok(name, verdict). ok(N, yes) :- length(N, L), L >= 3.").unwrap();
        let q = parse_kb("q :- ok(N, V).", 0)
            .unwrap()
            .clauses
            .remove(0)
            .body;
        let e = check_query_body(&kb, &q).unwrap_err();
        assert_eq!(e[0].code, "input-needed");
        assert!(
            e[0].message.contains("argument 1 (`name`)"),
            "{}",
            e[0].message
        );
        let q = parse_kb("q :- ok(\"abc\", V).", 0)
            .unwrap()
            .clauses
            .remove(0)
            .body;
        assert!(check_query_body(&kb, &q).is_ok());
    }

    #[test]
    fn singleton_lint() {
        let kb = run("p(X) :- q(X, Y). q(1, 2).").unwrap();
        assert_eq!(kb.warnings[0].code, "singleton-variable");
    }
}
