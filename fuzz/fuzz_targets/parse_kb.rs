//! Knowledge-base text: parse, then check. Must never panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| supportkb::fuzzing::parse_kb(data));
