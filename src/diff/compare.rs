//! Comparing two answers to one question: rows, then the facts their proofs rest on, then
//! the notes they carry (the order of the module's documentation).

use super::Aliases;
use crate::explain::{Justification, Proof};
use crate::query::{KnowledgeBase, QuestionAnswer};
use crate::syntax::Const;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What changed in an answer, the most telling first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A had no tuple; B answers.
    Added,
    /// A answered; B has no tuple.
    Removed,
    /// The verdict column differs, the other columns agree.
    Verdict,
    /// Other columns of the answer differ (the condition).
    Condition,
    /// The answer rests on a fact with a `version` column only one side states, or states
    /// with another version.
    Qualifier,
    /// The notes the proofs carry differ.
    Note,
    /// The answer rests on other facts.
    Premises,
    /// A verdict predicate only B declares, with no inputs either model holds to ask it
    /// with (a name rule takes the name from the question).
    PredicateAdded,
    /// A verdict predicate only A declares, with no inputs to ask it with.
    PredicateRemoved,
}

impl ChangeKind {
    /// How a report heads it.
    pub fn title(self) -> &'static str {
        match self {
            ChangeKind::Added => "subject added",
            ChangeKind::Removed => "subject removed",
            ChangeKind::Verdict => "verdict changed",
            ChangeKind::Condition => "condition changed",
            ChangeKind::Qualifier => "version qualifier changed",
            ChangeKind::Note => "note changed",
            ChangeKind::Premises => "premises changed",
            ChangeKind::PredicateAdded => "predicate added",
            ChangeKind::PredicateRemoved => "predicate removed",
        }
    }
}

fn rows(a: Option<&QuestionAnswer>, al: &Aliases) -> BTreeSet<Vec<String>> {
    a.map(|a| {
        a.rows
            .iter()
            .map(|r| r.iter().map(|c| al.canonical(&c.to_string())).collect())
            .collect()
    })
    .unwrap_or_default()
}

fn show(rows: &BTreeSet<Vec<String>>) -> String {
    if rows.is_empty() {
        return "unknown".into();
    }
    let r: Vec<String> = rows.iter().map(|r| format!("({})", r.join(", "))).collect();
    r.join(", ")
}

/// A fact leaf of a proof: its identity under its predicate's key and its other values.
type Premises = BTreeMap<(String, Vec<String>), BTreeSet<Vec<Const>>>;

fn premises(a: Option<&QuestionAnswer>, kb: &KnowledgeBase, al: &Aliases) -> Premises {
    let mut out = Premises::new();
    let Some(a) = a else { return out };
    for p in &a.proofs {
        p.walk(&mut |n: &Proof| {
            let (Justification::Fact { .. }, Some(atom)) = (&n.by, &n.atom) else {
                return;
            };
            let key = kb
                .checked
                .preds
                .get(&atom.pred)
                .and_then(|p| p.keys.first().cloned())
                .unwrap_or_else(|| (0..atom.args.len()).collect());
            let canon = |c: &Const| match c {
                Const::Sym(s) => Const::Sym(al.canonical(s)),
                c => c.clone(),
            };
            let id: Vec<String> = key
                .iter()
                .map(|&i| canon(&atom.args[i]).to_string())
                .collect();
            let rest: Vec<Const> = (0..atom.args.len())
                .filter(|i| !key.contains(i))
                .map(|i| canon(&atom.args[i]))
                .collect();
            out.entry((atom.pred.clone(), id)).or_default().insert(rest);
        });
    }
    out
}

/// Whether two value lists differ only in strings.
fn wording_only(x: &BTreeSet<Vec<Const>>, y: &BTreeSet<Vec<Const>>) -> bool {
    let strip = |s: &BTreeSet<Vec<Const>>| -> BTreeSet<Vec<Option<Const>>> {
        s.iter()
            .map(|r| {
                r.iter()
                    .map(|c| (!matches!(c, Const::Str(_))).then(|| c.clone()))
                    .collect()
            })
            .collect()
    };
    strip(x) == strip(y)
}

fn has_version_column(kb: &KnowledgeBase, pred: &str) -> bool {
    kb.checked.preds.get(pred).is_some_and(|p| {
        (0..p.arity).any(|i| {
            p.column(i) == "version"
                || matches!(p.types.get(i), Some(Some(crate::syntax::ColType::Version)))
        })
    })
}

fn atom_text(pred: &str, id: &[String], rest: &BTreeSet<Vec<Const>>) -> String {
    let vals: Vec<String> = rest
        .iter()
        .map(|r| {
            r.iter()
                .map(Const::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    if vals.iter().all(String::is_empty) {
        format!("{pred}({})", id.join(", "))
    } else {
        format!("{pred}({}; {})", id.join(", "), vals.join(" | "))
    }
}

fn notes(a: Option<&QuestionAnswer>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in a.map(|a| &a.proofs[..]).unwrap_or_default() {
        p.walk(&mut |n: &Proof| {
            if let Justification::Fact { notes, .. } | Justification::Rule { notes, .. } = &n.by {
                for q in notes {
                    out.insert(q.quote.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
        });
    }
    out
}

/// What differs between A's and B's answer to one question, if anything: the kind (the
/// most telling of what differs) and a line per difference.
pub fn compare(
    a: Option<&QuestionAnswer>,
    b: Option<&QuestionAnswer>,
    al: &Aliases,
    kb_a: &KnowledgeBase,
    kb_b: &KnowledgeBase,
) -> Option<(ChangeKind, Vec<String>)> {
    let (ra, rb) = (rows(a, al), rows(b, al));
    if ra != rb {
        let line = format!("answer: {} → {}", show(&ra), show(&rb));
        let kind = if ra.is_empty() {
            ChangeKind::Added
        } else if rb.is_empty() {
            ChangeKind::Removed
        } else {
            let rest = |r: &BTreeSet<Vec<String>>| -> BTreeSet<Vec<String>> {
                r.iter().map(|x| x[1..].to_vec()).collect()
            };
            if rest(&ra) == rest(&rb) {
                ChangeKind::Verdict
            } else {
                ChangeKind::Condition
            }
        };
        return Some((kind, vec![line]));
    }
    let (pa, pb) = (premises(a, kb_a, al), premises(b, kb_b, al));
    let mut details = Vec::new();
    let mut kind = None::<ChangeKind>;
    let ids: BTreeSet<&(String, Vec<String>)> = pa.keys().chain(pb.keys()).collect();
    for id in ids {
        let line = match (pa.get(id), pb.get(id)) {
            (Some(x), Some(y)) if x == y || wording_only(x, y) => continue,
            (Some(x), Some(y)) => format!(
                "{} → {}",
                atom_text(&id.0, &id.1, x),
                atom_text(&id.0, &id.1, y)
            ),
            (Some(x), None) => format!("only A rests on {}", atom_text(&id.0, &id.1, x)),
            (None, Some(y)) => format!("only B rests on {}", atom_text(&id.0, &id.1, y)),
            (None, None) => continue,
        };
        let k = if has_version_column(kb_a, &id.0) || has_version_column(kb_b, &id.0) {
            ChangeKind::Qualifier
        } else {
            ChangeKind::Premises
        };
        kind = Some(kind.map_or(k, |c| c.min(k)));
        details.push(line);
    }
    let (na, nb) = (notes(a), notes(b));
    if na != nb {
        for n in na.difference(&nb) {
            details.push(format!("note only in A: \"{n}\""));
        }
        for n in nb.difference(&na) {
            details.push(format!("note only in B: \"{n}\""));
        }
        kind = Some(kind.map_or(ChangeKind::Note, |c| c.min(ChangeKind::Note)));
    }
    kind.map(|k| (k, details))
}
