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
/// borrowed from a knowledge base when written, owned when read back.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored<'a> {
    sources: Cow<'a, SourceMap>,
    texts: Cow<'a, [SourceText]>,
    checked: Cow<'a, CheckedKb>,
    rules: Cow<'a, [Rule]>,
    model: Cow<'a, Model>,
    interner: Cow<'a, Interner>,
    fact_files: Cow<'a, FactFiles>,
    input_warnings: Cow<'a, [Diagnostic]>,
    pinned: Cow<'a, [(String, LoadedText)]>,
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
    crate::source::fnv::extend(crate::source::fnv::START, bytes.iter().copied())
}

fn encode(kb: &KnowledgeBase) -> Option<Vec<u8>> {
    let mut bytes = postcard::to_allocvec(&Stored {
        sources: Cow::Borrowed(&kb.sources),
        texts: Cow::Borrowed(&kb.texts),
        checked: Cow::Borrowed(&kb.checked),
        rules: Cow::Borrowed(&kb.rules),
        model: Cow::Borrowed(&kb.model),
        interner: Cow::Borrowed(&kb.interner),
        fact_files: Cow::Borrowed(&kb.fact_files),
        input_warnings: Cow::Borrowed(&kb.input_warnings),
        pinned: Cow::Borrowed(&kb.pinned),
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
    Some(KnowledgeBase {
        sources: s.sources.into_owned(),
        texts: s.texts.into_owned(),
        checked: s.checked.into_owned(),
        rules: s.rules.into_owned(),
        model: s.model.into_owned(),
        interner: s.interner.into_owned(),
        config,
        fact_files: s.fact_files.into_owned(),
        input_warnings: s.input_warnings.into_owned(),
        pinned: s.pinned.into_owned(),
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
    let bytes = std::fs::read(cache_file(&cache_dir()?)).ok()?;
    decode(&bytes, config.clone())
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
