//! Golden vectors of the history tree and of witnessed checkpoints (`docs/formats.md` §7.1 and
//! §22): `tests/vectors/history.json` and `tests/vectors/checkpoints.json`. Each is recomputed
//! and compared with the file, then every proof and cosignature in the file is checked.

use onebook_types::{
    checkpoint::{Checkpoint, CheckpointExtension, CheckpointPolicy, Cosignature, WitnessSet},
    codec,
    hash::{Hash32, Tag, hash_tagged},
    history::{self, ConsistencyProof, History, LeavesInMemory},
    ids::{ChainId, Height, Timestamp},
    keys::SecretKey,
    merkle::InclusionProof,
    samples::{sample_checkpoint, sample_witness_set},
};
use serde_json::{Value, json};

use crate::vectors::{check_file, hash_of, hex_of};

/// The genesis hash and six block hashes of a sample chain: leaves 0 to 6 of its history.
fn block_hashes() -> Vec<Hash32> {
    let mut hashes = vec![Hash32([0xaa; 32])];
    hashes.extend((1..=6u64).map(|height| hash_tagged(Tag::Header, &[&height.to_le_bytes()])));
    hashes
}

fn nodes(hashes: &[Hash32]) -> LeavesInMemory {
    LeavesInMemory(hashes.iter().map(history::leaf).collect())
}

fn ancestry(hashes: &[Hash32], index: u64, size: u64) -> InclusionProof {
    history::prove_ancestry(&nodes(hashes), index, size).unwrap_or_else(|_| unreachable!())
}

fn consistency(hashes: &[Hash32], first: u64, second: u64) -> ConsistencyProof {
    history::prove_consistency(&nodes(hashes), first, second).unwrap_or_else(|_| unreachable!())
}

#[test]
fn history_vectors_match_and_verify() {
    let hashes = block_hashes();
    let mut history = History::new();
    let mut roots = Vec::new();
    for hash in &hashes {
        history.push(hash);
        roots.push(json!({ "size": history.size(), "root": history.root() }));
    }
    let ancestries: Vec<Value> = [(0, 1), (0, 7), (2, 5), (4, 7), (6, 7)]
        .iter()
        .map(|&(index, size)| {
            let proof = ancestry(&hashes, index, size);
            json!({
                "block_hash": hashes[index as usize],
                "index": index,
                "size": size,
                "proof_borsh": hex::encode(codec::encode(&proof)),
            })
        })
        .collect();
    let consistencies: Vec<Value> = [(1, 7), (3, 7), (4, 7), (6, 7), (7, 7), (2, 5)]
        .iter()
        .map(|&(first, second)| {
            json!({
                "first": first,
                "second": second,
                "proof_borsh": hex::encode(codec::encode(&consistency(&hashes, first, second))),
            })
        })
        .collect();
    let file = json!({
        "description": "the history tree over the genesis hash (aa repeated, leaf 0) and six block hashes: each leaf, the root at every size, ancestry proofs (RFC 9162 inclusion proofs of a block hash as leaf `index` of the tree of `size` leaves) and consistency proofs (RFC 9162, from the tree of `first` leaves to the tree of `second`)",
        "block_hashes": hashes,
        "leaves": hashes.iter().map(history::leaf).collect::<Vec<_>>(),
        "roots": roots,
        "ancestry_proofs": ancestries,
        "consistency_proofs": consistencies,
    });

    check_file("history.json", &file);

    let root_at = |size: u64| hash_of(&file["roots"][usize::try_from(size - 1).unwrap()]["root"]);
    for case in file["ancestry_proofs"].as_array().unwrap() {
        let proof: InclusionProof = codec::decode(&hex_of(&case["proof_borsh"]), 4096).unwrap();
        let size = case["size"].as_u64().unwrap();
        let block = hash_of(&case["block_hash"]);
        history::verify_ancestry(&proof, &block, &root_at(size), size).unwrap();
        assert!(history::verify_ancestry(&proof, &Hash32([1; 32]), &root_at(size), size).is_err());
    }
    for case in file["consistency_proofs"].as_array().unwrap() {
        let proof: ConsistencyProof = codec::decode(&hex_of(&case["proof_borsh"]), 4096).unwrap();
        let (first, second) = (case["first"].as_u64().unwrap(), case["second"].as_u64().unwrap());
        proof.verify(first, &root_at(first), second, &root_at(second)).unwrap();
    }
}

/// Two checkpoints of a 12-block chain, at heights 4 and 11, of the sample child chain.
fn checkpoints() -> (Vec<Hash32>, Checkpoint, Checkpoint) {
    let mut hashes = vec![Hash32([0xaa; 32])];
    hashes.extend((1..=12u64).map(|height| hash_tagged(Tag::Header, &[&height.to_le_bytes()])));
    let at = |height: u64| {
        let mut history = History::new();
        for hash in &hashes[..height as usize] {
            history.push(hash);
        }
        let set = sample_witness_set().hash();
        Checkpoint {
            chain_id: ChainId::from("onebook-sm-1"),
            genesis_hash: hashes[0],
            height: Height(height),
            time: Timestamp(1_772_409_600_000 + height * 1000),
            block_hash: hashes[height as usize],
            history_root: history.root(),
            validator_set_hash: Hash32([0x55; 32]),
            witness_set_hash: set,
            next_witness_set_hash: set,
        }
    };
    let (older, newer) = (at(4), at(11));
    (hashes, older, newer)
}

#[test]
fn checkpoint_vectors_match_and_verify() {
    let set = sample_witness_set();
    let policy = CheckpointPolicy { interval: 10, witnesses: set.clone() };
    let sample = sample_checkpoint();
    let time = Timestamp(1_772_409_660_000);
    let cosignatures: Vec<Value> = [0x71u8, 0x72]
        .iter()
        .map(|seed| {
            let key = SecretKey::from_seed([*seed; 32]);
            let signature = key.sign(sample.cosigning_digest(time).as_bytes());
            let cosignature = Cosignature { witness: key.public_key(), time, signature };
            json!({
                "secret_seed": hex::encode(key.seed()),
                "cosignature": cosignature,
                "cosignature_borsh": hex::encode(codec::encode(&cosignature)),
            })
        })
        .collect();
    let (hashes, older, newer) = checkpoints();
    let extension = CheckpointExtension {
        consistency: consistency(&hashes, 4, 11),
        ancestry: ancestry(&hashes, 4, 11),
    };
    let file = json!({
        "description": "witnessed checkpoints: a witness set and its hash H(\"onebook/witness-set/v1\", borsh), a checkpoint policy, a checkpoint with its cosigning digest H(\"onebook/cosignature/v1\", borsh(checkpoint) || time u64 LE) at a time and two cosignatures, and the proof that a checkpoint at height 11 extends one at height 4 of the same history",
        "witness_set": set,
        "witness_set_borsh": hex::encode(codec::encode(&set)),
        "witness_set_hash": set.hash(),
        "checkpoint_policy_borsh": hex::encode(codec::encode(&policy)),
        "checkpoint": sample,
        "checkpoint_borsh": hex::encode(codec::encode(&sample)),
        "cosign_time": time,
        "cosigning_digest": sample.cosigning_digest(time),
        "cosignatures": cosignatures,
        "extension": {
            "older_borsh": hex::encode(codec::encode(&older)),
            "newer_borsh": hex::encode(codec::encode(&newer)),
            "extension_borsh": hex::encode(codec::encode(&extension)),
        },
    });

    check_file("checkpoints.json", &file);

    let set: WitnessSet = codec::decode(&hex_of(&file["witness_set_borsh"]), 4096).unwrap();
    let checkpoint: Checkpoint = codec::decode(&hex_of(&file["checkpoint_borsh"]), 4096).unwrap();
    let cosignatures: Vec<Cosignature> = file["cosignatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| codec::decode(&hex_of(&case["cosignature_borsh"]), 256).unwrap())
        .collect();
    let mut sorted = cosignatures;
    sorted.sort_by_key(|cosignature| cosignature.witness);
    assert_eq!(set.check(&checkpoint, &sorted), Ok(2));
    assert!(set.check(&checkpoint, &sorted[..1]).is_err(), "one of two is below the threshold");
    let extension = &file["extension"];
    let older: Checkpoint = codec::decode(&hex_of(&extension["older_borsh"]), 4096).unwrap();
    let newer: Checkpoint = codec::decode(&hex_of(&extension["newer_borsh"]), 4096).unwrap();
    let proof: CheckpointExtension =
        codec::decode(&hex_of(&extension["extension_borsh"]), 4096).unwrap();
    newer.verify_extends(&older, &proof).unwrap();
}
