//! Fuzz target `api_request`: see `onebook_tests::fuzz::api_request`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onebook_tests::fuzz::api_request(data));
