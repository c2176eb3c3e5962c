//! Stage 10 — audit: traces of an answer with every proof and the exact knowledge base that
//! gave it ([`trace`]), and their verification against today's knowledge base
//! ([`verify()`]).

pub mod trace;
pub mod verify;

pub use trace::{
    TRACE_SCHEMA, TRACE_SCHEMAS_READ, Trace, TraceOptions, TracedFile, TracedInputs, explain,
    sha256, traced_files, traced_inputs, traced_source_texts,
};
pub use verify::{Difference, FileCheck, FileStatus, ProofCheck, Verification, verify};
