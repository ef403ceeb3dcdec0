//! Fuzz target `tx`: see `onebook_tests::fuzz::tx`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onebook_tests::fuzz::tx(data));
