//! A question about a subject of the inputs: `blocked? 99` with an inventory whose
//! `clients.csv` has no resource id 99 says so (`no row of clients.csv has resource_id
//! `99``), as a why-not report does, rather than pointing at the document's words; about a
//! subject a row does hold (`blocked? 16777220` of a client nothing is found against), it
//! names that row rather than suggesting other subjects. Which file holds such subjects: a
//! headed input whose predicate declares a one-column key of the same name and type as the
//! question's first column (`blocked(client: integer, …)` and `inventory_client(client:
//! integer) key(client)`), answered from the rows as read at load.

use super::session::Session;
use crate::check::PredInfo;
use crate::syntax as ast;

/// What the input files say of a question's subject: the files that would hold it and have
/// no row of it, or the rows that do hold it.
#[derive(Debug, Default)]
pub(super) struct SubjectRows {
    /// `no row of FILE has COLUMN `VALUE``, one per file (empty when some file holds it).
    pub absent: Vec<String>,
    /// `FILE:LINE has COLUMN `VALUE``, one per row holding it.
    pub held: Vec<String>,
}

impl Session {
    /// For a question about `pred` whose first argument is the constant `args[0]`: what the
    /// input files that would hold that subject say of it ([`SubjectRows`]; both lists
    /// empty when no file would hold it).
    pub(super) fn subject_rows(&self, info: &PredInfo, args: &[ast::Term]) -> SubjectRows {
        let mut rows = SubjectRows::default();
        let Some(ast::Term::Const(subject)) = args.first() else {
            return rows;
        };
        let (name, ty) = (info.column(0), info.types.first().copied().flatten());
        let id = self.kb.interner.get(subject);
        let mut absent: Vec<String> = Vec::new();
        for (pred, files) in &self.kb.fact_files {
            let Some(input) = pred.user_name().and_then(|p| self.kb.checked.preds.get(p)) else {
                continue;
            };
            for file in files {
                let Some(header) = &file.header else {
                    continue;
                };
                for (key, index) in &file.keys {
                    let [k] = key.iter().copied().collect::<Vec<_>>()[..] else {
                        continue;
                    };
                    if input.column(k) != name || input.types.get(k).copied().flatten() != ty {
                        continue;
                    }
                    if let Some(line) = id.and_then(|id| index.line(&[id])) {
                        let said = format!(
                            "{}:{line} has {} `{}`",
                            file.path.display(),
                            header[k],
                            subject.plain_text()
                        );
                        if !rows.held.contains(&said) {
                            rows.held.push(said);
                        }
                        continue;
                    }
                    let said = format!(
                        "no row of {} has {} `{}`",
                        file.path.display(),
                        header[k],
                        subject.plain_text()
                    );
                    if !absent.contains(&said) {
                        absent.push(said);
                    }
                }
            }
        }
        if rows.held.is_empty() {
            rows.absent = absent;
        }
        rows
    }
}
