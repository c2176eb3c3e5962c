//! Questions `p? a1 … ak`: the free trailing columns are the answer, the first of them the
//! verdict. No matching tuple is **unknown** — a document's silence is not a denial
//! (DESIGN §5) — with "did you mean" suggestions.

use super::answer::{Answer, AskOptions, QueryError, QuestionAnswer};
use super::session::{Session, open_atom_of, open_single};
use crate::check::{closest, unknown_predicate};
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
        };
        let (ev, body, vars) =
            self.eval_query(&[ast::Literal::Pos(goal.clone())], open_single, span)?;
        let open = open_atom_of(&body);
        let free_positions: Vec<usize> = open
            .args
            .iter()
            .enumerate()
            .filter(|(_, t)| t.as_var().is_some())
            .map(|(i, _)| i)
            .collect();
        let rows = self.query_rows(&ev);
        let ex = self.explainer(&ev);
        let proofs = super::proofs_for(&ex, &open, &vars, &rows, opts);
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
        // Nothing matches all the given values: if the knowledge base states something for
        // the leading ones, the answer is "no" — it says otherwise — not "unknown".
        let (instead, instead_errors) = if rows.is_empty() {
            self.stated_instead(pred, args, &info.bound_args, span, opts)?
        } else {
            (Vec::new(), Vec::new())
        };
        let verdict = if rows.is_empty() && !instead.is_empty() {
            "no".to_string()
        } else if rows.is_empty() {
            "unknown".to_string()
        } else if let Some(k) = first_free {
            let distinct: BTreeSet<String> = rows.iter().map(|r| plain(&r[k])).collect();
            match distinct.len() {
                1 => distinct.into_iter().next().unwrap_or_default(),
                2..=4 => format!(
                    "mixed: {}",
                    distinct.into_iter().collect::<Vec<_>>().join(", ")
                ),
                n => format!("{n} different answers"),
            }
        } else {
            "yes".to_string()
        };
        let mut proof_errors = self.check_proofs(&ev, &proofs.iter().collect::<Vec<_>>());
        proof_errors.extend(instead_errors);
        let suggestions = if rows.is_empty() && instead.is_empty() {
            self.suggestions(&info.bound_args, pred, args)
        } else {
            Vec::new()
        };
        let shown: Vec<String> = goal.args.iter().map(|t| t.to_string()).collect();
        Ok(Answer::Question(QuestionAnswer {
            question: q.to_string(),
            goal: format!("{pred}({})", shown.join(", ")),
            verdict,
            columns: free_positions.iter().map(|&p| info.column(p)).collect(),
            rows,
            proofs,
            instead,
            suggestions,
            proof_errors,
        }))
    }

    /// For a question no tuple answers: the tuples that agree with its given values except
    /// trailing ones (never a goal-directed input), with their proofs and what the checker
    /// says of them; empty if none do.
    fn stated_instead(
        &mut self,
        pred: &str,
        args: &[ast::Term],
        bound_args: &BTreeSet<usize>,
        span: Span,
        opts: AskOptions,
    ) -> Result<(Vec<Proof>, Vec<String>), QueryError> {
        let arity = self.kb.checked.preds.get(pred).map_or(0, |p| p.arity);
        for keep in (1..args.len()).rev() {
            if bound_args.contains(&keep) || !matches!(args[keep], ast::Term::Const(_)) {
                break;
            }
            let mut relaxed: Vec<ast::Term> = args[..keep].to_vec();
            relaxed.resize(arity, ast::Term::Wildcard);
            let goal = ast::Atom {
                pred: pred.to_string(),
                args: relaxed,
                span,
            };
            let (ev, body, vars) =
                self.eval_query(&[ast::Literal::Pos(goal)], open_single, span)?;
            let rows = self.query_rows(&ev);
            if !rows.is_empty() {
                let open = open_atom_of(&body);
                let ex = self.explainer(&ev);
                let proofs =
                    super::proofs_for(&ex, &open, &vars, &rows, AskOptions { proofs: 1, ..opts });
                drop(ex);
                // Every proof shown is checked, in every build.
                let errors = self.check_proofs(&ev, &proofs.iter().collect::<Vec<_>>());
                return Ok((proofs, errors));
            }
        }
        Ok((Vec::new(), Vec::new()))
    }

    /// For each given constant the relation never has in that column: the closest ones it has.
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
