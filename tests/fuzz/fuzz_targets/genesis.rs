//! Fuzz target `genesis`: see `onebook_tests::fuzz::genesis`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onebook_tests::fuzz::genesis(data));
