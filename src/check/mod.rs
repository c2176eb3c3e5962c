//! Stage 3 — check: names and arities, sources and citations, safety (range restriction)
//! with goal-directed inputs, stratification, and lints; then the program lowered into the
//! typed IR of [`crate::ir`].
//!
//! Enter through [`check`]. It returns every problem it finds, not just the first.
//!
//! **Goal-directed inputs.** A rule whose head variable is bound by no positive atom of the
//! body, but is tested by it (a built-in, a comparison, a negation), is accepted: that head
//! argument becomes a *bound argument* of the predicate (its adornment), which a query must
//! supply (`valid_cmg_name? "cmg-prod"`). Adornments propagate: a rule reading a
//! goal-directed predicate must bind that argument or take it as an input itself.
//! [`modes::infer_adornments`] computes them as a least fixpoint; the query stage evaluates
//! such predicates under the magic-set rewrite (`transform`).
//!
//! **Body order.** The order that proves a body safe ([`order_body`]) is the order the
//! planner evaluates it in, so the two cannot disagree.

mod aggregates;
pub mod citations;
mod lints;
pub mod lower;
pub mod marks;
pub mod modes;
mod preds;
mod query;
pub mod quotes;
mod sources;
pub mod statements;
pub mod stratify;
mod suggest;
mod types;

use crate::ir::{Adornments, ClauseId, Rule};
use crate::source::{Diagnostic, Span};
use crate::syntax::Program;
pub use modes::{BodyOrder, order_body, readiness};
pub use preds::{unknown_predicate, unknown_predicate_message};
pub use query::{CheckedQuery, PartialRead, check_query_body};
use std::collections::{BTreeMap, BTreeSet};
pub use stratify::{Stratum, stratify};
pub use suggest::{closest, did_you_mean, did_you_mean_text};

/// What the checker knows of one predicate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PredInfo {
    /// Name.
    pub name: String,
    /// Number of arguments.
    pub arity: usize,
    /// Column names from a `decl`.
    pub columns: Option<Vec<String>>,
    /// Column types from a `decl` (empty, or one per column: `None` untyped).
    pub types: Vec<Option<crate::syntax::ColType>>,
    /// Documentation from a `decl`.
    pub doc: Option<String>,
    /// 0-based argument positions a query must supply (goal-directed predicates).
    pub bound_args: BTreeSet<usize>,
    /// Declared keys: each a set of 0-based columns that determine the others.
    pub keys: Vec<BTreeSet<usize>>,
    /// For a goal-directed predicate: whether some of its clauses (facts, or rules whose body
    /// binds every argument) give tuples without the bound arguments, so a query that leaves
    /// them free still gets those.
    pub answers_without_inputs: bool,
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CheckedKb {
    /// The statements, as parsed.
    pub program: Program,
    /// Clause `i` of the program as a typed rule (facts included): `rules[i]` has origin
    /// `Origin::User(ClauseId(i))`; then the auxiliary rules of the aggregates.
    pub rules: Vec<Rule>,
    /// Number of aggregates in the program: their auxiliary rules follow the clauses' in
    /// `rules`, and a query's aggregates are numbered from here.
    pub aggregates: u32,
    /// Every predicate defined, declared or used (built-ins excluded).
    pub preds: BTreeMap<String, PredInfo>,
    /// Strata in evaluation order.
    pub strata: Vec<Stratum>,
    /// Bound arguments of goal-directed predicates.
    pub adornments: Adornments,
    /// Warnings (lints); never errors.
    pub warnings: Vec<Diagnostic>,
    /// The citations and notes whose quote was found in their source's pinned text at the
    /// cited line (by the span of the annotation).
    pub verified: citations::Verified,
    /// Every pinned text as statements, each with the annotations quoting it and the
    /// `unencoded` mark covering it (in the order the sources are declared).
    pub statements: Vec<marks::SourceStatements>,
}

impl CheckedKb {
    /// The clause behind a rule id.
    pub fn clause(&self, id: ClauseId) -> &crate::syntax::Clause {
        &self.program.clauses[id.0]
    }
}

/// Checks a program with no pinned source texts (see [`check_with`]).
///
/// Errors: as [`check_with`].
pub fn check(program: Program) -> Result<CheckedKb, Vec<Diagnostic>> {
    check_with(program, &citations::PinnedTexts::new())
}

/// Checks a program whose sources' pinned texts are `texts`. `Ok` carries the warnings
/// inside [`CheckedKb`]; `Err` carries every error found, followed by the warnings.
pub fn check_with(
    program: Program,
    texts: &citations::PinnedTexts,
) -> Result<CheckedKb, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut preds = preds::collect_preds(&program, &mut errors);
    sources::check_sources(&program, &mut errors);
    sources::check_io(&program, &preds, &mut errors);
    for c in &program.clauses {
        lints::wildcards_in_expressions(&c.body, &mut errors);
        lints::singleton_lint(c, &mut warnings);
    }
    aggregates::check_clauses(&program.clauses, &mut errors, &mut warnings);
    if errors.is_empty() {
        types::check_clauses(&preds, &program.clauses, &mut errors);
    }
    let cited = citations::check_citations(&program, texts, &mut errors, &mut warnings);
    let statements = marks::attribute(&program, texts, &cited, &mut errors, &mut warnings);
    let verified = cited.verified;
    let (rules, aggregates) = lower::program(&program.clauses);
    for r in &rules {
        lints::constant_patterns(r, &mut errors);
    }
    let adornments = if errors.is_empty() {
        let a = modes::infer_adornments(&rules, &mut errors);
        aggregates::needs_no_inputs(&rules, &a, false, &mut errors);
        a
    } else {
        Adornments::new()
    };
    let strata = if errors.is_empty() {
        stratify(&rules).unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        })
    } else {
        Vec::new()
    };
    if !errors.is_empty() {
        errors.extend(warnings);
        return Err(errors);
    }
    for (p, bound) in &adornments {
        if let Some(info) = p.user_name().and_then(|n| preds.get_mut(n)) {
            info.bound_args = bound.clone();
            info.answers_without_inputs = rules.iter().any(|r| {
                r.head.pred == *p
                    && modes::minimal_seed(r, &adornments).is_some_and(|s| s.is_empty())
            });
        }
    }
    Ok(CheckedKb {
        program,
        rules,
        aggregates,
        preds,
        strata,
        adornments,
        warnings,
        verified,
        statements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Pred;
    use crate::syntax::parse_kb;

    fn run(src: &str) -> Result<CheckedKb, Vec<Diagnostic>> {
        check(parse_kb(src, 0).unwrap())
    }

    fn codes(src: &str) -> Vec<&'static str> {
        run(src)
            .unwrap_err()
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| d.code.as_str())
            .collect()
    }

    #[test]
    fn accepts_a_safe_program() {
        let kb =
            run("e(1, 2). r(X, Y) :- e(X, Y). r(X, Z) :- r(X, Y), e(Y, Z), !b(Y). b(3).").unwrap();
        assert!(kb.adornments.is_empty());
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
        assert_eq!(kb.adornments[&Pred::user("ok")], BTreeSet::from([0]));
        assert_eq!(kb.adornments[&Pred::user("bad")], BTreeSet::from([0]));
        assert!(!kb.adornments.contains_key(&Pred::user("w")));
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
        assert_eq!(e[0].code, crate::source::Code::InputNeeded);
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
        assert_eq!(kb.warnings[0].code, crate::source::Code::SingletonVariable);
    }
}
