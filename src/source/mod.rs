//! Stage 0 — source: what every stage above shares about text and files. Positions
//! ([`Span`], [`SourceMap`], [`Location`]), diagnostics as data ([`Diagnostic`] with a
//! [`Code`]), and the file system: reading text files ([`read_text`], [`read_paths`]),
//! rows of TSV and CSV files ([`table`]), and writing files atomically ([`write_atomic`]).
//!
//! Nothing here knows the language: the stages above give these their meaning.

mod atomic;
mod diagnostic;
pub mod excerpt;
mod files;
pub mod fnv;
mod map;
mod span;
pub mod table;
pub mod timings;

pub use atomic::write_atomic;
pub use diagnostic::{Code, Diagnostic, Severity, plural, plural_as};
pub use files::{
    MAX_FILE_BYTES, SourceText, collect_files, io_reason, read_paths, read_text, sha256,
};
pub use map::{Location, SourceFile, SourceMap};
pub use span::Span;
