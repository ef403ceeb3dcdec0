//! Ed25519 public keys and signatures as plain bytes, with strict verification.
//!
//! Keys and signatures travel as raw bytes (32 and 64) so the wire format names no library.
//! Verification uses `verify_strict`, which refuses small-order keys and non-canonical
//! signatures, so every node reaches the same verdict on every signature.

use std::fmt;

use borsh::{BorshDeserialize, BorshSerialize};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Why a signature did not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The 32 bytes are not a valid ed25519 point, or the key has small order.
    #[error("public key is not a valid ed25519 key")]
    BadKey,
    /// The signature does not verify under the key.
    #[error("signature does not verify")]
    BadSignature,
}

/// Declares a byte-array newtype shown and serialized as lower-case hex.
macro_rules! hex_bytes {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
        pub struct $name(pub [u8; $len]);

        impl $name {
            /// Lower-case hex.
            pub fn to_hex(&self) -> String {
                hex::encode(self.0)
            }

            /// Parses hex of the exact length.
            pub fn from_hex(text: &str) -> Result<Self, hex::FromHexError> {
                let mut bytes = [0u8; $len];
                hex::decode_to_slice(text, &mut bytes)?;
                Ok(Self(bytes))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_hex())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as Deserialize>::deserialize(deserializer)?;
                Self::from_hex(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_bytes!(
    /// An ed25519 public key: a member's, or a validator's node key.
    PublicKey,
    32
);
hex_bytes!(
    /// An ed25519 signature.
    Signature,
    64
);

impl PublicKey {
    /// Parses the key, refusing invalid points and small-order (weak) keys.
    pub fn to_verifying_key(&self) -> Result<VerifyingKey, SignatureError> {
        let key = VerifyingKey::from_bytes(&self.0).map_err(|_| SignatureError::BadKey)?;
        if key.is_weak() {
            return Err(SignatureError::BadKey);
        }
        Ok(key)
    }

    /// Verifies `signature` over `message` with strict ed25519 rules.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), SignatureError> {
        let key = self.to_verifying_key()?;
        let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify_strict(message, &signature).map_err(|_| SignatureError::BadSignature)
    }
}

/// A private signing key. Its `Debug` never shows the secret.
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// The key whose 32-byte seed is `seed` (RFC 8032 private key).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(SigningKey::from_bytes(&seed))
    }

    /// The 32-byte seed, for writing to a key file.
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs `message`.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message).to_bytes())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({})", self.public_key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_under_its_key_only() {
        let alice = SecretKey::from_seed([1; 32]);
        let bob = SecretKey::from_seed([2; 32]);

        let signature = alice.sign(b"grant 7");

        assert_eq!(alice.public_key().verify(b"grant 7", &signature), Ok(()));
        assert_eq!(
            alice.public_key().verify(b"grant 8", &signature),
            Err(SignatureError::BadSignature)
        );
        assert_eq!(
            bob.public_key().verify(b"grant 7", &signature),
            Err(SignatureError::BadSignature)
        );
    }

    #[test]
    fn a_small_order_key_is_refused() {
        // The identity point: a weak key that any signature with R = identity would satisfy.
        let mut identity = [0u8; 32];
        identity[0] = 1;

        let result = PublicKey(identity).verify(b"x", &Signature([0; 64]));

        assert_eq!(result, Err(SignatureError::BadKey));
    }

    /// `l`, the order of the base point, little-endian.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    /// `a + b` of two little-endian 256-bit numbers (no overflow in the cases used).
    fn add(a: &[u8], b: &[u8]) -> [u8; 32] {
        let mut sum = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let digit = u16::from(a[i]) + u16::from(b[i]) + carry;
            sum[i] = (digit & 0xff) as u8;
            carry = digit >> 8;
        }
        sum
    }

    #[test]
    fn a_signature_whose_s_is_not_reduced_is_refused() {
        let alice = SecretKey::from_seed([1; 32]);
        let signature = alice.sign(b"grant 7");
        let mut unreduced = signature.0;
        // S + l is the same scalar, non-canonically encoded; S < l, so S + l < 2^253.
        unreduced[32..].copy_from_slice(&add(&signature.0[32..], &L));

        let result = alice.public_key().verify(b"grant 7", &Signature(unreduced));

        assert_eq!(result, Err(SignatureError::BadSignature));
    }

    #[test]
    fn a_non_canonical_key_encoding_decodes_but_is_a_key_of_its_own_bytes() {
        // p = 2^255 - 19; the encodings p + y (y < 19) are non-canonical spellings of y.
        let p: [u8; 32] = {
            let mut p = [0xff; 32];
            p[0] = 0xed;
            p[31] = 0x7f;
            p
        };
        let decodable: Vec<[u8; 32]> = (0u8..19)
            .map(|y| {
                add(&p, &{
                    let mut small = [0u8; 32];
                    small[0] = y;
                    small
                })
            })
            .filter(|bytes| PublicKey(*bytes).to_verifying_key().is_ok())
            .collect();

        // Some such encodings name points of large order: they are accepted as keys, and
        // hashed as the bytes given, so no signature made for another spelling verifies.
        assert!(!decodable.is_empty());
        for bytes in decodable {
            let key = PublicKey(bytes).to_verifying_key().expect("decodes");
            assert_eq!(key.as_bytes(), &bytes, "the key keeps the bytes given, hashed as given");
        }
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let secret = SecretKey::from_seed([9; 32]);

        let shown = format!("{secret:?}");

        assert!(!shown.contains(&hex::encode([9u8; 32])));
    }
}
