//! The published, insecure key derivation of dev networks.

use onebook_types::keys::SecretKey;

/// The ASCII prefix hashed before a dev key's label.
pub const DEV_KEY_PREFIX: &str = "onebook dev key: ";

/// The dev key named `label`: its seed is `BLAKE3("onebook dev key: " || label)`.
///
/// **These keys are public.** Anyone who knows the label (and the labels are written in the
/// genesis file) can sign as the key. Use them only on networks whose genesis sets
/// `dev_only: true`, for tests, demos and local testnets; validation refuses a `dev_label` in
/// any other genesis file. Never use a dev key on a network that holds real data.
pub fn dev_secret(label: &str) -> SecretKey {
    let mut hasher = blake3::Hasher::new();
    hasher.update(DEV_KEY_PREFIX.as_bytes());
    hasher.update(label.as_bytes());
    SecretKey::from_seed(*hasher.finalize().as_bytes())
}
