//! Declared keys: `decl p(a, b, c) key(a, c)` says that the key columns determine the others.
//! A model breaks a key when two of its tuples agree on a key and differ elsewhere: that is a
//! warning of `check`, naming both tuples and what they cite. Questions read keys to decide
//! "no" (see the question stage).

use super::kb::KnowledgeBase;
use crate::engine::Layered;
use crate::explain::Explainer;
use crate::ir::{Const, Pred};
use crate::source::{Code, Diagnostic};
use std::collections::BTreeMap;

/// Most violations reported per key.
const MAX_REPORTED: usize = 3;

impl KnowledgeBase {
    /// One warning per pair of tuples that break a declared key (at most a few per key).
    pub fn key_violations(&self) -> Vec<Diagnostic> {
        let ex = Explainer::new(
            &self.checked,
            &self.sources,
            &self.rules,
            Layered::new(&self.model, None),
            &self.interner,
        )
        .with_fact_files(&self.fact_files);
        let mut out = Vec::new();
        for info in self.checked.preds.values() {
            let rows = self.rows_of(&info.name);
            for key in &info.keys {
                let mut seen: BTreeMap<Vec<&Const>, &Vec<Const>> = BTreeMap::new();
                let mut reported = 0;
                for row in &rows {
                    let k: Vec<&Const> = key.iter().map(|&i| &row[i]).collect();
                    let Some(first) = seen.get(&k) else {
                        seen.insert(k, row);
                        continue;
                    };
                    if reported == MAX_REPORTED {
                        break;
                    }
                    reported += 1;
                    let cols: Vec<String> = key.iter().map(|&i| info.column(i)).collect();
                    let show = |r: &[Const]| {
                        let atom = format!(
                            "{}({})",
                            info.name,
                            r.iter()
                                .map(Const::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                        let cites: Vec<String> = ex
                            .prove(&Pred::user(&info.name), r)
                            .map(|p| {
                                p.quotes()
                                    .iter()
                                    .map(|q| match q.line {
                                        Some(l) => format!("{} line {l}", q.source),
                                        None => q.source.clone(),
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        if cites.is_empty() {
                            atom
                        } else {
                            format!("{atom} (citing {})", cites.join(", "))
                        }
                    };
                    out.push(
                        Diagnostic::warning(
                            Code::KeyViolation,
                            format!(
                                "`{}` breaks its key ({}): {} and {}",
                                info.name,
                                cols.join(", "),
                                show(first),
                                show(row)
                            ),
                            info.span,
                        )
                        .with_help("the key says one answer per key value: fix the facts or rules, or the key"),
                    );
                }
            }
        }
        out
    }
}
