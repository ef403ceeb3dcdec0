//! Transactions: what is asked, who asks, and their signature.
//!
//! The signer signs `H("onebook/tx-sign/v1", borsh(TxBody))`. The body names the chain, so a
//! signature is valid on one chain only, and carries the signer's next nonce, so it is valid once.
//! The tx hash is `H("onebook/tx/v1", borsh(SignedTx))`. Only [`SignedTx::verify`] makes a
//! [`VerifiedTx`], the only kind of tx the ledger rules accept.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    action::Action,
    codec::{self, DecodeError},
    hash::{Hash32, Tag},
    ids::{ChainId, Height, Nonce},
    keys::{PublicKey, SecretKey, Signature, SignatureError},
    limits::TX_BYTES_MAX,
    suite::Suite,
};

/// What the signer asks the ledger to do, plus the guards against replay.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TxBody {
    /// The chain this tx is for.
    pub chain_id: ChainId,
    /// The member key that signs it.
    pub signer: PublicKey,
    /// Exactly one more than the signer's last committed nonce (the first tx carries 1).
    pub nonce: Nonce,
    /// Refused once the chain is past this height, so a stale tx cannot linger.
    pub valid_until: Height,
    /// What is asked.
    pub action: Action,
}

impl TxBody {
    /// The 32-byte digest the signer signs, in the `ed25519-blake3` suite.
    pub fn signing_digest(&self) -> Hash32 {
        self.signing_digest_in(Suite::Ed25519Blake3)
    }

    /// The 32-byte digest the signer signs, in `suite`.
    pub fn signing_digest_in(&self, suite: Suite) -> Hash32 {
        suite.hash_tagged(Tag::TxSign, &[&codec::encode(self)])
    }

    /// Signs the body with `key`, which must be the body's signer, in the key's suite.
    pub fn sign(self, key: &SecretKey) -> SignedTx {
        assert_eq!(key.public_key(), self.signer, "a body is signed by its own signer");
        let signature = key.sign(self.signing_digest_in(key.suite()).as_bytes());
        SignedTx { body: self, signature }
    }
}

/// A transaction as it travels.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedTx {
    /// The signed body.
    pub body: TxBody,
    /// The signer's signature over [`TxBody::signing_digest`].
    pub signature: Signature,
}

/// Why bytes are not an acceptable transaction.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// The bytes do not decode.
    #[error("tx cannot be decoded")]
    Decode(#[from] DecodeError),
    /// The signature does not verify.
    #[error("tx signature is invalid")]
    Signature(#[from] SignatureError),
}

impl SignedTx {
    /// Decodes a tx, refusing more than [`TX_BYTES_MAX`] bytes before reading them.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        codec::decode(bytes, TX_BYTES_MAX)
    }

    /// The canonical bytes.
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(self)
    }

    /// The tx's identity in the `ed25519-blake3` suite.
    pub fn hash(&self) -> Hash32 {
        self.hash_in(Suite::Ed25519Blake3)
    }

    /// The tx's identity in `suite`.
    pub fn hash_in(&self, suite: Suite) -> Hash32 {
        suite.hash_tagged(Tag::Tx, &[&self.encode()])
    }

    /// Checks the signature only, in the `ed25519-blake3` suite; the business rules run later,
    /// in the ledger.
    pub fn verify(self) -> Result<VerifiedTx, SignatureError> {
        self.verify_in(Suite::Ed25519Blake3)
    }

    /// Checks the signature only, reading the key, signature and digests in `suite`.
    pub fn verify_in(self, suite: Suite) -> Result<VerifiedTx, SignatureError> {
        let digest = self.body.signing_digest_in(suite);
        suite.verify(&self.body.signer, digest.as_bytes(), &self.signature)?;
        let hash = self.hash_in(suite);
        Ok(VerifiedTx { tx: self, hash })
    }

    /// Checks the signatures of `txs` together ([`crate::sigbatch`]): each tx is accepted or
    /// refused exactly as [`SignedTx::verify`] would, and many cost less than one at a time.
    pub fn verify_many(txs: Vec<Self>) -> Vec<Result<VerifiedTx, SignatureError>> {
        Self::verify_many_in(Suite::Ed25519Blake3, txs)
    }

    /// Checks the signatures of `txs` in `suite`, each accepted or refused exactly as
    /// [`SignedTx::verify_in`] would. Ed25519 signatures are checked together
    /// ([`crate::sigbatch`]); SM2 has no batch equation, so each is checked alone.
    pub fn verify_many_in(suite: Suite, txs: Vec<Self>) -> Vec<Result<VerifiedTx, SignatureError>> {
        if suite != Suite::Ed25519Blake3 {
            return txs.into_iter().map(|tx| tx.verify_in(suite)).collect();
        }
        let digests: Vec<_> = txs.iter().map(|tx| tx.body.signing_digest()).collect();
        let checks: Vec<crate::sigbatch::SignatureCheck<'_>> = txs
            .iter()
            .zip(&digests)
            .map(|(tx, digest)| crate::sigbatch::SignatureCheck {
                key: &tx.body.signer,
                message: digest.as_bytes(),
                signature: &tx.signature,
            })
            .collect();
        let verdicts = crate::sigbatch::verify_all(&checks);
        drop(checks);
        txs.into_iter()
            .zip(verdicts)
            .map(|(tx, good)| {
                if good {
                    let hash = tx.hash();
                    Ok(VerifiedTx { tx, hash })
                } else {
                    Err(SignatureError::BadSignature)
                }
            })
            .collect()
    }

    /// Decodes and verifies in one step.
    pub fn decode_verified(bytes: &[u8]) -> Result<VerifiedTx, TxError> {
        Self::decode_verified_in(Suite::Ed25519Blake3, bytes)
    }

    /// Decodes and verifies in one step, in `suite`.
    pub fn decode_verified_in(suite: Suite, bytes: &[u8]) -> Result<VerifiedTx, TxError> {
        Ok(Self::decode(bytes)?.verify_in(suite)?)
    }
}

/// A transaction whose signature has been checked. Only [`SignedTx::verify`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedTx {
    tx: SignedTx,
    hash: Hash32,
}

impl VerifiedTx {
    /// The transaction.
    pub fn tx(&self) -> &SignedTx {
        &self.tx
    }

    /// The body.
    pub fn body(&self) -> &TxBody {
        &self.tx.body
    }

    /// The tx hash, computed once at verification.
    pub fn hash(&self) -> Hash32 {
        self.hash
    }

    /// Gives the transaction back.
    pub fn into_inner(self) -> SignedTx {
        self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ShareRequestId;

    fn body(key: &SecretKey) -> TxBody {
        TxBody {
            chain_id: ChainId::from("onebook-test"),
            signer: key.public_key(),
            nonce: Nonce(1),
            valid_until: Height(100),
            action: Action::WithdrawShareRequest { request: ShareRequestId(7) },
        }
    }

    #[test]
    fn verify_many_in_the_national_suite_checks_sm2_over_sm3_and_keeps_the_sm3_hash() {
        let keys: Vec<SecretKey> = (1..=6u8)
            .map(|seed| SecretKey::from_seed_in(Suite::Sm2Sm3, [seed; 32]).expect("an SM2 key"))
            .collect();
        let mut txs: Vec<SignedTx> = keys.iter().map(|key| body(key).sign(key)).collect();
        txs[2].signature.0[40] ^= 1;
        let hashes: Vec<Hash32> = txs.iter().map(|tx| tx.hash_in(Suite::Sm2Sm3)).collect();

        let verdicts = SignedTx::verify_many_in(Suite::Sm2Sm3, txs.clone());

        for (index, verdict) in verdicts.iter().enumerate() {
            match verdict {
                Ok(verified) => {
                    assert_ne!(index, 2, "the tampered signature was accepted");
                    assert_eq!(verified.hash(), hashes[index]);
                    assert_ne!(verified.hash(), txs[index].hash());
                }
                Err(_) => assert_eq!(index, 2, "tx {index} was refused"),
            }
        }
        // Nothing falls back: the default suite refuses every one of them.
        assert!(SignedTx::verify_many(txs).iter().all(Result::is_err));
    }

    #[test]
    fn a_signed_tx_verifies_and_keeps_its_hash() {
        let key = SecretKey::from_seed([3; 32]);
        let tx = body(&key).sign(&key);
        let hash = tx.hash();

        let verified = tx.verify().expect("valid signature");

        assert_eq!(verified.hash(), hash);
    }

    #[test]
    fn a_tx_moved_to_another_chain_fails_verification() {
        let key = SecretKey::from_seed([3; 32]);
        let mut tx = body(&key).sign(&key);

        tx.body.chain_id = ChainId::from("onebook-other");

        assert_eq!(tx.verify().map(|_| ()), Err(SignatureError::BadSignature));
    }

    #[test]
    fn a_national_tx_verifies_in_its_suite_only() {
        let key = SecretKey::from_seed_in(Suite::Sm2Sm3, [3; 32]).unwrap();
        let tx = body(&key).sign(&key);

        let verified = tx.clone().verify_in(Suite::Sm2Sm3).expect("valid signature");

        assert_eq!(verified.hash(), tx.hash_in(Suite::Sm2Sm3));
        assert_ne!(verified.hash(), tx.hash_in(Suite::Ed25519Blake3));
        assert!(tx.verify_in(Suite::Ed25519Blake3).is_err());
        // The same key bytes' ed25519 signature over the BLAKE3 digest is no SM2 signature.
        let ed = SecretKey::from_seed([3; 32]);
        assert!(body(&ed).sign(&ed).verify_in(Suite::Sm2Sm3).is_err());
    }

    #[test]
    fn a_tx_round_trips_through_its_bytes() {
        let key = SecretKey::from_seed([3; 32]);
        let tx = body(&key).sign(&key);

        let decoded = SignedTx::decode(&tx.encode()).expect("decodes");

        assert_eq!(decoded, tx);
    }
}
