//! Signed reads: a member's signature over one REST read (`docs/formats.md` §18), and the same
//! signature carried in a [`RecordReads`](crate::action::Action::RecordReads) tx when the
//! consortium's policy has nodes record the signed reads they serve.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    keys::{PublicKey, Signature, SignatureError},
    read_request::read_request_digest_in,
};

/// One read a node served to a member, as the member signed it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedRead {
    /// The reader's member key.
    pub reader: PublicKey,
    /// The HTTP method, `GET`.
    pub method: String,
    /// The path and query exactly as sent, such as `/v1/violations/3`.
    pub path: String,
    /// The reader's clock when it signed, in Unix ms.
    pub time_ms: u64,
    /// The reader's signature over the digest of the other four fields (`docs/formats.md` §18).
    pub signature: Signature,
}

impl SignedRead {
    /// Checks the reader's signature.
    /// (`ed25519-blake3`)
    pub fn verify(&self) -> Result<(), SignatureError> {
        self.verify_in(crate::suite::Suite::Ed25519Blake3)
    }

    /// Checks the reader's signature in `suite`.
    pub fn verify_in(&self, suite: crate::suite::Suite) -> Result<(), SignatureError> {
        let digest = read_request_digest_in(suite, &self.method, &self.path, self.time_ms);
        suite.verify(&self.reader, digest.as_bytes(), &self.signature)
    }
}
