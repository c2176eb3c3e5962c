//! Answers: what a question, a conjunctive query, `why` and `why not` give back, with their
//! proofs, as data for rendering and traces.

use super::collect_why_not_proofs;
use crate::engine::EvalError;
use crate::explain::{Proof, WhyNot};
use crate::ir::Const;
use crate::source::{Code, Diagnostic};
use serde::{Deserialize, Serialize};

/// Most answer rows proved unless `--prove` says otherwise.
pub const MAX_PROOFS: usize = 10;

/// Default depth of explanations: why-not reports follow rules this many levels, and
/// `query` and the REPL cut proofs this many levels down (a proof of the CMG knowledge
/// base is at most three levels deep, so none of them is cut).
pub const DEFAULT_DEPTH: usize = 4;

/// Why a query got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// The query is malformed or does not fit the knowledge base.
    Invalid(Vec<Diagnostic>),
    /// Evaluation stopped (limit, cancel).
    Eval(EvalError),
    /// The query passed the checks but could not be evaluated: an internal error.
    Internal(Vec<Diagnostic>),
}

impl From<EvalError> for QueryError {
    fn from(e: EvalError) -> Self {
        match e {
            EvalError::Program(d) => QueryError::Internal(d),
            other => QueryError::Eval(other),
        }
    }
}

impl QueryError {
    /// The error as diagnostics (limits and cancellation as unplaced ones).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            QueryError::Invalid(d) | QueryError::Internal(d) => d.clone(),
            QueryError::Eval(EvalError::Cancelled) => {
                vec![Diagnostic::unplaced(
                    Code::Cancelled,
                    "evaluation cancelled",
                )]
            }
            QueryError::Eval(e) => vec![Diagnostic::unplaced(Code::Limit, e.to_string())],
        }
    }
}

/// Rules a query could not use: it left free an argument of a goal-directed predicate
/// that they need (the query answered from the predicate's other clauses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusedRules {
    /// The predicate.
    pub pred: String,
    /// The columns the query would have to give.
    pub needs: Vec<String>,
    /// The rules, as written, with where.
    pub rules: Vec<RuleRef>,
}

/// A rule as written, with where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    /// The rule.
    pub rule: String,
    /// Where it is written.
    pub location: crate::source::Location,
}

/// What a question's verdict is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerdictKind {
    /// The goal holds: fully given, or a count of the subjects it leaves open.
    Yes,
    /// The knowledge base states something else for the question's key.
    No,
    /// Nothing matches.
    #[default]
    Unknown,
    /// Every row has the same value in the first free column: the verdict is that value.
    Value,
    /// Rows disagree (`mixed: a, b`, `N different answers`).
    Mixed,
}

/// The answer to a question `p? a1 … ak`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuestionAnswer {
    /// The question as written.
    pub question: String,
    /// The goal asked, free columns as `_`.
    pub goal: String,
    /// The value of the first free column (the same for every row), `mixed: …` when rows
    /// disagree (`N different answers` past four), `yes` for a fully given goal that holds, or `unknown`.
    pub verdict: String,
    /// What `verdict` is (a value, a count, `mixed`, …), so that a value that looks like a
    /// count (the string `"2 things"`) is not read as one. Not in the JSON: `verdict` says it.
    #[serde(skip)]
    pub kind: VerdictKind,
    /// Names of the free columns.
    pub columns: Vec<String>,
    /// Values of the free columns, one row per matching tuple.
    pub rows: Vec<Vec<Const>>,
    /// One proof per row (at most [`MAX_PROOFS`]).
    pub proofs: Vec<Proof>,
    /// For verdict `no`: the tuples the knowledge base states for the question's key, proved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instead: Vec<Proof>,
    /// For verdict `no`: which declared key makes the stated tuples a "no".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contradiction: Option<String>,
    /// For verdict `unknown`: what the knowledge base does state about the subject (as
    /// information, not a verdict), proved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stated: Vec<Proof>,
    /// Rules the question could not use (a goal-directed argument left free).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused_rules: Vec<UnusedRules>,
    /// For an unknown answer: close constants the knowledge base does know.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
    /// For an unknown answer about a subject the inputs have no row of: the file that would
    /// hold it, saying so (`no row of clients.csv has resource_id `99``).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<String>,
    /// For an unknown answer about a subject an input file does have a row of: that row,
    /// and that no rule derives the goal (`clients.csv:2 has resource_id `16777220`, and no
    /// rule derives blocked(16777220, _)`): the silence is the rules', not a missing row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<String>,
    /// For an unknown answer about a subject with no tuple: the subjects it could mean and
    /// the document's statements nearest its words.
    #[serde(default, skip_serializing_if = "super::pointers::Pointers::is_empty")]
    pub pointers: super::pointers::Pointers,
    /// Proofs the independent checker rejected (always empty unless the engine is wrong).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof_errors: Vec<String>,
    /// What the question may not mean as written: an argument with a capital is a variable
    /// (`Peer_cache`) where the knowledge base knows the constant in lower case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The answer to a conjunctive query `?- …`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BindingsAnswer {
    /// The query as written.
    pub query: String,
    /// The query's variables in order of first appearance.
    pub vars: Vec<String>,
    /// One row of values per binding, sorted.
    pub rows: Vec<Vec<Const>>,
    /// Rules the query could not use (a goal-directed argument left free).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused_rules: Vec<UnusedRules>,
    /// For the first rows (at most [`MAX_PROOFS`]): the proofs of the query's positive atoms
    /// under that row, one list per row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proofs: Vec<Vec<Proof>>,
    /// Proofs the independent checker rejected (always empty unless the engine is wrong).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof_errors: Vec<String>,
    /// What the query's own evaluation ran into: arithmetic that overflowed or divided by
    /// zero, so that a literal failed and gave no row (the query's rows are the ones that
    /// did not).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The answer to `why ATOM` or `why not ATOM`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WhyAnswer {
    /// The query as written.
    pub query: String,
    /// Whether some tuple matches the atom.
    pub holds: bool,
    /// How many tuples match.
    #[serde(default)]
    pub matches: usize,
    /// Proofs of the matching tuples (the first [`MAX_PROOFS`]).
    pub proofs: Vec<Proof>,
    /// When nothing matches: why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why_not: Option<WhyNot>,
    /// Rules the query could not use (a goal-directed argument left free).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unused_rules: Vec<UnusedRules>,
    /// Proofs (here and inside the why-not report) the independent checker rejected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof_errors: Vec<String>,
}

/// Any answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// `p? a…`
    Question(QuestionAnswer),
    /// `?- …`
    Bindings(BindingsAnswer),
    /// `why …`
    Why(WhyAnswer),
    /// `why not …`
    WhyNot(WhyAnswer),
}

impl Answer {
    /// The verdict expectations and `--fail-on` compare with: a question's verdict; for
    /// other queries `yes` when something matches, else `no` when a declared key makes
    /// what the knowledge base states a denial (a `why not`'s contradiction), else
    /// `unknown`: silence is never a "no".
    pub fn verdict(&self) -> String {
        match self {
            Answer::Question(q) => q.verdict.clone(),
            Answer::Bindings(b) => if b.rows.is_empty() { "unknown" } else { "yes" }.into(),
            Answer::Why(w) | Answer::WhyNot(w) => {
                if w.holds {
                    "yes"
                } else if w.why_not.as_ref().is_some_and(|n| n.contradicted) {
                    "no"
                } else {
                    "unknown"
                }
            }
            .into(),
        }
    }

    /// The verdict as `query --fail-on` / `--fail-unless` compare it: `yes`, `no`,
    /// `unknown`, `mixed`, or the value a question answers with (`valid`); a count of the
    /// subjects a question leaves open (`16 subjects`) is `yes`.
    pub fn verdict_kind(&self) -> String {
        match self {
            Answer::Question(q) => match q.kind {
                VerdictKind::Yes => "yes".into(),
                VerdictKind::No => "no".into(),
                VerdictKind::Unknown => "unknown".into(),
                VerdictKind::Mixed => "mixed".into(),
                VerdictKind::Value => q.verdict.clone(),
            },
            _ => self.verdict(),
        }
    }

    /// Every proof the answer carries, why-not reports included.
    pub fn proofs(&self) -> Vec<&Proof> {
        match self {
            Answer::Question(q) => q.proofs.iter().chain(&q.instead).chain(&q.stated).collect(),
            Answer::Bindings(b) => b.proofs.iter().flatten().collect(),
            Answer::Why(w) | Answer::WhyNot(w) => {
                let mut v: Vec<&Proof> = w.proofs.iter().collect();
                if let Some(n) = &w.why_not {
                    collect_why_not_proofs(n, &mut v);
                }
                v
            }
        }
    }

    /// Proofs the independent checker rejected.
    pub fn proof_errors(&self) -> &[String] {
        match self {
            Answer::Question(q) => &q.proof_errors,
            Answer::Bindings(b) => &b.proof_errors,
            Answer::Why(w) | Answer::WhyNot(w) => &w.proof_errors,
        }
    }

    /// The rows expectations compare with.
    pub fn rows(&self) -> Vec<Vec<Const>> {
        match self {
            Answer::Question(q) => q.rows.clone(),
            Answer::Bindings(b) => b.rows.clone(),
            Answer::Why(w) | Answer::WhyNot(w) => w
                .proofs
                .iter()
                .filter_map(|p| p.atom.as_ref().map(|a| a.args.clone()))
                .collect(),
        }
    }
}

/// Options of one query.
#[derive(Debug, Clone, Copy)]
pub struct AskOptions {
    /// Levels of explanation shown: proof trees are cut below it (each cut node gets a
    /// handle `#K` that `why #K` expands), why-not reports stop following rules there.
    /// `None`: proofs whole, why-not to [`DEFAULT_DEPTH`].
    pub depth: Option<usize>,
    /// Distinct derivations shown per answer (different rule or premises), smallest first.
    pub proofs: usize,
    /// Most answer rows proved (`--prove N`): an answer of more rows proves the first ones
    /// and says how many it proved.
    pub rows_proved: usize,
}

impl Default for AskOptions {
    fn default() -> Self {
        AskOptions {
            depth: None,
            proofs: 1,
            rows_proved: MAX_PROOFS,
        }
    }
}

impl AskOptions {
    /// These options with explanations cut at [`DEFAULT_DEPTH`] unless a depth is set: what
    /// a person reading answers gets (`query`, the REPL), while query files and traces
    /// keep whole proofs.
    pub fn for_reading(self) -> Self {
        AskOptions {
            depth: self.depth.or(Some(DEFAULT_DEPTH)),
            ..self
        }
    }

    pub(super) fn why_not_depth(&self) -> usize {
        self.depth.unwrap_or(DEFAULT_DEPTH)
    }
}
