//! Aggregate tables: before a stratum runs, the value of each aggregate it reads, for every
//! group of the aggregate's auxiliary relation (complete: a lower stratum). A group with no
//! tuples is not in the table: `count` and `sum` give 0 there, `min` and `max` nothing.

use super::operators::Ctx;
use crate::engine::functions;
use crate::engine::model::Layered;
use crate::ir::{AggOp, Const, Id, Pred};
use crate::plan::{RulePlan, Transform};
use std::collections::{BTreeSet, HashMap};

/// Which aggregate of which relation: the relation, the function, the value column and the
/// number of group columns.
pub(super) type TableKey = (Pred, AggOp, Option<usize>, usize);

/// Group values → the aggregate's value, or `None` when it has none (an overflowing sum).
pub(super) type Table = HashMap<Vec<Id>, Option<Id>>;

/// Fills `ctx`'s tables for the aggregates the rules of `preds` read.
pub(super) fn prepare(
    ctx: &Ctx<'_>,
    plans: &[RulePlan],
    preds: &BTreeSet<&Pred>,
    layered: Layered<'_>,
) {
    for plan in plans.iter().filter(|p| preds.contains(&p.head_pred)) {
        for seg in &plan.segments {
            for t in &seg.transforms {
                if let Transform::Aggregate {
                    op,
                    pred,
                    value,
                    group,
                } = t
                {
                    let key = (pred.clone(), *op, *value, group.len());
                    if !ctx.tables.borrow().contains_key(&key) {
                        let table = build(ctx, plan.rule, &key, layered);
                        ctx.tables.borrow_mut().insert(key, table);
                    }
                }
            }
        }
    }
}

fn build(ctx: &Ctx<'_>, rule: usize, key: &TableKey, layered: Layered<'_>) -> Table {
    let (pred, op, value, width) = key;
    let mut groups: HashMap<Vec<Id>, Vec<Id>> = HashMap::new();
    if let Some(rel) = layered.relation(pred) {
        for row in rel.rows() {
            groups
                .entry(row[..*width].to_vec())
                .or_default()
                .push(value.map_or(0, |c| row[c]));
        }
    }
    let mut table = Table::with_capacity(groups.len());
    for (group, ids) in groups {
        let v = {
            let interner = ctx.interner.borrow();
            let values: Vec<&Const> = ids.iter().map(|&i| interner.value(i)).collect();
            functions::aggregate(*op, values)
        };
        let id = match v {
            Ok(Some(c)) => Some(ctx.interner.borrow_mut().intern(&c)),
            Ok(None) => None,
            Err(err) => {
                let shown: Vec<String> = {
                    let interner = ctx.interner.borrow();
                    group
                        .iter()
                        .map(|&i| interner.value(i).to_string())
                        .collect()
                };
                ctx.warnings.borrow_mut().entry(rule).or_insert_with(|| {
                    format!(
                        "{} has no value for the group ({}): {err} (the aggregate fails there)",
                        op.as_str(),
                        shown.join(", ")
                    )
                });
                None
            }
        };
        table.insert(group, id);
    }
    table
}

impl Ctx<'_> {
    /// The value of an aggregate for one group's values; `None` when it has none.
    pub(super) fn aggregate_value(&self, key: &TableKey, group: &[Id]) -> Option<Id> {
        if let Some(found) = self.tables.borrow().get(key).and_then(|t| t.get(group)) {
            return *found;
        }
        match key.1 {
            AggOp::Count | AggOp::Sum => Some(self.interner.borrow_mut().intern(&Const::Int(0))),
            AggOp::Min | AggOp::Max => None,
        }
    }
}
