//! Malachite's commit certificate and Onebook's are the same precommit signatures: a
//! precommit for a block signs the [`CommitVote`] digest (see [`crate::signing`]). Conversion
//! only renames fields and sorts the signatures by node key.

use malachitebft_core_types::{
    CommitCertificate as MalachiteCertificate, ExtendedCommitCertificate, ExtendedCommitSignature,
    Round,
};
use onebook_types::block::{CommitCertificate, CommitSignature, CommitVote};

use crate::types::{ChainIdentity, ConsensusHeight, OnebookContext, ValidatorAddress};

/// The Onebook certificate of Malachite's, or `None` if its round is nil (never for a
/// decision). Signatures are sorted by node key, each signer once.
pub(crate) fn to_onebook(
    chain: &ChainIdentity,
    certificate: &MalachiteCertificate<OnebookContext>,
) -> Option<CommitCertificate> {
    let round = certificate.round.as_u32()?;
    let mut signatures: Vec<CommitSignature> = certificate
        .commit_signatures
        .iter()
        .map(|s| CommitSignature { node_key: s.address.0, signature: s.signature })
        .collect();
    signatures.sort_by_key(|s| s.node_key);
    signatures.dedup_by(|a, b| a.node_key == b.node_key);
    Some(CommitCertificate {
        vote: CommitVote {
            chain_id: chain.chain_id.clone(),
            genesis_hash: chain.genesis_hash,
            height: certificate.height.0,
            round,
            block_hash: certificate.value_id,
        },
        signatures,
    })
}

/// Malachite's certificate of an Onebook one, to serve sync. Onebook uses no vote extensions.
pub(crate) fn to_malachite(
    certificate: &CommitCertificate,
) -> ExtendedCommitCertificate<OnebookContext> {
    ExtendedCommitCertificate {
        height: ConsensusHeight(certificate.vote.height),
        round: Round::new(certificate.vote.round),
        value_id: certificate.vote.block_hash,
        commit_signatures: certificate
            .signatures
            .iter()
            .map(|s| ExtendedCommitSignature {
                address: ValidatorAddress(s.node_key),
                signature: s.signature,
                extension: None,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use malachitebft_core_types::CommitSignature as MalachiteSignature;
    use onebook_types::{
        hash::Hash32,
        ids::{ChainId, Height},
        keys::{PublicKey, Signature},
    };

    use super::*;

    #[test]
    fn signatures_come_out_sorted_by_node_key_and_convert_back() {
        let signature = |key: u8| {
            MalachiteSignature::new(ValidatorAddress(PublicKey([key; 32])), Signature([key; 64]))
        };
        let decided = MalachiteCertificate {
            height: ConsensusHeight(Height(9)),
            round: Round::new(2),
            value_id: Hash32([7; 32]),
            commit_signatures: vec![signature(3), signature(1), signature(2)],
        };

        let chain = crate::types::test_chain();
        let onebook = to_onebook(&chain, &decided).expect("round is defined");
        let back = to_malachite(&onebook);

        let keys: Vec<u8> = onebook.signatures.iter().map(|s| s.node_key.0[0]).collect();
        assert_eq!(keys, vec![1, 2, 3]);
        assert_eq!(
            onebook.vote,
            CommitVote {
                chain_id: ChainId::from("test"),
                genesis_hash: chain.genesis_hash,
                height: Height(9),
                round: 2,
                block_hash: Hash32([7; 32])
            }
        );
        assert_eq!(
            (back.height, back.round, back.value_id),
            (decided.height, decided.round, decided.value_id)
        );
        assert_eq!(back.commit_signatures.len(), 3);
    }
}
