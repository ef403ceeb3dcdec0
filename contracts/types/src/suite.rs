//! The cryptographic suite of a chain: which signature scheme and which hash function every key,
//! signature and digest of the chain is read with.
//!
//! A chain's suite is fixed in its genesis file and never changes. Both suites have the same
//! sizes, so no wire format moves: 32-byte public keys, 64-byte signatures, 32-byte digests.
//!
//! | suite | signatures | digests |
//! |---|---|---|
//! | `ed25519-blake3` (the default) | Ed25519, RFC 8032, strict verification | BLAKE3, 32 bytes |
//! | `sm2-sm3` (GM/T 0003, GM/T 0004) | SM2 over the recommended curve, user id `1234567812345678` | SM3 |
//!
//! An SM2 public key travels as the 32-byte big-endian x-coordinate of its point; the point is
//! the one of even y (as BIP-340 does), so keys are made with an even y: where `d·G` has odd y,
//! the key is `n − d`. An SM2 signature travels as `r || s`, each a 32-byte big-endian integer.
//! The signer's identity hash `Z_A` follows GB/T 32918.2 §5.5 with the default user id of
//! GM/T 0009. See `docs/adr/0026-cryptographic-suite.md` and `docs/formats.md` §24.

use std::{fmt, str::FromStr};

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};
use sm2::{
    NonZeroScalar,
    dsa::{
        SigningKey as Sm2SigningKey, VerifyingKey as Sm2VerifyingKey,
        signature::{Signer as _, Verifier as _},
    },
    elliptic_curve::{point::AffineCoordinates as _, sec1::ToEncodedPoint as _},
};
use sm3::Digest as _;

use crate::{
    hash::{Hash32, Tag},
    keys::{PublicKey, Signature, SignatureError},
};

/// The user id (`ID_A`) every SM2 signature of the `sm2-sm3` suite is made with: the default of
/// GM/T 0009-2012 §10 (the ASCII digits `1234567812345678`, `ENTL_A` = 128 bits).
pub const SM2_DEFAULT_USER_ID: &str = "1234567812345678";

/// The cryptographic suite of a chain. The default is [`Suite::Ed25519Blake3`].
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    BorshSerialize,
    BorshDeserialize,
    Serialize,
    Deserialize,
)]
#[borsh(use_discriminant = true)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[repr(u8)]
pub enum Suite {
    /// Ed25519 signatures (RFC 8032, strict) and BLAKE3 digests.
    #[default]
    #[serde(rename = "ed25519-blake3")]
    Ed25519Blake3 = 0,
    /// SM2 signatures (GB/T 32918.2, recommended curve of GB/T 32918.5) and SM3 digests
    /// (GB/T 32905): the Chinese commercial-cryptography (国密) suite.
    #[serde(rename = "sm2-sm3")]
    Sm2Sm3 = 1,
}

/// A suite name that is not one of [`Suite::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown cryptographic suite `{0}`: expected `ed25519-blake3` or `sm2-sm3`")]
pub struct UnknownSuite(pub String);

impl Suite {
    /// Every suite, the default first.
    pub const ALL: [Self; 2] = [Self::Ed25519Blake3, Self::Sm2Sm3];

    /// The suite's name, as written in genesis files and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ed25519Blake3 => "ed25519-blake3",
            Self::Sm2Sm3 => "sm2-sm3",
        }
    }

    /// The suite's one-byte code: its borsh encoding.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// True for the default suite, whose genesis files and hashes carry no suite at all.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// `H(tag || 0x00 || parts[0] || parts[1] || ...)` with the suite's hash function: BLAKE3
    /// or SM3, 32 bytes.
    pub fn hash_tagged(self, tag: Tag, parts: &[&[u8]]) -> Hash32 {
        match self {
            Self::Ed25519Blake3 => crate::hash::hash_tagged(tag, parts),
            Self::Sm2Sm3 => {
                let mut hasher = sm3::Sm3::new();
                hasher.update(tag.as_str().as_bytes());
                hasher.update([0]);
                for part in parts {
                    hasher.update(part);
                }
                Hash32(hasher.finalize().into())
            }
        }
    }

    /// The suite's plain (untagged) digest of `bytes`. Only for key derivation from a label and
    /// for benchmarks; everything a chain hashes goes through [`Suite::hash_tagged`].
    pub fn digest(self, bytes: &[u8]) -> [u8; 32] {
        match self {
            Self::Ed25519Blake3 => *blake3::hash(bytes).as_bytes(),
            Self::Sm2Sm3 => sm3::Sm3::digest(bytes).into(),
        }
    }

    /// Checks that `key` is a key of this suite: an ed25519 point not of small order, or the
    /// x-coordinate of an SM2 point.
    pub fn check_key(self, key: &PublicKey) -> Result<(), SignatureError> {
        match self {
            Self::Ed25519Blake3 => key.to_verifying_key().map(|_| ()),
            Self::Sm2Sm3 => sm2_verifying_key(key).map(|_| ()),
        }
    }

    /// What [`Suite::check_key`] requires, as a sentence ending for error messages.
    pub const fn key_rule(self) -> &'static str {
        match self {
            Self::Ed25519Blake3 => {
                "is not a valid ed25519 public key (not a curve point, or of small order)"
            }
            Self::Sm2Sm3 => {
                "is not a valid SM2 public key (not the x-coordinate of a point of the curve)"
            }
        }
    }

    /// Verifies `signature` over `message` under `key`, read as a key of this suite.
    pub fn verify(
        self,
        key: &PublicKey,
        message: &[u8],
        signature: &Signature,
    ) -> Result<(), SignatureError> {
        match self {
            Self::Ed25519Blake3 => key.verify(message, signature),
            Self::Sm2Sm3 => sm2_verify(&sm2_verifying_key(key)?, message, signature),
        }
    }
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Suite {
    type Err = UnknownSuite;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|suite| suite.name() == text)
            .ok_or_else(|| UnknownSuite(text.to_owned()))
    }
}

/// The SM2 point of `key`: the point whose x-coordinate is the key's 32 bytes and whose y is
/// even, with `Z_A` over the default user id.
pub(crate) fn sm2_verifying_key(key: &PublicKey) -> Result<Sm2VerifyingKey, SignatureError> {
    let mut compressed = [0u8; 33];
    compressed[0] = 0x02;
    compressed[1..].copy_from_slice(&key.0);
    Sm2VerifyingKey::from_sec1_bytes(SM2_DEFAULT_USER_ID, &compressed)
        .map_err(|_| SignatureError::BadKey)
}

/// Verifies an `r || s` signature: `r` and `s` must lie in `[1, n − 1]` (GB/T 32918.2 §7.1
/// B1, B2), then the standard's steps B3 to B7 with `e = SM3(Z_A || message)`.
pub(crate) fn sm2_verify(
    key: &Sm2VerifyingKey,
    message: &[u8],
    signature: &Signature,
) -> Result<(), SignatureError> {
    let signature =
        sm2::dsa::Signature::from_bytes(&signature.0).map_err(|_| SignatureError::BadSignature)?;
    key.verify(message, &signature).map_err(|_| SignatureError::BadSignature)
}

/// An SM2 private key of the `sm2-sm3` suite, with the seed it was made from.
pub(crate) struct Sm2Secret {
    seed: [u8; 32],
    key: Sm2SigningKey,
}

impl Sm2Secret {
    /// The key of `seed`: `d` is the seed read as a big-endian integer, which must lie in
    /// `[1, n − 2]`; where `d·G` has odd y the key is `n − d`, so that the public point has
    /// even y and the x-coordinate alone names it.
    pub(crate) fn from_seed(seed: [u8; 32]) -> Result<Self, SignatureError> {
        let scalar: Option<NonZeroScalar> = NonZeroScalar::from_repr(seed.into()).into();
        let mut scalar = scalar.ok_or(SignatureError::BadKey)?;
        let point = sm2::PublicKey::from_secret_scalar(&scalar);
        if bool::from(point.as_affine().y_is_odd()) {
            scalar = -scalar;
        }
        // `from_nonzero_scalar` refuses d = n − 1, for which 1 + d has no inverse.
        let key = Sm2SigningKey::from_nonzero_scalar(SM2_DEFAULT_USER_ID, scalar)
            .map_err(|_| SignatureError::BadKey)?;
        Ok(Self { seed, key })
    }

    pub(crate) const fn seed(&self) -> [u8; 32] {
        self.seed
    }

    /// The x-coordinate of the (even-y) public point.
    pub(crate) fn public_key(&self) -> PublicKey {
        let point = self.key.verifying_key().as_affine().to_encoded_point(true);
        let x = point.x().expect("a public key is not the point at infinity");
        PublicKey((*x).into())
    }

    /// Signs with `k` from RFC 6979 over SM3, so signatures are deterministic.
    pub(crate) fn sign(&self, message: &[u8]) -> Signature {
        let signature: sm2::dsa::Signature = self.key.sign(message);
        Signature(signature.to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use sm2::elliptic_curve::sec1::FromEncodedPoint as _;

    use super::*;
    use crate::keys::SecretKey;

    fn hex32(text: &str) -> [u8; 32] {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).expect("64 hex digits");
        bytes
    }

    // GM/T 0004-2012 (GB/T 32905-2016) appendix A, example 1: SM3("abc").
    #[test]
    fn sm3_of_abc_is_the_standards_example_1() {
        let digest = Suite::Sm2Sm3.digest(b"abc");

        assert_eq!(
            hex::encode(digest),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    // GM/T 0004-2012 (GB/T 32905-2016) appendix A, example 2: SM3 of "abcd" repeated 16 times
    // (64 bytes, so the padding fills a second block).
    #[test]
    fn sm3_of_sixty_four_bytes_is_the_standards_example_2() {
        let digest = Suite::Sm2Sm3.digest("abcd".repeat(16).as_bytes());

        assert_eq!(
            hex::encode(digest),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }

    /// The signature example over the recommended curve of GM/T 0003.5-2012 (GB/T 32918.5-2017)
    /// appendix C: the key, `Z_A`, `e` and the signature `(r, s)` of "message digest" by the
    /// user id `1234567812345678`.
    struct StandardExample;

    impl StandardExample {
        const D: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
        const X: &str = "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020";
        const Y: &str = "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";
        const Z_A: &str = "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3";
        const E: &str = "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640";
        const R: &str = "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3";
        const S: &str = "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa";
        const MESSAGE: &[u8] = b"message digest";

        fn verifying_key() -> Sm2VerifyingKey {
            let point = sm2::EncodedPoint::from_affine_coordinates(
                &hex32(Self::X).into(),
                &hex32(Self::Y).into(),
                false,
            );
            let public = sm2::PublicKey::from_encoded_point(&point).expect("on the curve");
            Sm2VerifyingKey::new(SM2_DEFAULT_USER_ID, public).expect("a valid key")
        }

        fn signature() -> Signature {
            let mut bytes = [0u8; 64];
            bytes[..32].copy_from_slice(&hex32(Self::R));
            bytes[32..].copy_from_slice(&hex32(Self::S));
            Signature(bytes)
        }
    }

    #[test]
    fn sm2_the_standards_key_has_the_standards_public_point() {
        let scalar: Option<NonZeroScalar> =
            NonZeroScalar::from_repr(hex32(StandardExample::D).into()).into();
        let point = sm2::PublicKey::from_secret_scalar(&scalar.expect("in range"));
        let encoded = point.to_encoded_point(false);

        assert_eq!(hex::encode(encoded.x().expect("finite")), StandardExample::X);
        assert_eq!(hex::encode(encoded.y().expect("finite")), StandardExample::Y);
    }

    #[test]
    fn sm2_z_a_and_e_are_the_standards() {
        // Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A), GB/T 32918.2 §5.5.
        let curve = [
            "fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc",
            "28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93",
            "32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7",
            "bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0",
        ];
        let mut z_input = vec![0x00, 0x80];
        z_input.extend_from_slice(SM2_DEFAULT_USER_ID.as_bytes());
        for part in curve.iter().chain([&StandardExample::X, &StandardExample::Y]) {
            z_input.extend_from_slice(&hex32(part));
        }
        let z_a = Suite::Sm2Sm3.digest(&z_input);
        let mut e_input = z_a.to_vec();
        e_input.extend_from_slice(StandardExample::MESSAGE);

        assert_eq!(hex::encode(z_a), StandardExample::Z_A);
        assert_eq!(hex::encode(Suite::Sm2Sm3.digest(&e_input)), StandardExample::E);
    }

    #[test]
    fn sm2_the_standards_signature_verifies() {
        let key = StandardExample::verifying_key();

        let verdict = sm2_verify(&key, StandardExample::MESSAGE, &StandardExample::signature());

        assert_eq!(verdict, Ok(()));
    }

    #[test]
    fn sm2_a_tampered_signature_or_message_is_refused() {
        let key = StandardExample::verifying_key();
        let signature = StandardExample::signature();

        for byte in [0, 31, 32, 63] {
            let mut tampered = signature;
            tampered.0[byte] ^= 0x01;
            assert_eq!(
                sm2_verify(&key, StandardExample::MESSAGE, &tampered),
                Err(SignatureError::BadSignature),
                "byte {byte}"
            );
        }
        assert_eq!(
            sm2_verify(&key, b"message digesT", &signature),
            Err(SignatureError::BadSignature)
        );
    }

    #[test]
    fn sm2_signing_reproduces_the_standards_public_key_and_verifies() {
        // The standard's key has odd y, so the suite's key of that seed is n − d: the same x.
        let secret = SecretKey::from_seed_in(Suite::Sm2Sm3, hex32(StandardExample::D)).unwrap();

        let signature = secret.sign(StandardExample::MESSAGE);

        assert_eq!(secret.public_key().to_hex(), StandardExample::X);
        assert_eq!(
            Suite::Sm2Sm3.verify(&secret.public_key(), StandardExample::MESSAGE, &signature),
            Ok(())
        );
        // The standard's own signature is by d, whose point has odd y: not this suite's key.
        assert_eq!(
            Suite::Sm2Sm3.verify(
                &secret.public_key(),
                StandardExample::MESSAGE,
                &StandardExample::signature()
            ),
            Err(SignatureError::BadSignature)
        );
    }

    #[test]
    fn sm2_signatures_are_deterministic_and_bound_to_key_and_message() {
        let alice = SecretKey::from_seed_in(Suite::Sm2Sm3, [1; 32]).unwrap();
        let bob = SecretKey::from_seed_in(Suite::Sm2Sm3, [2; 32]).unwrap();

        let signature = alice.sign(b"grant 7");

        assert_eq!(alice.sign(b"grant 7"), signature);
        assert_eq!(Suite::Sm2Sm3.verify(&alice.public_key(), b"grant 7", &signature), Ok(()));
        assert_eq!(
            Suite::Sm2Sm3.verify(&alice.public_key(), b"grant 8", &signature),
            Err(SignatureError::BadSignature)
        );
        assert_eq!(
            Suite::Sm2Sm3.verify(&bob.public_key(), b"grant 7", &signature),
            Err(SignatureError::BadSignature)
        );
    }

    #[test]
    fn a_key_or_signature_of_one_suite_does_not_verify_in_the_other() {
        let ed = SecretKey::from_seed_in(Suite::Ed25519Blake3, [3; 32]).unwrap();
        let sm = SecretKey::from_seed_in(Suite::Sm2Sm3, [3; 32]).unwrap();

        let ed_signature = ed.sign(b"vote");
        let sm_signature = sm.sign(b"vote");

        assert!(Suite::Sm2Sm3.verify(&ed.public_key(), b"vote", &ed_signature).is_err());
        assert!(Suite::Ed25519Blake3.verify(&sm.public_key(), b"vote", &sm_signature).is_err());
    }

    #[test]
    fn sm2_out_of_range_seeds_and_off_curve_keys_are_refused() {
        // 0 and n are not private keys.
        let n = "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123";
        assert!(SecretKey::from_seed_in(Suite::Sm2Sm3, [0; 32]).is_err());
        assert!(SecretKey::from_seed_in(Suite::Sm2Sm3, hex32(n)).is_err());
        // x = 0 gives y² = b, which has no square root on this curve's field; so do many x.
        let off_curve = (0u8..=255)
            .map(|x| PublicKey([x; 32]))
            .find(|key| sm2_verifying_key(key).is_err())
            .expect("some x is not on the curve");
        assert_eq!(
            Suite::Sm2Sm3.verify(&off_curve, b"x", &Signature([1; 64])),
            Err(SignatureError::BadKey)
        );
    }

    #[test]
    fn sm2_signatures_with_r_or_s_out_of_range_are_refused() {
        let alice = SecretKey::from_seed_in(Suite::Sm2Sm3, [1; 32]).unwrap();
        let n = hex32("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123");
        let signature = alice.sign(b"x");

        for half in [0..32, 32..64] {
            let mut zero = signature;
            zero.0[half.clone()].fill(0);
            let mut order = signature;
            order.0[half.clone()].copy_from_slice(&n);
            assert_eq!(
                Suite::Sm2Sm3.verify(&alice.public_key(), b"x", &zero),
                Err(SignatureError::BadSignature)
            );
            assert_eq!(
                Suite::Sm2Sm3.verify(&alice.public_key(), b"x", &order),
                Err(SignatureError::BadSignature)
            );
        }
    }

    #[test]
    fn the_default_suite_hashes_as_blake3_and_the_national_suite_as_sm3() {
        for tag in Tag::ALL {
            let blake3 = Suite::Ed25519Blake3.hash_tagged(tag, &[b"onebook"]);
            let sm3 = Suite::Sm2Sm3.hash_tagged(tag, &[b"onebook"]);
            let mut input = tag.as_str().as_bytes().to_vec();
            input.push(0);
            input.extend_from_slice(b"onebook");

            assert_eq!(blake3, crate::hash::hash_tagged(tag, &[b"onebook"]));
            assert_eq!(blake3.0, Suite::Ed25519Blake3.digest(&input));
            assert_eq!(sm3.0, Suite::Sm2Sm3.digest(&input));
            assert_ne!(blake3, sm3);
        }
    }

    #[test]
    fn suite_names_round_trip_and_the_default_is_ed25519_blake3() {
        for suite in Suite::ALL {
            assert_eq!(suite.name().parse::<Suite>(), Ok(suite));
            assert_eq!(serde_json::to_string(&suite).unwrap(), format!("\"{}\"", suite.name()));
            assert_eq!(crate::codec::encode(&suite), vec![suite.code()]);
        }
        assert_eq!(Suite::default(), Suite::Ed25519Blake3);
        assert!("sm2".parse::<Suite>().is_err());
    }
}
