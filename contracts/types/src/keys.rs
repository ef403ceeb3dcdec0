//! Public keys and signatures as plain bytes, and private keys of either suite.
//!
//! Keys and signatures travel as raw bytes (32 and 64) so the wire format names no library; the
//! chain's [`Suite`] says how they are read. In the `ed25519-blake3` suite, verification uses
//! `verify_strict`, which refuses small-order keys and non-canonical signatures, so every node
//! reaches the same verdict on every signature. The `sm2-sm3` suite is described in
//! [`crate::suite`].

use std::fmt;

use borsh::{BorshDeserialize, BorshSerialize};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::suite::{Sm2Secret, Suite};

/// Why a signature did not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The 32 bytes are not a key of the suite: not a valid ed25519 point or a small-order one;
    /// not the x-coordinate of an SM2 point; or, for a private key, a seed out of range.
    #[error("public key is not a valid key of the chain's suite")]
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
    /// A public key of the chain's suite: a member's, or a validator's node key. Ed25519: the
    /// RFC 8032 encoding; SM2: the big-endian x-coordinate of the even-y point.
    PublicKey,
    32
);
hex_bytes!(
    /// A signature of the chain's suite. Ed25519: `R || S` (RFC 8032); SM2: `r || s`, each
    /// 32 bytes big-endian.
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

    /// Verifies `signature` over `message` with strict ed25519 rules: the `ed25519-blake3`
    /// suite's verification. A chain's code calls [`Suite::verify`].
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), SignatureError> {
        let key = self.to_verifying_key()?;
        let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
        key.verify_strict(message, &signature).map_err(|_| SignatureError::BadSignature)
    }
}

/// A private signing key of one suite. Its `Debug` never shows the secret.
pub struct SecretKey(SecretInner);

// Both boxed: the variants differ in size, and a key is made once and moved around.
enum SecretInner {
    Ed25519(Box<SigningKey>),
    Sm2(Box<Sm2Secret>),
}

impl SecretKey {
    /// The `ed25519-blake3` key whose 32-byte seed is `seed` (RFC 8032 private key).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(SecretInner::Ed25519(Box::new(SigningKey::from_bytes(&seed))))
    }

    /// The key of `suite` made from `seed`. Ed25519: the RFC 8032 private key. SM2: the seed
    /// read as a big-endian integer `d` in `[1, n − 2]`, negated where `d·G` has odd y;
    /// [`SignatureError::BadKey`] outside that range (a chance of about 2⁻³² for a random seed).
    pub fn from_seed_in(suite: Suite, seed: [u8; 32]) -> Result<Self, SignatureError> {
        match suite {
            Suite::Ed25519Blake3 => Ok(Self::from_seed(seed)),
            Suite::Sm2Sm3 => Ok(Self(SecretInner::Sm2(Box::new(Sm2Secret::from_seed(seed)?)))),
        }
    }

    /// The suite the key belongs to.
    pub const fn suite(&self) -> Suite {
        match self.0 {
            SecretInner::Ed25519(_) => Suite::Ed25519Blake3,
            SecretInner::Sm2(_) => Suite::Sm2Sm3,
        }
    }

    /// The 32-byte seed, for writing to a key file.
    pub fn seed(&self) -> [u8; 32] {
        match &self.0 {
            SecretInner::Ed25519(key) => key.to_bytes(),
            SecretInner::Sm2(key) => key.seed(),
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match &self.0 {
            SecretInner::Ed25519(key) => PublicKey(key.verifying_key().to_bytes()),
            SecretInner::Sm2(key) => key.public_key(),
        }
    }

    /// Signs `message` with the key's suite (SM2 with the default user id, deterministic `k`).
    pub fn sign(&self, message: &[u8]) -> Signature {
        match &self.0 {
            SecretInner::Ed25519(key) => Signature(key.sign(message).to_bytes()),
            SecretInner::Sm2(key) => key.sign(message),
        }
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}, {})", self.suite(), self.public_key())
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

        let national = SecretKey::from_seed_in(Suite::Sm2Sm3, [9; 32]).unwrap();

        let shown = format!("{secret:?} {national:?}");

        assert!(!shown.contains(&hex::encode([9u8; 32])));
    }
}
