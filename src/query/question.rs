//! Questions `p? a1 … ak`: the free trailing columns are the answer, the first of them the
//! verdict. No matching tuple is **unknown** — a document's silence is not a denial
//! (DESIGN §5) — with "did you mean" suggestions.

use super::answer::{Answer, AskOptions, QueryError, QuestionAnswer, VerdictKind};
use super::session::{Session, open_atom_of, open_single};
use crate::check::{PredInfo, closest, unknown_predicate};
use crate::explain::Proof;
use crate::ir::{Const, Pred};
use crate::source::{Code, Diagnostic, Span, plural};
use crate::syntax::{self as ast, Query};
use std::collections::BTreeSet;

/// The verdict text of a value: symbols and integers as written, strings without quotes.
pub(super) fn plain(c: &Const) -> String {
    match c {
        Const::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Tuples matching a pattern, proved.
struct Matching {
    tuples: Vec<Vec<Const>>,
    proofs: Vec<Proof>,
    errors: Vec<String>,
}

/// What a question no tuple answers gets instead of rows.
#[derive(Default)]
struct Unanswered {
    /// Why the answer is "no" (a declared key), when it is.
    contradiction: Option<String>,
    /// For "no": the tuples stated for the same key.
    instead: Vec<Proof>,
    /// For "unknown": what the knowledge base states about the subject.
    stated: Vec<Proof>,
    /// The checker's complaints about those proofs.
    errors: Vec<String>,
}

impl Session {
    pub(super) fn question(
        &mut self,
        q: &Query,
        pred: &str,
        args: &[ast::Term],
        span: Span,
        opts: AskOptions,
    ) -> Result<Answer, QueryError> {
        let Some(info) = self.kb.checked.preds.get(pred).cloned() else {
            let known = self.kb.checked.preds.keys().map(String::as_str);
            let mut d = unknown_predicate(pred, span, known, true);
            if d.help.is_none() {
                d = d.with_help("`:preds` in the REPL (or `supportkb check`) lists the predicates");
            } else if let Some(h) = d.help.take() {
                // A question is asked as `p?`.
                d = d.with_help(h.replace("`?", "?`"));
            }
            // What the document says under the question's words.
            let words: Vec<String> = std::iter::once(pred.to_string())
                .chain(args.iter().filter_map(|t| match t {
                    ast::Term::Const(c) => Some(plain(c)),
                    _ => None,
                }))
                .collect();
            let words = words.join(" ");
            let mentions = self.mentions(&words);
            if !mentions.is_empty() {
                let shown = super::search::index::words(&words)
                    .into_iter()
                    .map(|w| w.written)
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut h = d.help.take().unwrap_or_default();
                h.push_str(&format!("\nthe document mentions \"{shown}\" at:"));
                for m in mentions {
                    h.push_str(&format!("\n  {m}"));
                }
                d = d.with_help(h);
            }
            return Err(QueryError::Invalid(vec![d]));
        };
        if args.len() > info.arity {
            let d = Diagnostic::error(
                Code::Arity,
                format!(
                    "`{pred}` takes {}, the question gives {}",
                    plural(info.arity, "argument"),
                    args.len()
                ),
                span,
            )
            .with_label("too many arguments");
            return Err(QueryError::Invalid(vec![d]));
        }
        let mut full: Vec<ast::Term> = args.to_vec();
        full.resize(info.arity, ast::Term::Wildcard);
        let goal = ast::Atom {
            pred: pred.to_string(),
            args: full,
            span,
            arg_spans: Vec::new(),
        };
        let (ev, body, vars) =
            self.eval_query(&[ast::Literal::Pos(goal.clone())], open_single, span)?;
        let open = open_atom_of(&body);
        // One column per variable, at its first place: the rows hold one value per variable,
        // so `p? X X` has one column, not a second that no row fills.
        let mut seen = Vec::new();
        let free_positions: Vec<usize> = open
            .args
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                t.as_var().is_some_and(|v| {
                    let new = !seen.contains(&v);
                    seen.push(v);
                    new
                })
            })
            .map(|(i, _)| i)
            .collect();
        let rows = self.query_rows(&ev)?;
        let ex = self.explainer(&ev);
        let proofs = super::proofs_for(&ex, &open, &vars, &rows, opts);
        super::session::finished(&ex)?;
        drop(ex);
        let first_free =
            free_positions
                .iter()
                .position(|&p| p >= args.len())
                .or(if free_positions.is_empty() {
                    None
                } else {
                    Some(0)
                });
        let mut proof_errors = self.check_proofs(&ev, &proofs.iter().collect::<Vec<_>>());
        let unused_rules = self.unused_rules(&ev);
        let given: Vec<Option<Const>> = goal
            .args
            .iter()
            .map(|t| match t {
                ast::Term::Const(c) => Some(c.clone()),
                _ => None,
            })
            .collect();
        let un = if rows.is_empty() {
            self.unanswered(pred, &given, &info, span, opts)?
        } else {
            Unanswered::default()
        };
        proof_errors.extend(un.errors);
        let counted = counted_columns(&goal.args, args.len(), &free_positions, &info.keys);
        let (verdict, kind) = if rows.is_empty() && un.contradiction.is_some() {
            ("no".to_string(), VerdictKind::No)
        } else if rows.is_empty() {
            ("unknown".to_string(), VerdictKind::Unknown)
        } else if !counted.is_empty() {
            let distinct: BTreeSet<Vec<String>> = rows
                .iter()
                .map(|r| counted.iter().map(|&k| plain(&r[k])).collect())
                .collect();
            let names: Vec<String> = counted
                .iter()
                .map(|&k| info.column(free_positions[k]))
                .collect();
            let count = match names.as_slice() {
                [one] => crate::source::plural(distinct.len(), one),
                _ => crate::source::plural(
                    distinct.len(),
                    &format!("({}) combination", names.join(", ")),
                ),
            };
            (count, VerdictKind::Yes)
        } else if let Some(k) = first_free {
            let distinct: BTreeSet<String> = rows.iter().map(|r| plain(&r[k])).collect();
            match distinct.len() {
                1 => (
                    distinct.into_iter().next().unwrap_or_default(),
                    VerdictKind::Value,
                ),
                2..=4 => (
                    format!(
                        "mixed: {}",
                        distinct.into_iter().collect::<Vec<_>>().join(", ")
                    ),
                    VerdictKind::Mixed,
                ),
                n => (format!("{n} different answers"), VerdictKind::Mixed),
            }
        } else {
            ("yes".to_string(), VerdictKind::Yes)
        };
        let unknown = rows.is_empty() && un.contradiction.is_none() && un.stated.is_empty();
        let shown: Vec<String> = goal.args.iter().map(|t| t.to_string()).collect();
        let shown_goal = format!("{pred}({})", shown.join(", "));
        let rows_of = if unknown {
            self.subject_rows(&info, args)
        } else {
            Default::default()
        };
        let absent = rows_of.absent;
        // A subject a row holds is no misspelling: no other subjects, no pointers.
        let held: Vec<String> = rows_of
            .held
            .into_iter()
            .map(|h| format!("{h}, and no rule derives {shown_goal}"))
            .collect();
        // A subject no row holds is not a word of the document: no pointers to its text.
        let (mut suggestions, pointers) = if !held.is_empty() {
            (Vec::new(), super::pointers::Pointers::default())
        } else if unknown && absent.is_empty() {
            (
                self.suggestions(&info.bound_args, pred, args),
                self.pointers(pred, &info, args),
            )
        } else if unknown {
            (
                self.suggestions(&info.bound_args, pred, args),
                super::pointers::Pointers::default(),
            )
        } else {
            (Vec::new(), super::pointers::Pointers::default())
        };
        // A subject pointed to with its line is not suggested twice.
        suggestions.retain(|s| {
            !pointers
                .near
                .iter()
                .chain(&pointers.could_mean)
                .any(|m| m.subject == *s)
        });
        Ok(Answer::Question(QuestionAnswer {
            question: q.to_string(),
            goal: shown_goal,
            verdict,
            kind,
            columns: free_positions.iter().map(|&p| info.column(p)).collect(),
            rows,
            proofs,
            instead: un.instead,
            contradiction: un.contradiction,
            stated: un.stated,
            unused_rules,
            suggestions,
            absent,
            held,
            pointers,
            proof_errors,
            warnings: self.variable_warnings(&info.bound_args, pred, args),
        }))
    }

    /// The tuples of `pred` matching `pattern` (`None` is any value), with their proofs
    /// (one per tuple, for at most [`super::MAX_PROOFS`] tuples) and the checker's
    /// complaints about them; `None` when the pattern leaves a goal-directed argument free.
    fn matching(
        &mut self,
        pred: &str,
        pattern: &[Option<Const>],
        info: &PredInfo,
        span: Span,
        opts: AskOptions,
    ) -> Result<Option<Matching>, QueryError> {
        if !info.answers_without_inputs && info.bound_args.iter().any(|&i| pattern[i].is_none()) {
            return Ok(None);
        }
        let goal = ast::Atom {
            pred: pred.to_string(),
            args: pattern
                .iter()
                .map(|c| c.clone().map_or(ast::Term::Wildcard, ast::Term::Const))
                .collect(),
            span,
            arg_spans: Vec::new(),
        };
        let (ev, body, vars) = self.eval_query(&[ast::Literal::Pos(goal)], open_single, span)?;
        let rows = self.query_rows(&ev)?;
        let open = open_atom_of(&body);
        let ex = self.explainer(&ev);
        let tuples: Vec<Vec<Const>> = rows
            .iter()
            .filter_map(|r| super::fill(&open, &vars, r))
            .collect();
        let one = AskOptions { proofs: 1, ..opts };
        let proofs = super::proofs_for(&ex, &open, &vars, &rows, one);
        super::session::finished(&ex)?;
        drop(ex);
        // Every proof shown is checked, in every build.
        let errors = self.check_proofs(&ev, &proofs.iter().collect::<Vec<_>>());
        Ok(Some(Matching {
            tuples,
            proofs,
            errors,
        }))
    }

    /// For a question no tuple answers: "no" when a declared key says the given columns
    /// determine the asked ones and the knowledge base states otherwise for the same key
    /// (for key columns the question leaves open: for every value of them the knowledge
    /// base names); otherwise unknown, with what the knowledge base does state about the
    /// subject as information.
    fn unanswered(
        &mut self,
        pred: &str,
        given: &[Option<Const>],
        info: &PredInfo,
        span: Span,
        opts: AskOptions,
    ) -> Result<Unanswered, QueryError> {
        for key in &info.keys {
            if let Some(un) = self.contradicted(pred, given, info, key, span, opts)? {
                return Ok(un);
            }
        }
        // What the knowledge base states about the subject: the tuples agreeing with the
        // leading given values.
        for keep in (1..given.len()).rev() {
            if given[..keep].iter().all(Option::is_none) {
                break;
            }
            let mut pattern: Vec<Option<Const>> = given[..keep].to_vec();
            pattern.resize(given.len(), None);
            if pattern == given {
                continue;
            }
            if let Some(m) = self.matching(pred, &pattern, info, span, opts)?
                && !m.tuples.is_empty()
            {
                return Ok(Unanswered {
                    stated: m.proofs,
                    errors: m.errors,
                    ..Unanswered::default()
                });
            }
        }
        Ok(Unanswered::default())
    }

    /// "No" by `key`, if the knowledge base states otherwise for the question's key values.
    fn contradicted(
        &mut self,
        pred: &str,
        given: &[Option<Const>],
        info: &PredInfo,
        key: &BTreeSet<usize>,
        span: Span,
        opts: AskOptions,
    ) -> Result<Option<Unanswered>, QueryError> {
        // Nothing to contradict unless the question gives a column the key determines.
        if !given
            .iter()
            .enumerate()
            .any(|(i, g)| g.is_some() && !key.contains(&i))
        {
            return Ok(None);
        }
        let pattern: Vec<Option<Const>> = given
            .iter()
            .enumerate()
            .map(|(i, g)| if key.contains(&i) { g.clone() } else { None })
            .collect();
        let Some(m) = self.matching(pred, &pattern, info, span, opts)? else {
            return Ok(None);
        };
        if m.tuples.is_empty() {
            return Ok(None);
        }
        let key_cols: Vec<String> = key.iter().map(|&i| info.column(i)).collect();
        let open: Vec<usize> = key
            .iter()
            .copied()
            .filter(|&i| given[i].is_none())
            .collect();
        if open.is_empty() {
            let reason = format!(
                "`{pred}` has one answer per {} (its declared key), and the knowledge base states another one for these",
                key_cols.join(" and ")
            );
            return Ok(Some(Unanswered {
                contradiction: Some(reason),
                instead: m.proofs,
                stated: Vec::new(),
                errors: m.errors,
            }));
        }
        // The question leaves part of the key open: for every value of it the knowledge
        // base names, the key is asked whole (so rules that need it apply), and each must
        // be stated otherwise.
        let named: BTreeSet<Vec<Const>> = self
            .kb
            .rows_of(pred)
            .into_iter()
            .map(|r| open.iter().map(|&i| r[i].clone()).collect())
            .collect();
        let mut instead = Vec::new();
        let mut errors = m.errors;
        for values in &named {
            let mut whole = pattern.clone();
            for (&i, v) in open.iter().zip(values) {
                whole[i] = Some(v.clone());
            }
            let Some(mv) = self.matching(pred, &whole, info, span, opts)? else {
                return Ok(None);
            };
            if mv.tuples.is_empty() {
                return Ok(None);
            }
            instead.extend(mv.proofs);
            errors.extend(mv.errors);
        }
        // Smallest proofs first: the row itself before what is derived from it.
        instead.sort_by_key(|p| p.size());
        let open_cols: Vec<String> = open.iter().map(|&i| info.column(i)).collect();
        let reason = format!(
            "`{pred}` has one answer per {} (its declared key), and for every {} the knowledge base names it states another one",
            key_cols.join(" and "),
            open_cols.join(" and ")
        );
        Ok(Some(Unanswered {
            contradiction: Some(reason),
            instead,
            stated: Vec::new(),
            errors,
        }))
    }

    /// For each given constant the relation never has in that column: the closest ones it has.
    /// A warning for each argument written as a variable (`Peer_cache`) whose name in lower
    /// case is a constant of its column (or, for a column the model cannot list, of the
    /// knowledge base): the question most likely meant the constant.
    fn variable_warnings(
        &self,
        bound_args: &BTreeSet<usize>,
        pred: &str,
        args: &[ast::Term],
    ) -> Vec<String> {
        let rel = self.kb.model.relation(&Pred::user(pred));
        let mut out = Vec::new();
        for (i, t) in args.iter().enumerate() {
            let ast::Term::Var(name) = t else { continue };
            let lower = Const::Sym(name.to_lowercase());
            let Some(id) = self.kb.interner.get(&lower) else {
                continue;
            };
            let known = match rel {
                Some(rel) if !bound_args.contains(&i) => rel.rows().any(|r| r[i] == id),
                _ => true,
            };
            if known {
                out.push(format!(
                    "`{name}` is a variable (it starts with a capital), so it matches any value; {}",
                    crate::check::did_you_mean_text(&[lower.to_string()])
                ));
            }
        }
        out
    }

    fn suggestions(
        &self,
        bound_args: &BTreeSet<usize>,
        pred: &str,
        args: &[ast::Term],
    ) -> Vec<String> {
        let Some(rel) = self.kb.model.relation(&Pred::user(pred)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, t) in args.iter().enumerate() {
            let ast::Term::Const(c) = t else { continue };
            if bound_args.contains(&i) {
                continue;
            }
            let column: BTreeSet<String> = rel
                .rows()
                .map(|r| self.kb.interner.value(r[i]).to_string())
                .collect();
            let want = c.to_string();
            if column.contains(&want) {
                continue;
            }
            out.extend(closest(&want, column.iter().map(String::as_str), 3));
        }
        out
    }
}

/// The free columns (indices into `free_positions`) a question counts rather than answers:
/// the subjects it leaves open among the `given` arguments it writes, when it gives a
/// constant after them (`supported? _ no` asks which subjects are not supported: its verdict
/// is how many). A subject is a column of a declared key (`supported`'s subject, not its
/// answer: `supported? client_install _ with_token_authentication` asks for the answer); a
/// predicate without a key counts the open arguments before its first given constant. A
/// named variable (`X`, `_1`) gives its argument as a constant does (`p? _ _1` counts the
/// `arg1`s); only `_` leaves one open. Empty for every other question.
fn counted_columns(
    args: &[ast::Term],
    given: usize,
    free_positions: &[usize],
    keys: &[BTreeSet<usize>],
) -> Vec<usize> {
    // A named variable gives its argument as a constant does: `p? _ X` asks which subjects
    // have some `X`, as `p? _ b` asks which have `b`; only `_` leaves one open.
    let gives = |t: &ast::Term| !matches!(t, ast::Term::Wildcard);
    let Some(last_const) = args[..given].iter().rposition(gives) else {
        return Vec::new();
    };
    let first_const = args.iter().position(gives).unwrap_or(last_const);
    free_positions
        .iter()
        .enumerate()
        .filter(|&(_, &p)| {
            p < last_const
                && if keys.is_empty() {
                    p < first_const
                } else {
                    keys.iter().any(|k| k.contains(&p))
                }
        })
        .map(|(i, _)| i)
        .collect()
}
