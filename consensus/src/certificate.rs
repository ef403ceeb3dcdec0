//! Malachite's commit certificate and Onebook's are the same precommit signatures: a
//! precommit for a block signs the [`CommitVote`] digest (see [`crate::signing`]). Conversion
//! only renames fields and sorts the signatures by node key.

use malachitebft_core_types::{
    CommitCertificate as MalachiteCertificate, ExtendedCommitCertificate, ExtendedCommitSignature,
    Round,
};
use onebook_types::{
    block::{CommitCertificate, CommitSignature, CommitVote},
    ids::ChainId,
};

use crate::types::{ConsensusHeight, OnebookContext, ValidatorAddress};

/// The Onebook certificate of Malachite's, or `None` if its round is nil (never for a
/// decision). Signatures are sorted by node key, each signer once.
pub(crate) fn to_onebook(
    chain_id: &ChainId,
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
            chain_id: chain_id.clone(),
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
