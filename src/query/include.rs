//! Includes: `include "common.kb".` reads another knowledge-base file, relative to the
//! including one (from the binary when the including file is the embedded knowledge
//! base's). A file included twice, or an include that closes a cycle, is an error naming
//! both places; diagnostics of an included file point into it. Including one of the files
//! the knowledge base was given as (a sibling in its folder) reads it once.

use crate::source::{Code, Diagnostic, SourceMap, SourceText, Span, read_text};
use crate::syntax::{Program, parse_kb};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Texts parsed so far, with what each was read as.
pub(super) struct Loaded {
    /// Every text read, in the order read (the source map's numbering).
    pub texts: Vec<SourceText>,
    /// Their statements together.
    pub program: Program,
    /// Syntax and include errors.
    pub errors: Vec<Diagnostic>,
}

/// The identity of a file: its canonical path when it exists on disk, else its name.
fn identity(name: &str) -> PathBuf {
    std::fs::canonicalize(name).unwrap_or_else(|_| PathBuf::from(name))
}

/// Parses `texts` and every file they include, into `sources`.
pub(super) fn load_all(texts: Vec<SourceText>, sources: &mut SourceMap) -> Loaded {
    let mut out = Loaded {
        texts: Vec::new(),
        program: Program::default(),
        errors: Vec::new(),
    };
    // Where each file was first read: `None` for a file given as such, else the include.
    let mut seen: HashMap<PathBuf, Option<Span>> = HashMap::new();
    for t in &texts {
        seen.insert(identity(&t.name), None);
    }
    for t in texts {
        let embedded = super::embedded::is_embedded(&t);
        add(t, embedded, sources, &mut out, &mut seen, &mut Vec::new());
    }
    out
}

fn add(
    t: SourceText,
    embedded: bool,
    sources: &mut SourceMap,
    out: &mut Loaded,
    seen: &mut HashMap<PathBuf, Option<Span>>,
    chain: &mut Vec<(PathBuf, String)>,
) {
    chain.push((identity(&t.name), t.name.clone()));
    let file = sources.add(t.name.clone(), t.text.clone());
    let parsed = parse_kb(&t.text, file);
    let name = t.name.clone();
    out.texts.push(t);
    let mut program = match parsed {
        Ok(p) => p,
        Err(d) => {
            out.errors.push(d);
            chain.pop();
            return;
        }
    };
    let includes = std::mem::take(&mut program.includes);
    out.program.extend(program);
    for inc in includes {
        let path = Path::new(&name)
            .parent()
            .unwrap_or(Path::new("."))
            .join(&inc.path);
        let shown = path.display().to_string();
        let id = identity(&shown);
        if let Some(at) = chain.iter().position(|(p, _)| *p == id) {
            let cycle: Vec<String> = chain[at..]
                .iter()
                .map(|(_, n)| n.clone())
                .chain([shown.clone()])
                .collect();
            out.errors.push(
                Diagnostic::error(
                    Code::Include,
                    format!("include cycle: {}", cycle.join(" -> ")),
                    inc.span,
                )
                .with_label("closes the cycle"),
            );
            continue;
        }
        if let Some(first) = seen.get(&id) {
            // A file of a folder given as the knowledge base, included by a sibling, is
            // read once, as one of the knowledge base's files.
            let Some(span) = first else { continue };
            let help = format!("it is first included at {}", sources.location(*span));
            out.errors.push(
                Diagnostic::error(
                    Code::Include,
                    format!("{shown} is included twice"),
                    inc.span,
                )
                .with_help(help),
            );
            continue;
        }
        let text = match super::embedded::file(&shown).filter(|_| embedded) {
            Some(text) => Ok(SourceText {
                name: shown.clone(),
                text: text.to_string(),
            }),
            None => read_text(&path),
        };
        match text {
            Ok(t) => {
                seen.insert(id, Some(inc.span));
                add(t, embedded, sources, out, seen, chain);
            }
            Err(d) => out.errors.push(
                Diagnostic::error(Code::Include, d.message, inc.span).with_label("included here"),
            ),
        }
    }
    chain.pop();
}
