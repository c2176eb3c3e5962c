//! Stage 11 — diff: what changed between two knowledge bases (two revisions of a document),
//! as the answers to the same questions.
//!
//! # What this produces
//! A [`Diff`]: the questions asked of both knowledge bases, the names matched through
//! aliases ([`Rename`]), and every answer that changed ([`Change`]), each with both answers
//! and their proofs.
//!
//! # The strategy
//! - **Questions.** By default, every *verdict predicate* — a declared predicate with a key
//!   and a column named `answer` or `verdict` — is asked with the columns before that column
//!   given: each tuple of them either model holds. A goal-directed predicate (one that needs
//!   inputs, such as `deployment_supported`'s method and version) has no tuples without its
//!   inputs: it is asked with every value of its given columns' names elsewhere in either
//!   model (a *probe*). One that only adds inputs to another verdict predicate is asked for
//!   that verdict's subjects only, and not at all when that verdict reads every version
//!   fact it reads (`supported_at` of `supported`: the retired marks show in `supported`'s
//!   proofs; `csp_support_at` of `csp_support` is asked, `csp_support_from` being read by
//!   it alone).
//!   A versioned statement another verdict reads (`applies_immediately_from` of
//!   `applies_immediately`) is not asked itself: it shows as that verdict's qualifier. Runs of probes that changed
//!   alike and differ in one argument are shown as one change. A query file (`--queries`)
//!   replaces the default questions.
//! - **Aliases.** `alias(new, old)` facts of either knowledge base make one name of two: every
//!   constant is compared under its newest name, and a question is asked of each knowledge
//!   base in the name that knowledge base uses. A question asked under two names is a
//!   rename, not a change.
//! - **Comparison.** Rows (the free columns) first: no rows on one side is a subject added
//!   or removed; the same rows but for the verdict column, a verdict changed; otherwise a
//!   condition changed. With the same rows, the proofs' fact leaves, each identified by its
//!   predicate's key: a fact only one side uses, or a key with other values, is a version
//!   qualifier changed when its predicate has a `version` column, else a premise changed;
//!   a fact whose values differ only in strings (the wording of a key line) is no change.
//!   Last, the notes the proofs carry, whitespace-normalised.

mod compare;
mod questions;

pub use compare::{ChangeKind, compare};
pub use questions::{Aliases, Asked, default_questions, script_questions};

use crate::audit::{TracedFile, traced_source_texts};
use crate::query::{Answer, AskOptions, KnowledgeBase, QueryError, QuestionAnswer, Session};
use serde::{Deserialize, Serialize};

/// One knowledge base of a diff.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Side {
    /// How the user named it (the path given).
    pub name: String,
    /// The texts its sources pin, with their SHA-256.
    pub source_texts: Vec<TracedFile>,
}

/// Two names of one subject: the question was asked of A under `old` and of B under `new`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rename {
    /// The name A uses.
    pub old: String,
    /// The name B uses.
    pub new: String,
}

/// An answer that changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    /// What changed (the most telling of what did).
    pub kind: ChangeKind,
    /// The question as asked of A.
    pub question_a: String,
    /// The question as asked of B.
    pub question_b: String,
    /// What differs, one line each (rows, facts, notes).
    pub details: Vec<String>,
    /// A's answer (`None` when A has no such predicate).
    pub a: Option<QuestionAnswer>,
    /// B's answer (`None` when B has no such predicate).
    pub b: Option<QuestionAnswer>,
}

/// What changed between two knowledge bases.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Diff {
    /// The knowledge base before.
    pub a: Side,
    /// The knowledge base after.
    pub b: Side,
    /// How many questions were asked of each.
    pub asked: usize,
    /// Subjects (and conditions) matched through aliases.
    pub renames: Vec<Rename>,
    /// Every answer that changed, in question order.
    pub changes: Vec<Change>,
    /// Whether the full proofs are to be shown (`--full-proofs`), for renderers.
    #[serde(default)]
    pub full_proofs: bool,
}

fn ask_question(s: &mut Session, q: &str, opts: AskOptions) -> Result<QuestionAnswer, QueryError> {
    match s.ask(q, opts)? {
        Answer::Question(a) => Ok(a),
        _ => Err(QueryError::Internal(Vec::new())),
    }
}

/// Constants of A's rows that B's rows hold under a newer name.
fn renamed_in_rows(
    a: Option<&QuestionAnswer>,
    b: Option<&QuestionAnswer>,
    aliases: &Aliases,
) -> Vec<Rename> {
    let (Some(a), Some(b)) = (a, b) else {
        return Vec::new();
    };
    let in_b: Vec<String> = b.rows.iter().flatten().map(ToString::to_string).collect();
    let mut out = Vec::new();
    for c in a.rows.iter().flatten().map(ToString::to_string) {
        let new = aliases.canonical(&c);
        if new != c && in_b.contains(&new) {
            out.push(Rename { old: c, new });
        }
    }
    out
}

/// The one argument where two questions differ: its position, and the second's value.
fn one_difference(x: &str, y: &str) -> Option<(usize, String)> {
    let (xs, ys): (Vec<&str>, Vec<&str>) = (x.split(' ').collect(), y.split(' ').collect());
    if xs.len() != ys.len() || xs[0] != ys[0] {
        return None;
    }
    let mut diff = xs.iter().zip(&ys).enumerate().filter(|(_, (a, b))| a != b);
    match (diff.next(), diff.next()) {
        (Some((i, (_, b))), None) => Some((i, b.to_string())),
        _ => None,
    }
}

/// Runs of probed questions (flag `true`) that changed alike and differ in one argument
/// (`deployment_supported? m 1910`, `… 2002`, `… 2006`) become the first change, with a
/// last detail naming the others' values.
fn fold_probe_runs(changes: Vec<(Change, bool)>) -> Vec<Change> {
    let mut out: Vec<(Change, bool, Option<usize>, Vec<String>)> = Vec::new();
    for (c, probe) in changes {
        if let Some((last, true, at, also)) = out.last_mut()
            && probe
            && last.kind == c.kind
            && last.details == c.details
            && let Some((i, value)) = one_difference(&last.question_b, &c.question_b)
            && at.is_none_or(|at| at == i)
        {
            *at = Some(i);
            also.push(value);
            continue;
        }
        out.push((c, probe, None, Vec::new()));
    }
    out.into_iter()
        .map(|(mut c, _, _, also)| {
            if !also.is_empty() {
                c.details
                    .push(format!("the same with {} in its place", also.join(", ")));
            }
            c
        })
        .collect()
}

/// The change for a verdict predicate only one side declares and no input asks: its
/// declaration, documentation and inputs, from the side that has it.
fn declared_only(q: &Asked, only_b: bool, (ka, kb): (&KnowledgeBase, &KnowledgeBase)) -> Change {
    let (side, kb) = if only_b { ("B", kb) } else { ("A", ka) };
    let name = q.canonical.split('(').next().unwrap_or_default();
    let mut details = vec![format!("only {side} declares {}", q.canonical)];
    if let Some(p) = kb.checked.preds.get(name) {
        let at = kb.sources.location(p.span);
        details[0].push_str(&format!(" ({}:{})", at.file, at.line));
        if let Some(doc) = &p.doc {
            details.push(format!("\"{doc}\""));
        }
        let inputs: Vec<String> = p.bound_args.iter().map(|&i| p.column(i)).collect();
        details.push(format!(
            "not asked: its inputs ({}) take no value either model holds; ask it with --queries",
            inputs.join(", ")
        ));
    }
    Change {
        kind: if only_b {
            ChangeKind::PredicateAdded
        } else {
            ChangeKind::PredicateRemoved
        },
        question_a: q.canonical.clone(),
        question_b: q.canonical.clone(),
        details,
        a: None,
        b: None,
    }
}

/// Asks `questions` (each as A and B name it) of both sessions and compares the answers.
/// A question on a predicate one side does not declare gets no answer there.
///
/// Errors: a question either side rejects for another reason, or a limit.
pub fn diff(
    a: &mut Session,
    b: &mut Session,
    names: (&str, &str),
    questions: &[Asked],
    aliases: &Aliases,
    opts: AskOptions,
) -> Result<Diff, QueryError> {
    let mut renames = Vec::new();
    let mut changes: Vec<(Change, bool)> = Vec::new();
    for q in questions {
        if let Some(only_b) = q.only_declared {
            changes.push((declared_only(q, only_b, (&a.kb, &b.kb)), false));
            continue;
        }
        let ans_a = match &q.in_a {
            Some(t) => Some(ask_question(a, t, opts)?),
            None => None,
        };
        let ans_b = match &q.in_b {
            Some(t) => Some(ask_question(b, t, opts)?),
            None => None,
        };
        let mut found = q.renames.clone();
        found.extend(renamed_in_rows(ans_a.as_ref(), ans_b.as_ref(), aliases));
        for r in &found {
            if !renames.contains(r) {
                renames.push(r.clone());
            }
        }
        let (ka, kb) = (&a.kb, &b.kb);
        if let Some((kind, details)) = compare(ans_a.as_ref(), ans_b.as_ref(), aliases, ka, kb) {
            let change = Change {
                kind,
                question_a: q.in_a.clone().unwrap_or_else(|| q.canonical.clone()),
                question_b: q.in_b.clone().unwrap_or_else(|| q.canonical.clone()),
                details,
                a: ans_a,
                b: ans_b,
            };
            changes.push((change, q.probe));
        }
    }
    renames.sort();
    Ok(Diff {
        a: Side {
            name: names.0.to_string(),
            source_texts: traced_source_texts(&a.kb),
        },
        b: Side {
            name: names.1.to_string(),
            source_texts: traced_source_texts(&b.kb),
        },
        asked: questions.len(),
        renames,
        changes: fold_probe_runs(changes),
        full_proofs: false,
    })
}
