//! One query, and a query file: parse. Must never panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| supportkb::fuzzing::parse_query(data));
