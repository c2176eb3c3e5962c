//! Literal semantics on binding rows: the comparisons, built-ins and assignments of a
//! segment, applied to each row as it is made (the meaning itself is in
//! [`crate::engine::functions`]).

use super::operators::Ctx;
use crate::engine::functions::{self, ArithError};
use crate::ir::{Const, Id};
use crate::plan::{CExpr, Transform};

impl Ctx<'_> {
    fn value(&self, e: &CExpr, row: &[Id]) -> Result<Const, ArithError> {
        match e {
            CExpr::Slot(s) => Ok(self.interner.borrow().value(row[*s]).clone()),
            CExpr::Const(c) => Ok(self.interner.borrow().value(*c).clone()),
            CExpr::Binary(l, op, r) => {
                let int = |c: Const| match c {
                    Const::Int(i) => Ok(i),
                    other => Err(ArithError::NotAnInteger(other)),
                };
                let a = int(self.value(l, row)?)?;
                let b = int(self.value(r, row)?)?;
                functions::arith(*op, a, b).map(Const::Int)
            }
        }
    }

    fn warn(&self, rule: usize, err: ArithError, row: &[Id]) {
        // Non-integer operands simply make the literal fail; overflow deserves a word.
        if matches!(err, ArithError::NotAnInteger(_)) {
            return;
        }
        self.warnings.borrow_mut().entry(rule).or_insert_with(|| {
            let vals: Vec<String> = row
                .iter()
                .map(|&i| self.interner.borrow().value(i).to_string())
                .collect();
            format!(
                "{err} (the literal fails for the binding ({}))",
                vals.join(", ")
            )
        });
    }

    /// Applies the transforms to the row in `buf`; false when a filter drops it.
    pub(super) fn apply(&self, transforms: &[Transform], buf: &mut Vec<Id>, rule: usize) -> bool {
        for t in transforms {
            match t {
                Transform::Cmp(l, op, r) => match (self.value(l, buf), self.value(r, buf)) {
                    (Ok(a), Ok(b)) => {
                        if !functions::compare(&a, *op, &b) {
                            return false;
                        }
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        self.warn(rule, e, buf);
                        return false;
                    }
                },
                Transform::Builtin {
                    builtin,
                    args,
                    negated,
                    regex,
                } => {
                    let vals: Result<Vec<Const>, _> =
                        args.iter().map(|a| self.value(a, buf)).collect();
                    let holds = vals.is_ok_and(|v| functions::test(*builtin, &v, regex.as_ref()));
                    if holds == *negated {
                        return false;
                    }
                }
                Transform::Assign(e) => match self.value(e, buf) {
                    Ok(v) => {
                        let id = self.interner.borrow_mut().intern(&v);
                        buf.push(id);
                    }
                    Err(err) => {
                        self.warn(rule, err, buf);
                        return false;
                    }
                },
                Transform::Aggregate {
                    op,
                    pred,
                    value,
                    group,
                } => {
                    let ids: Vec<Id> = group
                        .iter()
                        .map(|e| match e {
                            CExpr::Slot(s) => buf[*s],
                            CExpr::Const(c) => *c,
                            CExpr::Binary(..) => Id::MAX,
                        })
                        .collect();
                    let key = (pred.clone(), *op, *value, group.len());
                    let Some(id) = self.aggregate_value(&key, &ids) else {
                        return false;
                    };
                    buf.push(id);
                }
                Transform::Compute { builtin, inputs } => {
                    let vals: Result<Vec<Const>, _> =
                        inputs.iter().map(|a| self.value(a, buf)).collect();
                    let Some(v) = vals.ok().and_then(|v| functions::compute(*builtin, &v)) else {
                        return false;
                    };
                    let id = self.interner.borrow_mut().intern(&v);
                    buf.push(id);
                }
            }
        }
        true
    }
}
