//! Plans as text, one line per step:
//!
//! ```text
//! tc(X, Z) :- tc(X, Y), edge(Y, Z).
//!   scan tc(new, new)
//!   join edge(key, new) on 1 key column, keeping 1
//!   head tc(slot 1, slot 2)
//! ```

use super::{AtomShape, CExpr, HeadArg, Pat, RulePlan, Start, Transform};
use crate::ir::Interner;
use std::fmt::Write;

fn pats(shape: &AtomShape, interner: &Interner) -> String {
    let args: Vec<String> = shape
        .pats
        .iter()
        .map(|p| match p {
            Pat::Const(id) => interner.value(*id).to_string(),
            Pat::Key => "key".into(),
            Pat::New => "new".into(),
            Pat::Same(j) => format!("=arg{}", j + 1),
            Pat::Any => "_".into(),
        })
        .collect();
    format!("{}({})", shape.pred, args.join(", "))
}

fn cexpr(e: &CExpr, interner: &Interner) -> String {
    match e {
        CExpr::Slot(s) => format!("#{s}"),
        CExpr::Const(id) => interner.value(*id).to_string(),
        CExpr::Binary(l, op, r) => {
            let sym = match op {
                crate::ir::ArithOp::Add => "+",
                crate::ir::ArithOp::Sub => "-",
                crate::ir::ArithOp::Mul => "*",
                crate::ir::ArithOp::Div => "/",
                crate::ir::ArithOp::Rem => "mod",
            };
            format!("({} {sym} {})", cexpr(l, interner), cexpr(r, interner))
        }
    }
}

/// The steps of `plan`, indented by two spaces; slots of the binding row are `#0`, `#1`, ….
/// One line per segment start and per transform, in order: a flat list of arms, kept as one
/// piece so the printed order is the order read.
pub fn plan_text(plan: &RulePlan, interner: &Interner) -> String {
    let mut out = String::new();
    for seg in &plan.segments {
        let _ = match &seg.start {
            Start::Scan(s) => writeln!(out, "  scan {}", pats(s, interner)),
            Start::Unit => writeln!(out, "  start with one empty row"),
            Start::Join(s) => writeln!(
                out,
                "  join {} on {}, row #0..#{}",
                pats(s, interner),
                crate::source::plural_as(s.key_width(), "key column", "key columns"),
                seg.width.saturating_sub(1)
            ),
            Start::Anti(s) => writeln!(
                out,
                "  antijoin !{} on {}",
                pats(s, interner),
                crate::source::plural_as(s.key_width(), "key column", "key columns")
            ),
        };
        for t in &seg.transforms {
            let _ = match t {
                Transform::Cmp(l, op, r) => writeln!(
                    out,
                    "  filter {} {} {}",
                    cexpr(l, interner),
                    op.as_str(),
                    cexpr(r, interner)
                ),
                Transform::Builtin {
                    builtin,
                    args,
                    negated,
                    ..
                } => {
                    let a: Vec<String> = args.iter().map(|e| cexpr(e, interner)).collect();
                    writeln!(
                        out,
                        "  filter {}{}({})",
                        if *negated { "!" } else { "" },
                        builtin.name(),
                        a.join(", ")
                    )
                }
                Transform::Assign(e) => writeln!(out, "  bind #new = {}", cexpr(e, interner)),
                Transform::Compute { builtin, inputs } => {
                    let a: Vec<String> = inputs.iter().map(|e| cexpr(e, interner)).collect();
                    writeln!(out, "  bind #new = {}({})", builtin.name(), a.join(", "))
                }
                Transform::Aggregate {
                    op,
                    pred,
                    value,
                    group,
                } => {
                    let g: Vec<String> = group.iter().map(|e| cexpr(e, interner)).collect();
                    let of = value.map_or(String::new(), |c| format!(" of column {}", c + 1));
                    writeln!(
                        out,
                        "  bind #new = {}{of} over {pred} where [{}]",
                        op.as_str(),
                        g.join(", ")
                    )
                }
            };
        }
        if let Some(b) = &seg.next {
            let slots = |v: &[usize]| {
                v.iter()
                    .map(|s| format!("#{s}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(
                out,
                "  → key [{}], carry [{}]",
                slots(&b.key),
                slots(&b.rest)
            );
        }
    }
    let head: Vec<String> = plan
        .head
        .iter()
        .map(|h| match h {
            HeadArg::Slot(s) => format!("#{s}"),
            HeadArg::Const(id) => interner.value(*id).to_string(),
        })
        .collect();
    let _ = writeln!(out, "  head {}({})", plan.head_pred, head.join(", "));
    out
}
