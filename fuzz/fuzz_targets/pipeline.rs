//! A small knowledge base and a query (split at the first NUL byte): parse, check, evaluate
//! under tight limits, answer, explain, check the proofs, render. Must never panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| supportkb::fuzzing::pipeline(data));
