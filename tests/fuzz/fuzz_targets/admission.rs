//! Fuzz target `admission`: see `onebook_tests::fuzz::admission`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onebook_tests::fuzz::admission(data));
