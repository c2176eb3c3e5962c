//! The questions a diff asks, and the aliases that let two knowledge bases name one subject
//! differently.

use super::Rename;
use crate::check::PredInfo;
use crate::ir::Const;
use crate::query::KnowledgeBase;
use std::collections::{BTreeMap, BTreeSet};

/// The names of one subject across two knowledge bases: `alias(new, old)` facts of either,
/// old name to new name.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    newer: BTreeMap<String, String>,
}

impl Aliases {
    /// The `alias/2` facts of both knowledge bases.
    pub fn of(a: &KnowledgeBase, b: &KnowledgeBase) -> Self {
        let mut newer = BTreeMap::new();
        for kb in [a, b] {
            for row in kb.rows_of("alias") {
                if let [new, old] = &row[..] {
                    newer.insert(old.to_string(), new.to_string());
                }
            }
        }
        Aliases { newer }
    }

    /// The newest name of `c` (as written), following renames (a cycle stops where it
    /// closes).
    pub fn canonical(&self, c: &str) -> String {
        let mut cur = c.to_string();
        let mut seen = BTreeSet::new();
        while let Some(n) = self.newer.get(&cur) {
            if !seen.insert(cur.clone()) {
                break;
            }
            cur = n.clone();
        }
        cur
    }

    /// The name `kb` uses for the canonical name `c`: `c` itself when `kb` knows it, else
    /// an older name of it `kb` knows, else `c`.
    fn local(&self, c: &str, known: &BTreeSet<String>) -> String {
        if known.contains(c) {
            return c.to_string();
        }
        self.newer
            .keys()
            .find(|old| known.contains(*old) && self.canonical(old) == c)
            .cloned()
            .unwrap_or_else(|| c.to_string())
    }
}

/// One question, as each side is asked it.
#[derive(Debug, Clone)]
pub struct Asked {
    /// Under the newest names.
    pub canonical: String,
    /// As asked of A (`None`: A does not declare the predicate).
    pub in_a: Option<String>,
    /// As asked of B.
    pub in_b: Option<String>,
    /// Given arguments A and B name differently.
    pub renames: Vec<Rename>,
    /// A goal-directed predicate asked at inputs drawn from the models, not a subject
    /// either model holds: runs of such questions with the same change are shown as one.
    pub probe: bool,
    /// A verdict predicate only one side declares (`Some(true)`: only B) that has no inputs
    /// to ask it with: reported as a predicate added or removed, not asked.
    pub only_declared: Option<bool>,
}

/// The first column named `answer` or `verdict` of a keyed predicate.
fn verdict_column(p: &PredInfo) -> Option<usize> {
    if p.keys.is_empty() {
        return None;
    }
    (0..p.arity).find(|&i| matches!(p.column(i).as_str(), "answer" | "verdict"))
}

/// The tuples of the given columns (the first `given`) either model holds for `p`,
/// canonical.
fn subjects(
    p: &PredInfo,
    given: usize,
    kbs: [&KnowledgeBase; 2],
    aliases: &Aliases,
) -> Vec<Vec<String>> {
    let mut out = BTreeSet::new();
    for kb in kbs {
        for row in kb.rows_of(&p.name) {
            out.insert(
                row[..given]
                    .iter()
                    .map(|c| aliases.canonical(&c.to_string()))
                    .collect::<Vec<_>>(),
            );
        }
    }
    out.into_iter().collect()
}

/// Whether `p` has a column named `version` or typed as a version.
fn has_version_column(p: &PredInfo) -> bool {
    (0..p.arity).any(|i| {
        p.column(i) == "version"
            || matches!(p.types.get(i), Some(Some(crate::syntax::ColType::Version)))
    })
}

/// The predicates with a version column that hold tuples of their own (not goal-directed)
/// which `pred`'s rules read, directly or through other rules: the version facts an answer
/// of `pred` can rest on.
fn version_facts_read(pred: &str, kb: &KnowledgeBase) -> BTreeSet<String> {
    use crate::ir::Literal;
    let mut seen = BTreeSet::new();
    let mut todo = vec![pred.to_string()];
    let mut out = BTreeSet::new();
    while let Some(n) = todo.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        for r in kb
            .checked
            .rules
            .iter()
            .filter(|r| r.head.pred.to_string() == n)
        {
            for l in &r.body {
                let (Literal::Pos(a) | Literal::Neg(a)) = l else {
                    continue;
                };
                let name = a.pred.to_string();
                if let Some(q) = kb.checked.preds.get(&name)
                    && q.bound_args.is_empty()
                    && has_version_column(q)
                {
                    out.insert(name.clone());
                }
                todo.push(name);
            }
        }
    }
    out
}

/// The verdict predicate `p` (goal-directed) refines, if any: one of either knowledge base
/// that `p` asks with more inputs — its columns, less inputs the other does not have, are
/// the other's columns (`supported_at(subject, version, answer, condition)` of
/// `supported(subject, answer, condition)`) — with whether its questions cover `p`: every
/// version fact `p` reads, the other reads too (so a retired version mark shows in the
/// other's proofs). `csp_support_at` reads `csp_support_from`, which `csp_support` does
/// not: it is asked itself.
fn refined_verdict<'k>(p: &PredInfo, kbs: [&'k KnowledgeBase; 2]) -> Option<(&'k PredInfo, bool)> {
    let cols: Vec<String> = (0..p.arity).map(|i| p.column(i)).collect();
    let q = kbs
        .iter()
        .flat_map(|kb| kb.checked.preds.values())
        .find(|q| {
            if q.name == p.name || !q.bound_args.is_empty() || verdict_column(q).is_none() {
                return false;
            }
            let theirs: Vec<String> = (0..q.arity).map(|i| q.column(i)).collect();
            // What `p` has more are inputs only, and the rest is `q`'s columns in order.
            let extra_are_inputs = (0..p.arity)
                .filter(|&i| !theirs.contains(&cols[i]))
                .all(|i| p.bound_args.contains(&i));
            let kept: Vec<&String> = cols.iter().filter(|c| theirs.contains(c)).collect();
            theirs.len() < cols.len() && extra_are_inputs && kept.iter().copied().eq(theirs.iter())
        })?;
    let covered = kbs
        .iter()
        .all(|k| version_facts_read(&p.name, k).is_subset(&version_facts_read(&q.name, k)));
    Some((q, covered))
}

/// The values of every column named `column` of a predicate that is not goal-directed, in
/// either model, canonical.
fn domain(column: &str, kbs: [&KnowledgeBase; 2], aliases: &Aliases) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for kb in kbs {
        for q in kb.checked.preds.values() {
            if !q.bound_args.is_empty() || q.columns.is_none() {
                continue;
            }
            let cols: Vec<usize> = (0..q.arity).filter(|&j| q.column(j) == column).collect();
            if cols.is_empty() {
                continue;
            }
            for row in kb.rows_of(&q.name) {
                for &j in &cols {
                    out.insert(aliases.canonical(&row[j].to_string()));
                }
            }
        }
    }
    out
}

/// The inputs a goal-directed predicate is asked with: every combination of the values its
/// given columns' names take elsewhere in either model (a `version` column is asked at
/// every version either knowledge base mentions); a column of the verdict it refines
/// (`refined`) takes only that verdict's subjects.
fn probes(
    p: &PredInfo,
    given: usize,
    refined: Option<&PredInfo>,
    kbs: [&KnowledgeBase; 2],
    aliases: &Aliases,
) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for i in 0..given {
        let column = p.column(i);
        // A column of the verdict `p` refines takes that verdict's subjects.
        let values = match refined.and_then(|q| (0..q.arity).find(|&j| q.column(j) == column)) {
            Some(j) => refined
                .map(|q| {
                    kbs.iter()
                        .flat_map(|kb| kb.rows_of(&q.name))
                        .map(|r| aliases.canonical(&r[j].to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            None => domain(&column, kbs, aliases),
        };
        out = out
            .into_iter()
            .flat_map(|t| {
                values.iter().map(move |v| {
                    let mut t = t.clone();
                    t.push(v.clone());
                    t
                })
            })
            .collect();
    }
    out
}

fn known(kb: &KnowledgeBase) -> BTreeSet<String> {
    kb.interner.values().iter().map(Const::to_string).collect()
}

fn question_text(pred: &str, args: &[String]) -> String {
    let mut s = format!("{pred}?");
    for a in args {
        s.push(' ');
        s.push_str(a);
    }
    s
}

/// Every question a diff of `a` and `b` asks by default: each verdict predicate of either,
/// over the union of their subjects (see the module's documentation).
pub fn default_questions(a: &KnowledgeBase, b: &KnowledgeBase, aliases: &Aliases) -> Vec<Asked> {
    let (known_a, known_b) = (known(a), known(b));
    let mut preds: BTreeMap<&str, &PredInfo> = BTreeMap::new();
    for kb in [a, b] {
        for p in kb.checked.preds.values() {
            preds.entry(p.name.as_str()).or_insert(p);
        }
    }
    // A versioned statement another verdict reads (`applies_immediately_from` of
    // `applies_immediately`) is a qualifier of that verdict's answers, shown there.
    let qualifiers: BTreeSet<String> = preds
        .values()
        .filter(|p| verdict_column(p).is_some())
        .flat_map(|p| {
            [a, b].into_iter().flat_map(|kb| {
                let mut read = version_facts_read(&p.name, kb);
                read.remove(&p.name);
                read
            })
        })
        .collect();
    let mut out = Vec::new();
    for p in preds.values() {
        let Some(given) = verdict_column(p) else {
            continue;
        };
        if qualifiers.contains(&p.name) {
            continue;
        }
        let tuples = if p.bound_args.is_empty() {
            subjects(p, given, [a, b], aliases)
        } else {
            match refined_verdict(p, [a, b]) {
                // `supported_at` of `supported`: its changes are that verdict's, asked already.
                Some((_, true)) => continue,
                Some((q, false)) => probes(p, given, Some(q), [a, b], aliases),
                None => probes(p, given, None, [a, b], aliases),
            }
        };
        let probe = !p.bound_args.is_empty();
        let (in_a, in_b) = (
            a.checked.preds.contains_key(&p.name),
            b.checked.preds.contains_key(&p.name),
        );
        if tuples.is_empty() && probe && in_a != in_b {
            let cols: Vec<String> = (0..p.arity).map(|i| p.column(i)).collect();
            out.push(Asked {
                canonical: format!("{}({})", p.name, cols.join(", ")),
                in_a: None,
                in_b: None,
                renames: Vec::new(),
                probe: false,
                only_declared: Some(in_b),
            });
        }
        for args in tuples {
            let la: Vec<String> = args.iter().map(|c| aliases.local(c, &known_a)).collect();
            let lb: Vec<String> = args.iter().map(|c| aliases.local(c, &known_b)).collect();
            let renames = la
                .iter()
                .zip(&lb)
                .filter(|(x, y)| x != y)
                .map(|(x, y)| Rename {
                    old: x.clone(),
                    new: y.clone(),
                })
                .collect();
            out.push(Asked {
                canonical: question_text(&p.name, &args),
                in_a: a
                    .checked
                    .preds
                    .contains_key(&p.name)
                    .then(|| question_text(&p.name, &la)),
                in_b: b
                    .checked
                    .preds
                    .contains_key(&p.name)
                    .then(|| question_text(&p.name, &lb)),
                renames,
                probe,
                only_declared: None,
            });
        }
    }
    out
}

/// The questions of a query file (`p? a …` only; other queries are skipped), asked of both
/// sides as written; a side that does not declare the predicate is not asked (no such
/// predicate there: the question's answer was added or removed).
pub fn script_questions(
    items: &[crate::syntax::ScriptItem],
    a: &KnowledgeBase,
    b: &KnowledgeBase,
) -> Vec<Asked> {
    items
        .iter()
        .filter_map(|i| match &i.query {
            crate::syntax::Query::Question { pred, .. } => Some((pred, i.query.to_string())),
            _ => None,
        })
        .map(|(pred, q)| Asked {
            canonical: q.clone(),
            in_a: a.checked.preds.contains_key(pred).then(|| q.clone()),
            in_b: b.checked.preds.contains_key(pred).then(|| q.clone()),
            renames: Vec::new(),
            probe: false,
            only_declared: None,
        })
        .collect()
}
