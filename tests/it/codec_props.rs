//! Codec properties: every wire type round-trips through borsh, decoding arbitrary or mutated
//! bytes never panics, and whatever decodes re-encodes to exactly the input (one encoding per
//! value).

use borsh::BorshDeserialize;
use onebook_types::samples::{sample_actions, sample_governance_changes};
use onebook_types::{
    action::{Action, GovernanceChange},
    block::{Block, CommitCertificate, CommitSignature, CommitVote, Event, Header, Receipt},
    codec,
    consortium::{Validator, ValidatorSet},
    hash::Hash32,
    ids::{ChainId, Height, Nonce, OrgId, Timestamp},
    keys::{PublicKey, SecretKey, Signature},
    limits::TX_BYTES_MAX,
    merkle::InclusionProof,
    record::RecordKey,
    tx::{SignedTx, TxBody},
};
use proptest::prelude::*;

fn signed(action: Action, seed: u8, nonce: u64) -> SignedTx {
    let key = SecretKey::from_seed([seed; 32]);
    TxBody {
        chain_id: ChainId::from("onebook-dev-1"),
        signer: key.public_key(),
        nonce: Nonce(nonce),
        valid_until: Height(nonce + 10),
        action,
    }
    .sign(&key)
}

fn hash32() -> impl Strategy<Value = Hash32> {
    any::<[u8; 32]>().prop_map(Hash32)
}

fn header() -> impl Strategy<Value = Header> {
    (any::<u64>(), any::<u64>(), hash32(), hash32(), hash32(), any::<[u8; 32]>(), "[a-z0-9-]{1,20}")
        .prop_map(|(height, time, a, b, c, proposer, chain)| Header {
            chain_id: ChainId(chain),
            height: Height(height),
            time: Timestamp(time),
            previous_hash: a,
            history_root: c,
            tx_root: b,
            tx_count: u32::try_from(height % 4096).unwrap(),
            receipts_root: c,
            state_root: a,
            validator_set_hash: b,
            next_validator_set_hash: c,
            proposer: PublicKey(proposer),
        })
}

fn receipt() -> impl Strategy<Value = Receipt> {
    (
        hash32(),
        any::<u16>(),
        prop::collection::vec(("\\PC{0,12}", "\\PC{0,12}", "\\PC{0,12}"), 0..4),
    )
        .prop_map(|(tx_hash, code, events)| Receipt {
            tx_hash,
            code,
            events: events
                .into_iter()
                .map(|(kind, k, v)| Event { kind, attributes: vec![(k, v)] })
                .collect(),
        })
}

fn round_trips<T: borsh::BorshSerialize + BorshDeserialize + PartialEq + std::fmt::Debug>(
    value: &T,
) {
    let bytes = codec::encode(value);
    let decoded: T = codec::decode(&bytes, usize::MAX).expect("a value decodes from its own bytes");
    assert_eq!(&decoded, value);
    assert_eq!(codec::encode(&decoded), bytes);
}

/// Decodes `bytes` as `T`; if that works, the re-encoding must be the input itself.
fn canonical_if_decodes<T: borsh::BorshSerialize + BorshDeserialize>(bytes: &[u8]) {
    if let Ok(value) = codec::decode::<T>(bytes, TX_BYTES_MAX * 128) {
        assert_eq!(codec::encode(&value), bytes, "decoded bytes re-encode differently");
    }
}

fn decode_all_kinds(bytes: &[u8]) {
    canonical_if_decodes::<SignedTx>(bytes);
    canonical_if_decodes::<TxBody>(bytes);
    canonical_if_decodes::<Action>(bytes);
    canonical_if_decodes::<Header>(bytes);
    canonical_if_decodes::<Block>(bytes);
    canonical_if_decodes::<Receipt>(bytes);
    canonical_if_decodes::<CommitCertificate>(bytes);
    canonical_if_decodes::<ValidatorSet>(bytes);
    canonical_if_decodes::<InclusionProof>(bytes);
    canonical_if_decodes::<RecordKey>(bytes);
    canonical_if_decodes::<onebook_state::StateProof>(bytes);
    canonical_if_decodes::<onebook_state::Node>(bytes);
    canonical_if_decodes::<onebook_types::consortium::Policy>(bytes);
}

#[test]
fn the_samples_cover_every_action_variant_in_order() {
    let actions = sample_actions();

    for (index, action) in actions.iter().enumerate() {
        assert_eq!(usize::from(codec::encode(action)[0]), index, "{action:?}");
        round_trips(action);
        round_trips(&signed(action.clone(), 1, 1));
    }
    let next_variant = u8::try_from(actions.len()).unwrap();
    assert!(
        codec::decode::<Action>(&[next_variant], 16).is_err(),
        "an action variant has no sample"
    );
    for change in sample_governance_changes() {
        round_trips(&change);
    }
    assert!(codec::decode::<GovernanceChange>(&[9], 16).is_err());
}

#[test]
fn every_record_key_kind_round_trips() {
    let keys = [
        RecordKey::Policy,
        RecordKey::ValidatorSet,
        RecordKey::Org(OrgId::from("xm-dsj")),
        RecordKey::Member(PublicKey([1; 32])),
        RecordKey::Sequence("grant".into()),
    ];

    for key in keys {
        assert_eq!(RecordKey::decode(&key.encode()).unwrap(), key);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all_kinds(&bytes);
        let _ = SignedTx::decode_verified(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn mutated_valid_encodings_never_panic_and_stay_canonical(
        which in 0usize..32,
        position in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let actions = sample_actions();
        let tx = signed(actions[which % actions.len()].clone(), 2, 5);
        let mut bytes = tx.encode();
        let at = position.index(bytes.len());
        bytes[at] = byte;

        decode_all_kinds(&bytes);
        decode_all_kinds(&bytes[..cut.index(bytes.len())]);
        if let Ok(decoded) = SignedTx::decode(&bytes)
            && decoded != tx
        {
            prop_assert!(decoded.verify().is_err(), "a changed tx must not verify");
        }
    }

    #[test]
    fn headers_receipts_and_certificates_round_trip(
        header in header(),
        receipts in prop::collection::vec(receipt(), 0..5),
        signatures in prop::collection::vec((any::<[u8; 32]>(), any::<[u8; 32]>(), any::<[u8; 32]>()), 0..5),
        round in any::<u32>(),
    ) {
        round_trips(&header);
        for receipt in &receipts {
            round_trips(receipt);
        }
        let certificate = CommitCertificate {
            vote: CommitVote { chain_id: header.chain_id.clone(), genesis_hash: header.previous_hash, height: header.height, round, block_hash: header.hash() },
            signatures: signatures
                .iter()
                .map(|(key, r, s)| {
                    let mut signature = [0u8; 64];
                    signature[..32].copy_from_slice(r);
                    signature[32..].copy_from_slice(s);
                    CommitSignature { node_key: PublicKey(*key), signature: Signature(signature) }
                })
                .collect(),
        };
        round_trips(&certificate);
        let set = ValidatorSet {
            validators: signatures
                .iter()
                .map(|(key, _, _)| Validator { node_key: PublicKey(*key), org: OrgId::from("org"), power: 1 })
                .collect(),
        };
        round_trips(&set);
        round_trips(&Block { header, txs: vec![signed(sample_actions()[0].clone(), 3, 1)] });
    }
}
