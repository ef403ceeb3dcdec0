//! Fuzz target `read_header`: see `onebook_tests::fuzz::read_header`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onebook_tests::fuzz::read_header(data));
