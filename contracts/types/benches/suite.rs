//! Sign, verify and hash rates of each cryptographic suite, single-threaded, in the same run so
//! the figures compare: signatures over a 32-byte digest (what every Onebook signature covers),
//! verifications of those signatures (the national suite's include lifting the x-only key and
//! its `Z_A`), and domain-tagged hashes of 64-byte inputs (a tree node) and of 1 KiB (a tx).
//!
//! Run with `cargo bench -p onebook-types --bench suite`. Prints `suite_crypto suite=<name>
//! sign_per_s=.. verify_per_s=.. hash64_per_s=.. hash1k_mib_per_s=..`.
#![allow(clippy::disallowed_methods, reason = "a benchmark measures wall-clock time")]

use std::{hint::black_box, time::Instant};

use onebook_types::{hash::Tag, keys::SecretKey, suite::Suite};

const SIGNATURES: usize = 2_000;
const HASHES: usize = 200_000;

fn rate(count: usize, seconds: f64) -> f64 {
    count as f64 / seconds
}

fn main() {
    for suite in Suite::ALL {
        let keys: Vec<SecretKey> = (1..=16u8)
            .map(|n| SecretKey::from_seed_in(suite, [n; 32]).expect("a seed in range"))
            .collect();
        let digests: Vec<[u8; 32]> =
            (0..SIGNATURES).map(|i| suite.digest(&(i as u64).to_le_bytes())).collect();

        let start = Instant::now();
        let signatures: Vec<_> = digests
            .iter()
            .enumerate()
            .map(|(i, digest)| keys[i % keys.len()].sign(digest))
            .collect();
        let sign = rate(SIGNATURES, start.elapsed().as_secs_f64());

        let public: Vec<_> = keys.iter().map(SecretKey::public_key).collect();
        let start = Instant::now();
        for (i, (digest, signature)) in digests.iter().zip(&signatures).enumerate() {
            suite.verify(&public[i % keys.len()], digest, signature).expect("verifies");
        }
        let verify = rate(SIGNATURES, start.elapsed().as_secs_f64());

        let node = [7u8; 64];
        let start = Instant::now();
        for _ in 0..HASHES {
            black_box(suite.hash_tagged(Tag::StateNode, &[black_box(&node)]));
        }
        let hash64 = rate(HASHES, start.elapsed().as_secs_f64());

        let tx = [9u8; 1024];
        let rounds = HASHES / 10;
        let start = Instant::now();
        for _ in 0..rounds {
            black_box(suite.hash_tagged(Tag::Tx, &[black_box(&tx)]));
        }
        let mib = rate(rounds, start.elapsed().as_secs_f64()) / 1024.0;

        println!(
            "suite_crypto suite={suite} sign_per_s={sign:.0} verify_per_s={verify:.0} \
             hash64_per_s={hash64:.0} hash1k_mib_per_s={mib:.1}"
        );
    }
}
