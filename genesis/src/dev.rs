//! The published, insecure key derivation of dev networks.

use onebook_types::{keys::SecretKey, suite::Suite};

/// The ASCII prefix hashed before a dev key's label.
pub const DEV_KEY_PREFIX: &str = "onebook dev key: ";

/// The dev key named `label`: its seed is `BLAKE3("onebook dev key: " || label)`.
///
/// **These keys are public.** Anyone who knows the label (and the labels are written in the
/// genesis file) can sign as the key. Use them only on networks whose genesis sets
/// `dev_only: true`, for tests, demos and local testnets; validation refuses a `dev_label` in
/// any other genesis file. Never use a dev key on a network that holds real data.
pub fn dev_secret(label: &str) -> SecretKey {
    dev_secret_in(Suite::Ed25519Blake3, label)
}

/// The dev key named `label` in `suite`: its seed is the suite's digest (BLAKE3 or SM3) of
/// `"onebook dev key: " || label`. An SM2 seed outside `[1, n − 2]` (a chance of about 2⁻³²) is
/// hashed again with the suite's digest until it is in range. The same warning as
/// [`dev_secret`] applies: these keys are public.
pub fn dev_secret_in(suite: Suite, label: &str) -> SecretKey {
    let mut input = DEV_KEY_PREFIX.as_bytes().to_vec();
    input.extend_from_slice(label.as_bytes());
    let mut seed = suite.digest(&input);
    loop {
        match SecretKey::from_seed_in(suite, seed) {
            Ok(key) => return key,
            Err(_) => seed = suite.digest(&seed),
        }
    }
}
