//! Fuzz target `gossip_batch`: see `onebook_tests::fuzz::gossip_batch`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| onebook_tests::fuzz::gossip_batch(data));
