//! A question about a subject the inputs have no row of: `blocked? 99` with an inventory
//! whose `clients.csv` has no resource id 99 says so (`no row of clients.csv has
//! resource_id `99``), as a why-not report does, rather than pointing at the document's
//! words. Which file holds such subjects: a headed input whose predicate declares a
//! one-column key of the same name and type as the question's first column
//! (`blocked(client: integer, …)` and `inventory_client(client: integer, …) key(client)`),
//! answered from the rows as read at load.

use super::session::Session;
use crate::check::PredInfo;
use crate::ir::Const;
use crate::syntax as ast;

impl Session {
    /// For a question about `pred` whose first argument is the constant `args[0]`: one
    /// sentence per input file that would hold that subject and has no row of it (none when
    /// some such file has one, or none would hold it).
    pub(super) fn absent_rows(&self, info: &PredInfo, args: &[ast::Term]) -> Vec<String> {
        let Some(ast::Term::Const(subject)) = args.first() else {
            return Vec::new();
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
                    if id.is_some_and(|id| index.line(&[id]).is_some()) {
                        return Vec::new();
                    }
                    let said = format!(
                        "no row of {} has {} `{}`",
                        file.path.display(),
                        header[k],
                        cell(subject)
                    );
                    if !absent.contains(&said) {
                        absent.push(said);
                    }
                }
            }
        }
        absent
    }
}

/// A cell's text: a string without its quotes.
fn cell(c: &Const) -> String {
    match c {
        Const::Str(s) => s.clone(),
        Const::Version(v) => v.to_string(),
        c => c.to_string(),
    }
}
