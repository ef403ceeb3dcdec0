//! Fuzz target `config`: see `onebook_tests::fuzz::config`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onebook_tests::fuzz::config(data));
