//! Fuzz target `block`: see `onebook_tests::fuzz::block`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onebook_tests::fuzz::block(data));
