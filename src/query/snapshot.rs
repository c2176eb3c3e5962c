//! The embedded knowledge base, loaded once and kept: a start-up that neither re-parses nor
//! re-checks nor re-evaluates the embedded texts. [`KnowledgeBase::embedded`] stores what a
//! full load of the embedded texts produced (parsed, checked, rewritten, evaluated) in a cache
//! file, and later starts read it back instead of loading again.
//!
//! A cache file is used only if it was written by this very build from these very texts:
//! its name is the build's key (a hash, made by `build.rs`, of the crate's sources, the
//! embedded files and `Cargo.lock`), and its contents end with a checksum of the rest. Any
//! other file, a truncated one, or one that does not decode is ignored and written anew.
//! So a cached start gives exactly the knowledge base a full load gives: the checker's
//! verdicts included, since the cache holds nothing a full load did not make.
//!
//! The texts the load read (the knowledge base's files, the pinned documents) are in the
//! binary already: one of those is stored as its place among the embedded files, its length
//! and its hash ([`Text`]), and taken from the binary when read back; a reference that does
//! not match the binary's file makes the cache file unusable. Any other text is stored whole.
//!
//! Where: `$SUPPORTKB_CACHE_DIR`, else `$XDG_CACHE_HOME/supportkb`, else
//! `$HOME/.cache/supportkb`. `SUPPORTKB_CACHE_DIR=off` turns the cache off.

use super::kb::{KnowledgeBase, LoadConfig, LoadTimings};
use crate::check::CheckedKb;
use crate::check::citations::LoadedText;
use crate::engine::Model;
use crate::explain::FactFiles;
use crate::ir::{Interner, Rule};
use crate::source::{Diagnostic, SourceMap, SourceText};
use std::borrow::Cow;
use std::path::PathBuf;

/// The build's key: a hash of everything a load of the embedded texts depends on.
const BUILD_KEY: &str = env!("SUPPORTKB_BUILD_KEY");

/// What a full load of the embedded texts made, but for its configuration and timings:
/// borrowed from a knowledge base when written, owned when read back. The texts as
/// [`Named`]: the source map's (its line starts are made again from them, as
/// [`SourceMap::add`] made them), the knowledge base's, the pinned ones (by source name).
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored<'a> {
    sources: Vec<Named<'a>>,
    texts: Vec<Named<'a>>,
    checked: Cow<'a, CheckedKb>,
    rules: Cow<'a, [Rule]>,
    model: Cow<'a, Model>,
    interner: Cow<'a, Interner>,
    fact_files: Cow<'a, FactFiles>,
    input_warnings: Cow<'a, [Diagnostic]>,
    pinned: Vec<(Cow<'a, str>, Named<'a>)>,
}

/// A text with its name (a source file's path, a pinned text's path as shown).
#[derive(serde::Serialize, serde::Deserialize)]
struct Named<'a> {
    name: Cow<'a, str>,
    text: Text<'a>,
}

/// A stored text: one of the binary's embedded files, by reference, or any other, whole.
#[derive(serde::Serialize, serde::Deserialize)]
enum Text<'a> {
    /// The embedded file at `place` ([`super::embedded`]'s order), whose contents have
    /// `len` bytes and the hash `hash` (`fnv::extend_words`).
    Embedded { place: u32, len: u64, hash: u64 },
    /// The text itself.
    Whole(Cow<'a, str>),
}

impl<'a> Named<'a> {
    fn of(name: &'a str, text: &'a str) -> Self {
        let text = match super::embedded::place_of(text).and_then(|p| u32::try_from(p).ok()) {
            Some(place) => Text::Embedded {
                place,
                len: text.len() as u64,
                hash: crate::source::fnv::extend_words(crate::source::fnv::START, text.as_bytes()),
            },
            None => Text::Whole(Cow::Borrowed(text)),
        };
        Named {
            name: Cow::Borrowed(name),
            text,
        }
    }

    /// The name and the text; `None` when a reference names no embedded file of this binary
    /// or one of other contents.
    fn into_parts(self) -> Option<(String, String)> {
        let text = match self.text {
            Text::Whole(t) => t.into_owned(),
            Text::Embedded { place, len, hash } => {
                let (text, made) = super::embedded::at(usize::try_from(place).ok()?)?;
                if text.len() as u64 != len || made != hash {
                    return None;
                }
                text.to_owned()
            }
        };
        Some((self.name.into_owned(), text))
    }
}

/// The cache folder, or `None` when the cache is off or no folder is known.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(dir) = var("SUPPORTKB_CACHE_DIR") {
        return (dir != "off").then(|| PathBuf::from(dir));
    }
    var("XDG_CACHE_HOME")
        .map(|d| PathBuf::from(d).join("supportkb"))
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache/supportkb")))
}

/// The cache file of this build, in `dir`.
pub fn cache_file(dir: &std::path::Path) -> PathBuf {
    dir.join(format!("embedded-{BUILD_KEY}.bin"))
}

/// Whether a load with `config` gives the same knowledge base as the default load: no facts
/// set aside or added, in memory, with limits no tighter than the defaults (under which the
/// stored load finished).
fn cacheable(config: &LoadConfig) -> bool {
    let defaults = crate::engine::EvalConfig::default();
    config.retracted.is_empty()
        && config.facts_dir.is_none()
        && config.inventory.is_none()
        && !config.tables_unread
        && matches!(config.engine, crate::sql::Engine::Memory)
        && config.eval.heights
        && config.eval.max_tuples >= defaults.max_tuples
        && config.eval.max_rows >= defaults.max_rows
}

/// A checksum against truncated or damaged files (not against tampering: a user who can
/// write the cache folder can replace the binary too).
fn checksum(bytes: &[u8]) -> u64 {
    crate::source::fnv::extend_words(crate::source::fnv::START, bytes)
}

fn encode(kb: &KnowledgeBase) -> Option<Vec<u8>> {
    let mut bytes = postcard::to_allocvec(&Stored {
        sources: (kb.sources.files().iter())
            .map(|f| Named::of(&f.name, &f.text))
            .collect(),
        texts: kb
            .texts
            .iter()
            .map(|t| Named::of(&t.name, &t.text))
            .collect(),
        checked: Cow::Borrowed(&kb.checked),
        rules: Cow::Borrowed(&kb.rules),
        model: Cow::Borrowed(&kb.model),
        interner: Cow::Borrowed(&kb.interner),
        fact_files: Cow::Borrowed(&kb.fact_files),
        input_warnings: Cow::Borrowed(&kb.input_warnings),
        pinned: (kb.pinned.iter())
            .map(|(source, t)| (Cow::Borrowed(source.as_str()), Named::of(&t.path, &t.text)))
            .collect(),
    })
    .ok()?;
    let sum = checksum(&bytes);
    bytes.extend_from_slice(&sum.to_le_bytes());
    Some(bytes)
}

fn decode(bytes: &[u8], config: LoadConfig) -> Option<KnowledgeBase> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if checksum(body).to_le_bytes() != sum {
        return None;
    }
    let s: Stored = postcard::from_bytes(body).ok()?;
    let mut sources = SourceMap::default();
    for f in s.sources {
        let (name, text) = f.into_parts()?;
        sources.add(name, text);
    }
    let texts = (s.texts.into_iter())
        .map(|t| t.into_parts().map(|(name, text)| SourceText { name, text }))
        .collect::<Option<_>>()?;
    let pinned = (s.pinned.into_iter())
        .map(|(source, t)| {
            let (path, text) = t.into_parts()?;
            Some((source.into_owned(), LoadedText { path, text }))
        })
        .collect::<Option<_>>()?;
    Some(KnowledgeBase {
        sources,
        texts,
        checked: s.checked.into_owned(),
        rules: s.rules.into_owned(),
        model: s.model.into_owned(),
        interner: s.interner.into_owned(),
        config,
        fact_files: s.fact_files.into_owned(),
        input_warnings: s.input_warnings.into_owned(),
        pinned,
        timings: LoadTimings::default(),
        stored: None,
        notes: Vec::new(),
    })
}

/// The stored knowledge base of this build, if the cache holds a sound one and `config`
/// allows it.
pub fn read(config: &LoadConfig) -> Option<KnowledgeBase> {
    if !cacheable(config) {
        return None;
    }
    let _phase = crate::source::timings::phase(|| "read the cached knowledge base".into());
    decode(&read_bounded(&cache_file(&cache_dir()?))?, config.clone())
}

/// The most bytes a cache file is read to (it is about 130 KB): more is not one of ours.
const MAX_CACHE_BYTES: u64 = 64 << 20;

/// The bytes of `path` if it is a regular file (not a link to a device, a folder or a pipe)
/// of at most [`MAX_CACHE_BYTES`]; `None` otherwise, and the file is then written anew.
fn read_bounded(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read;
    // Asked before opening: opening a named pipe would wait for a writer.
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_CACHE_BYTES {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()?);
    file.take(MAX_CACHE_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_CACHE_BYTES).then_some(bytes)
}

/// Stores `kb` (a full load of the embedded texts with `config`) for later starts; any
/// failure (no folder, a read-only disk) only means the next start loads in full again.
pub fn write(kb: &KnowledgeBase, config: &LoadConfig) {
    if !cacheable(config) {
        return;
    }
    let (Some(dir), Some(bytes)) = (cache_dir(), encode(kb)) else {
        return;
    };
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    // Written aside and renamed: a reader never sees half a file.
    let file = cache_file(&dir);
    let aside = dir.join(format!(".{}.{}", BUILD_KEY, std::process::id()));
    if std::fs::write(&aside, bytes).is_ok() && std::fs::rename(&aside, &file).is_err() {
        let _ = std::fs::remove_file(&aside);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_load() -> KnowledgeBase {
        let config = LoadConfig::default();
        KnowledgeBase::load_in_full(super::super::embedded::sources(), config)
            .unwrap_or_else(|e| panic!("{}", e.sources.render(&e.diagnostics, false)))
    }

    #[test]
    fn a_stored_load_reads_back_as_it_was_without_its_texts_stored() {
        let kb = full_load();
        let bytes = encode(&kb).expect("encodes");
        for t in &kb.texts {
            let piece = &t.text.as_bytes()[..200.min(t.text.len())];
            assert!(
                !bytes.windows(piece.len()).any(|w| w == piece),
                "{} is stored whole",
                t.name
            );
        }
        let back = decode(&bytes, LoadConfig::default()).expect("decodes");
        assert_eq!(back.texts, kb.texts);
        assert_eq!(back.pinned, kb.pinned);
        assert!(
            !back.pinned.is_empty(),
            "the embedded knowledge base pins texts"
        );
        let files = |m: &SourceMap| {
            (m.files().iter())
                .map(|f| (f.name.clone(), f.text.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(files(&back.sources), files(&kb.sources));
        for (i, f) in kb.sources.files().iter().enumerate() {
            let end = crate::source::Span::new(i, f.text.len(), f.text.len());
            assert_eq!(back.sources.location(end), kb.sources.location(end));
        }
        assert_eq!(back.rules, kb.rules);
        assert_eq!(back.model.tuple_count(), kb.model.tuple_count());
        // Maps may encode in another order, never to another size.
        let again = encode(&back).expect("encodes again");
        assert_eq!(again.len(), bytes.len(), "the rest reads back unchanged");
    }

    #[test]
    fn a_reference_to_other_contents_is_refused() {
        let (text, hash) = super::super::embedded::at(0).expect("an embedded file");
        let named = |place, len, hash| Named {
            name: Cow::Borrowed("rules/cmg/00-sources.kb"),
            text: Text::Embedded { place, len, hash },
        };
        let len = text.len() as u64;
        let (_, read) = named(0, len, hash).into_parts().expect("the file itself");
        assert_eq!(read, text);
        assert!(
            named(0, len, hash ^ 1).into_parts().is_none(),
            "another hash"
        );
        assert!(
            named(0, len + 1, hash).into_parts().is_none(),
            "another length"
        );
        assert!(
            named(u32::MAX, len, hash).into_parts().is_none(),
            "no such file"
        );
        let other = Named::of("x.kb", "p(1).");
        assert!(matches!(other.text, Text::Whole(_)), "stored whole");
        assert_eq!(other.into_parts(), Some(("x.kb".into(), "p(1).".into())));
    }
}
