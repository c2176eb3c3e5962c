//! Handles: an explanation cut by a depth limit gives each cut node a number `#K`, and
//! `why #K` asks the query behind it. A handle stands for a typed goal, never for text to
//! parse again; the text shown with it (`why ATOM`) is also a query any later command can
//! ask.

use super::answer::{Answer, QueryError};
use super::session::Session;
use crate::explain::{BlockCause, GroundAtom, Proof, WhyNot};
use crate::ir::Const;
use crate::source::{Code, Diagnostic, Span};
use crate::syntax::{Atom, Query, Term};

/// What a handle stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Handle {
    /// `why ATOM`: the proof of a tuple whose premises were cut.
    Why(GroundAtom),
    /// `why not GOAL`: a why-not report the depth stopped.
    WhyNot {
        pred: String,
        args: Vec<Option<Const>>,
    },
}

impl Handle {
    fn query(&self, span: Span) -> Query {
        match self {
            Handle::Why(a) => Query::Why(Atom {
                pred: a.pred.clone(),
                args: a.args.iter().cloned().map(Term::Const).collect(),
                span,
                arg_spans: Vec::new(),
            }),
            Handle::WhyNot { pred, args } => Query::WhyNot(Atom {
                pred: pred.clone(),
                args: args
                    .iter()
                    .map(|a| a.clone().map_or(Term::Wildcard, Term::Const))
                    .collect(),
                span,
                arg_spans: Vec::new(),
            }),
        }
    }
}

impl Session {
    /// Cuts every proof of `a` below `depth` levels, and registers a handle for each cut node
    /// and for each why-not report the depth stopped.
    pub(super) fn cut_answer(&mut self, a: &mut Answer, depth: usize) {
        let mut proofs: Vec<&mut Proof> = Vec::new();
        let mut stopped: Vec<&mut WhyNot> = Vec::new();
        match a {
            Answer::Question(q) => proofs.extend(
                q.proofs
                    .iter_mut()
                    .chain(q.instead.iter_mut())
                    .chain(q.stated.iter_mut()),
            ),
            Answer::Bindings(b) => proofs.extend(b.proofs.iter_mut().flatten()),
            Answer::Why(w) | Answer::WhyNot(w) => {
                proofs.extend(w.proofs.iter_mut());
                if let Some(n) = &mut w.why_not {
                    why_not_parts(n, &mut proofs, &mut stopped);
                }
            }
        }
        for p in proofs {
            cut_proof(p, depth, &mut self.handles);
        }
        for w in stopped {
            self.handles.push(Handle::WhyNot {
                pred: w.pred.clone(),
                args: w.args.clone(),
            });
            w.handle = Some(self.handles.len());
        }
    }

    /// The query behind handle `#number`.
    pub(super) fn resolve_handle(
        &mut self,
        number: usize,
        span: Span,
    ) -> Result<Query, QueryError> {
        match number.checked_sub(1).and_then(|i| self.handles.get(i)) {
            Some(h) => Ok(h.query(span)),
            None => {
                let help = if self.handles.is_empty() {
                    "handles come from explanations cut by --depth (or :depth) in the same session; \
                     a separate command can ask the `why …` shown beside the handle"
                        .to_string()
                } else {
                    format!("handles so far: #1 to #{}", self.handles.len())
                };
                let d = Diagnostic::error(
                    Code::NoHandle,
                    format!("there is no handle #{number}"),
                    span,
                )
                .with_help(help);
                Err(QueryError::Invalid(vec![d]))
            }
        }
    }
}

/// The proofs inside a why-not report and the reports (at any level) the depth stopped.
fn why_not_parts<'a>(
    w: &'a mut WhyNot,
    proofs: &mut Vec<&'a mut Proof>,
    stopped: &mut Vec<&'a mut WhyNot>,
) {
    if w.depth_limited {
        stopped.push(w);
        return;
    }
    proofs.extend(w.instead.iter_mut());
    for t in &mut w.rules {
        match &mut t.blocked.cause {
            BlockCause::BlockedBy { proof } => proofs.push(proof),
            BlockCause::Missing { why_not } => why_not_parts(why_not, proofs, stopped),
            BlockCause::Fails
            | BlockCause::Undefined { .. }
            | BlockCause::Reached { .. }
            | BlockCause::Circular => {}
        }
    }
}

/// Replaces the premises of nodes `depth` levels down by a handle that `why #K` expands.
fn cut_proof(p: &mut Proof, depth: usize, handles: &mut Vec<Handle>) {
    if p.premises.is_empty() {
        return;
    }
    if depth == 0 {
        if let Some(atom) = &p.atom {
            handles.push(Handle::Why(atom.clone()));
            p.handle = Some(handles.len());
            p.premises.clear();
        }
        return;
    }
    for q in &mut p.premises {
        cut_proof(q, depth - 1, handles);
    }
}
