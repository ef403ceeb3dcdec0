//! Signed reads: a member's signature over one REST read (`docs/formats.md` §18), and the same
//! signature carried in a [`RecordReads`](crate::action::Action::RecordReads) tx when the
//! consortium's policy has nodes record the signed reads they serve.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::{
    codec,
    hash::{Hash32, Tag, hash_tagged},
    keys::{PublicKey, Signature, SignatureError},
};

/// The digest a member signs to make a read: `D("onebook/read-request/v1",
/// borsh((method, path_and_query, time_ms)))`.
pub fn read_request_digest(method: &str, path_and_query: &str, time_ms: u64) -> Hash32 {
    let request = (method.to_owned(), path_and_query.to_owned(), time_ms);
    hash_tagged(Tag::ReadRequest, &[&codec::encode(&request)])
}

/// One read a node served to a member, as the member signed it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
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
    /// The reader's signature over [`read_request_digest`].
    pub signature: Signature,
}

impl SignedRead {
    /// Checks the reader's signature.
    pub fn verify(&self) -> Result<(), SignatureError> {
        let digest = read_request_digest(&self.method, &self.path, self.time_ms);
        self.reader.verify(digest.as_bytes(), &self.signature)
    }
}
