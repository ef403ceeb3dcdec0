//! Batch and single verification agree on honest signatures and on the vectors that separate
//! ed25519 verifiers: small-order keys and `R`, keys and `R` with a small-order component,
//! non-canonical encodings of `R` and `s`.

use curve25519_dalek::{EdwardsPoint, Scalar, constants::EIGHT_TORSION};
use sha2::{Digest as _, Sha512};

use super::*;
use crate::keys::SecretKey;

/// A signature from raw parts: the key `a·B + key_torsion`, `R = r·B + r_torsion`, and
/// `s = r + k·a`, where `k` hashes `R`, the key and the message as ed25519 does. With torsion,
/// only the cofactored equation holds, and `verify_strict` refuses it.
fn crafted(
    seed: u8,
    message: &[u8],
    key_torsion: EdwardsPoint,
    r_torsion: EdwardsPoint,
) -> (PublicKey, Signature) {
    let a = Scalar::from_bytes_mod_order([seed; 32]);
    let r = Scalar::from_bytes_mod_order([seed.wrapping_add(101); 32]);
    let key = (EdwardsPoint::mul_base(&a) + key_torsion).compress().to_bytes();
    let big_r = (EdwardsPoint::mul_base(&r) + r_torsion).compress().to_bytes();
    let k = Scalar::from_hash(
        Sha512::new().chain_update(big_r).chain_update(key).chain_update(message),
    );
    let s = r + k * a;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(&big_r);
    signature[32..].copy_from_slice(&s.to_bytes());
    (PublicKey(key), Signature(signature))
}

fn honest(seed: u8, message: &[u8]) -> (PublicKey, Signature) {
    let secret = SecretKey::from_seed([seed; 32]);
    (secret.public_key(), secret.sign(message))
}

/// The odd signatures: each kind of defect that separates verifiers.
fn odd_vectors() -> Vec<(PublicKey, Vec<u8>, Signature)> {
    let identity = EdwardsPoint::default();
    let mut vectors = Vec::new();
    for (i, torsion) in EIGHT_TORSION.iter().enumerate() {
        let message = format!("torsion {i}").into_bytes();
        let (key, signature) = crafted(7, &message, *torsion, identity);
        vectors.push((key, message.clone(), signature));
        let (key, signature) = crafted(8, &message, identity, *torsion);
        vectors.push((key, message.clone(), signature));
        let (key, signature) = crafted(9, &message, *torsion, *torsion);
        vectors.push((key, message.clone(), signature));
        // A small-order key with a small-order R and s = 0: the classic weak-key forgery.
        let mut forged = [0u8; 64];
        forged[..32].copy_from_slice(&torsion.compress().to_bytes());
        vectors.push((
            PublicKey(torsion.compress().to_bytes()),
            message.clone(),
            Signature(forged),
        ));
    }
    // Non-canonical encodings of R: y at or above the field's prime, either sign.
    for low in 0u8..19 {
        for sign in [0u8, 0x80] {
            let (key, mut signature) = honest(11, b"noncanonical r");
            let mut r = [0xffu8; 32];
            r[0] = 0xed + low;
            r[31] = 0x7f | sign;
            signature.0[..32].copy_from_slice(&r);
            vectors.push((key, b"noncanonical r".to_vec(), signature));
        }
    }
    // A non-canonical s: s + l verifies under a lax check of the equation alone.
    let (key, mut signature) = honest(12, b"noncanonical s");
    let mut s = [0u8; 32];
    s.copy_from_slice(&signature.0[32..]);
    let s_plus_l = add_le(&s, &GROUP_ORDER);
    signature.0[32..].copy_from_slice(&s_plus_l);
    vectors.push((key, b"noncanonical s".to_vec(), signature));
    vectors
}

/// The order of the prime-order group, little-endian.
const GROUP_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    out
}

fn checks(items: &[(PublicKey, Vec<u8>, Signature)]) -> Vec<SignatureCheck<'_>> {
    items
        .iter()
        .map(|(key, message, signature)| SignatureCheck { key, message, signature })
        .collect()
}

fn strict(items: &[(PublicKey, Vec<u8>, Signature)]) -> Vec<bool> {
    items.iter().map(|(key, message, signature)| key.verify(message, signature).is_ok()).collect()
}

fn honest_batch(count: u8) -> Vec<(PublicKey, Vec<u8>, Signature)> {
    (0..count)
        .map(|i| {
            let message = format!("tx {i}").into_bytes();
            let (key, signature) = honest(i % 3, &message);
            (key, message, signature)
        })
        .collect()
}

#[test]
fn honest_signatures_pass_in_a_batch() {
    let items = honest_batch(64);

    assert!(verify_all(&checks(&items)).iter().all(|ok| *ok));
}

#[test]
fn a_bad_signature_in_a_batch_is_found_and_the_others_pass() {
    let mut items = honest_batch(32);
    items[17].1 = b"another message".to_vec();

    let verdicts = verify_all(&checks(&items));

    assert_eq!(verdicts, strict(&items));
    assert_eq!(verdicts.iter().filter(|ok| !**ok).count(), 1);
    assert!(!verdicts[17]);
}

#[test]
fn every_odd_vector_gets_the_verdict_of_verify_strict_alone_and_among_honest_ones() {
    let odd = odd_vectors();
    assert!(strict(&odd).iter().any(|ok| !ok), "the vectors include refusals");

    for vector in &odd {
        let mut items = honest_batch(8);
        items.insert(3, vector.clone());

        assert_eq!(verify_all(&checks(&items)), strict(&items), "vector {:?}", vector.2);
    }
    assert_eq!(verify_all(&checks(&odd)), strict(&odd));
}

#[test]
fn a_mixed_order_key_is_refused_by_both_even_where_the_cofactored_equation_holds() {
    // R has a component of order 2: the batch's combination hides it for every even
    // coefficient, so without the filter a batch would accept it half the time.
    let message = b"grant 7".to_vec();
    let (key, signature) = crafted(21, &message, EdwardsPoint::default(), EIGHT_TORSION[4]);
    let mut items = honest_batch(16);
    items.push((key, message, signature));

    let verdicts = verify_all(&checks(&items));

    assert!(!verdicts[16]);
    assert_eq!(verdicts, strict(&items));
}
