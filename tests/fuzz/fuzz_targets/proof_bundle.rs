//! Fuzz target `proof_bundle`: see `onebook_tests::fuzz::proof_bundle`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onebook_tests::fuzz::proof_bundle(data));
