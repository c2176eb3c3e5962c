//! What-if in the session: `:assume FACT.` (with a warning when the fact's predicate is one
//! nothing in the knowledge base reads, and the closest name), `:retract FACT.` (an
//! assumption, or a written fact set aside; a derived tuple is explained, with the facts it
//! rests on), and answers that say which assumptions they used.

use super::session::{Outcome, ReplSession};
use crate::check::{did_you_mean, did_you_mean_text};
use crate::explain::{GroundAtom, Justification, Proof};
use crate::query::Answer;
use crate::syntax::{Clause, Term, parse_kb};

/// The name of the text that holds the assumptions (proofs locate assumed facts in it).
pub(super) const ASSUMPTIONS: &str = "<assumptions>";

/// Most premises listed for a derived tuple `:retract` cannot take back.
const MAX_PREMISES: usize = 6;

fn ground(f: &Clause) -> GroundAtom {
    GroundAtom {
        pred: f.head.pred.clone(),
        args: f
            .head
            .args
            .iter()
            .filter_map(|t| match t {
                Term::Const(c) => Some(c.clone()),
                _ => None,
            })
            .collect(),
    }
}

/// The facts (as written) of every proof in `a` that come from `:assume`.
pub(super) fn assumed_in(a: &Answer) -> Vec<String> {
    let mut out = Vec::new();
    for p in a.proofs() {
        p.walk(&mut |n: &Proof| {
            if let (Justification::Fact { location, .. }, Some(atom)) = (&n.by, &n.atom)
                && location.file == ASSUMPTIONS
            {
                let s = atom.to_string();
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        });
    }
    out
}

/// A text answer with its assumptions marked: the verdict line says which it rests on, and
/// each assumed fact of a proof reads `[assumed with :assume]` instead of its place.
pub(super) fn mark_assumed(text: &str, assumed: &[String]) -> String {
    if assumed.is_empty() {
        return text.to_string();
    }
    let marker = regex::Regex::new(&format!(
        r"\[fact, {}:\d+:\d+\]",
        regex::escape(ASSUMPTIONS)
    ))
    .expect("a valid pattern");
    let text = marker.replace_all(text, "[assumed with :assume]");
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    format!("{first}   (assuming {})\n{rest}", assumed.join(", "))
}

impl ReplSession {
    /// Parses `arg` as facts; the outcome to print otherwise.
    fn facts_of(&mut self, arg: &str, what: &str) -> Result<Vec<Clause>, Outcome> {
        let file = self.session.kb.sources.add(format!("<{what}>"), arg);
        let program = parse_kb(arg, file).map_err(|d| Outcome::failed(self.errors(&[d])))?;
        if program.clauses.is_empty()
            || program.clauses.iter().any(|c| !c.is_fact())
            || !program.sources.is_empty()
        {
            return Err(Outcome::failed(format!(
                "usage: :{what} FACT.  (ground facts only, e.g. :{what} status(peer_cache, supported, unconditional).)\n"
            )));
        }
        Ok(program.clauses)
    }

    /// A warning for each fact whose predicate nothing in the knowledge base defines or
    /// reads: such an assumption changes no answer, and is most often a typo.
    fn unread(&self, facts: &[Clause]) -> String {
        let preds = &self.kb().checked.preds;
        let mut out = String::new();
        for f in facts {
            let name = f.head.pred.as_str();
            if preds.contains_key(name) {
                continue;
            }
            let hint = did_you_mean(name, preds.keys().map(|p| p.as_str()))
                .map_or(String::new(), |p| format!("; {}", did_you_mean_text(&[p])));
            out.push_str(&format!(
                "warning: the knowledge base has no predicate `{name}`: assuming {f} changes no answer{hint}\n"
            ));
        }
        out
    }

    /// A warning for each fact that agrees with a tuple already there on a declared key and
    /// differs from it elsewhere (`key(client)`: one value per client): the assumption is
    /// added beside that tuple, not in its place, so both hold; the warning names the key and
    /// the tuple's place, which `:retract` can set aside.
    fn key_conflicts(&mut self, facts: &[Clause]) -> String {
        let mut out = String::new();
        for f in facts {
            let atom = ground(f);
            let Some(p) = self.kb().checked.preds.get(atom.pred.as_str()) else {
                continue;
            };
            let keys: Vec<_> = p.keys.clone();
            let names: Vec<String> = (0..atom.args.len()).map(|i| p.column(i)).collect();
            let rows = self.kb().rows_of(&atom.pred);
            for key in keys {
                let clash = rows.iter().find(|row| {
                    row.len() == atom.args.len()
                        && **row != atom.args
                        && key.iter().all(|&i| row[i] == atom.args[i])
                });
                let Some(row) = clash else { continue };
                let other = GroundAtom {
                    pred: atom.pred.clone(),
                    args: row.clone(),
                };
                let place = self.place_of(&other);
                let key: Vec<&str> = key.iter().map(|&i| names[i].as_str()).collect();
                out.push_str(&format!(
                    "warning: `{}` has the key ({}), and {other}{place} has that key's value already: assuming {f} adds a second tuple beside it, not in its place (`:retract {other}.` first to replace it)\n",
                    atom.pred,
                    key.join(", "),
                ));
            }
        }
        out
    }

    /// ` [FILE:LINE:COL]` of a fact `atom`, as its proof places it; empty if none.
    fn place_of(&mut self, atom: &GroundAtom) -> String {
        let Ok(Answer::Why(w)) = self.session.ask(&format!("why {atom}"), self.opts) else {
            return String::new();
        };
        w.proofs
            .first()
            .and_then(|p| match &p.by {
                Justification::Fact { location, .. } if location.file == ASSUMPTIONS => {
                    Some(" [assumed]".to_string())
                }
                Justification::Fact { location, .. } => Some(format!(" [{location}]")),
                _ => None,
            })
            .unwrap_or_default()
    }

    pub(super) fn assume(&mut self, arg: &str) -> Outcome {
        let facts = match self.facts_of(arg, "assume") {
            Ok(f) => f,
            Err(e) => return e,
        };
        let warnings = format!("{}{}", self.unread(&facts), self.key_conflicts(&facts));
        let (before_assumed, before_retracted) = (self.assumed.clone(), self.retracted.clone());
        let (mut assumed, mut restored) = (Vec::new(), Vec::new());
        for f in &facts {
            let atom = ground(f);
            // A fact set aside by `:retract` is put back, not assumed beside its own filter.
            if let Some(i) = self.retracted.iter().position(|r| *r == atom) {
                self.retracted.remove(i);
                restored.push(f.to_string());
            } else {
                self.assumed.push(f.to_string());
                assumed.push(f.to_string());
            }
        }
        let out = self.rebuild();
        if out.failed {
            (self.assumed, self.retracted) = (before_assumed, before_retracted);
            return out;
        }
        let mut said = String::new();
        if !restored.is_empty() {
            said.push_str(&format!(
                "restored {} (it was set aside by `:retract`)\n",
                restored.join(" ")
            ));
        }
        if !assumed.is_empty() {
            said.push_str(&format!(
                "assumed {} (`:retract` takes it back)\n",
                assumed.join(" ")
            ));
        }
        Outcome::ok(format!("{warnings}{said}"))
    }

    pub(super) fn retract(&mut self, arg: &str) -> Outcome {
        let facts = match self.facts_of(arg, "retract") {
            Ok(f) => f,
            Err(e) => return e,
        };
        let mut done = Vec::new();
        for f in facts {
            let text = f.to_string();
            let atom = ground(&f);
            if let Some(i) = self.assumed.iter().position(|a| *a == text) {
                self.assumed.remove(i);
                done.push(format!("took back the assumption {text}"));
            } else if self.kb().is_retractable_fact(&atom.pred, &atom.args) {
                self.retracted.push(atom);
                done.push(format!("set aside {text} (`:reset` restores it)"));
            } else {
                return Outcome::failed(self.not_retractable(&atom));
            }
        }
        let out = self.rebuild();
        if out.failed {
            out
        } else {
            Outcome::ok(format!("{}\n", done.join("\n")))
        }
    }

    /// Why `atom` cannot be retracted: derived by rules (with the facts its proof rests on,
    /// which can be), or not a tuple of the knowledge base at all.
    fn not_retractable(&mut self, atom: &GroundAtom) -> String {
        let Ok(Answer::Why(w)) = self.session.ask(&format!("why {atom}"), self.opts) else {
            return format!(
                "no fact {atom}. to retract: neither assumed nor in the knowledge base\n"
            );
        };
        if !w.holds {
            return format!(
                "no fact {atom}. to retract: neither assumed nor in the knowledge base\n"
            );
        }
        let mut premises: Vec<String> = Vec::new();
        for p in &w.proofs {
            p.walk(&mut |n: &Proof| {
                if let (Justification::Fact { location, .. }, Some(a)) = (&n.by, &n.atom) {
                    let how = if location.file == ASSUMPTIONS {
                        "assumed".to_string()
                    } else {
                        location.to_string()
                    };
                    let s = format!("  :retract {a}.   [{how}]");
                    if !premises.contains(&s) {
                        premises.push(s);
                    }
                }
            });
        }
        let more = premises.len().saturating_sub(MAX_PREMISES);
        premises.truncate(MAX_PREMISES);
        let mut out = format!(
            "{atom} is derived by rules, not written as a fact: retracting it would not stop the rules deriving it again.\n"
        );
        if premises.is_empty() {
            out.push_str("(its proof rests on no fact: `why` shows it)\n");
        } else {
            out.push_str("To take it back, retract a fact its proof rests on:\n");
            out.push_str(&premises.join("\n"));
            out.push('\n');
            if more > 0 {
                out.push_str(&format!("  … and {more} more (`why {atom}` shows them)\n"));
            }
        }
        out
    }
}
