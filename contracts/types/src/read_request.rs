//! Signed reads: the digest a member signs to read restricted records over the REST API, and the
//! `Authorization` header that carries the signature (`docs/formats.md` §18, ADR 0011).
//!
//! The node checks the header (`node/api/src/auth.rs`) and a client makes it (the HTTP client of
//! `onebook-query`, SDKs); both use [`read_request_digest`], so the bytes signed have one
//! definition.

use crate::{
    codec,
    hash::{Hash32, Tag},
    keys::SecretKey,
    suite::Suite,
};

/// The scheme of the `Authorization` header of a signed read.
pub const AUTHORIZATION_SCHEME: &str = "Onebook";

/// The digest a member signs to make a read: `D("onebook/read-request/v1",
/// borsh((method, path_and_query, time_ms)))`.
/// In the `ed25519-blake3` suite; see [`read_request_digest_in`].
pub fn read_request_digest(method: &str, path_and_query: &str, time_ms: u64) -> Hash32 {
    read_request_digest_in(Suite::Ed25519Blake3, method, path_and_query, time_ms)
}

/// [`read_request_digest`] in `suite`.
pub fn read_request_digest_in(
    suite: Suite,
    method: &str,
    path_and_query: &str,
    time_ms: u64,
) -> Hash32 {
    let request = (method.to_owned(), path_and_query.to_owned(), time_ms);
    suite.hash_tagged(Tag::ReadRequest, &[&codec::encode(&request)])
}

/// The `Authorization` header value that signs a read of `path_and_query` (the path and, if any,
/// `?` and the query exactly as sent) with `method` at `time_ms` (Unix ms):
/// `Onebook key=<64 hex>, time=<unix ms>, signature=<128 hex>`.
pub fn sign_read(secret: &SecretKey, method: &str, path_and_query: &str, time_ms: u64) -> String {
    let digest = read_request_digest_in(secret.suite(), method, path_and_query, time_ms);
    let signature = secret.sign(digest.as_bytes());
    format!(
        "{AUTHORIZATION_SCHEME} key={}, time={time_ms}, signature={signature}",
        secret.public_key()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_read_of_docs_formats_section_18_is_pinned() {
        // `docs/formats.md` §18 shows this example; SDKs check their signing against it.
        let secret = SecretKey::from_seed([0x11; 32]);
        let (method, path, time_ms) = ("GET", "/v1/access-events/1?height=5", 1_767_196_860_000);

        let borsh = codec::encode(&(method.to_owned(), path.to_owned(), time_ms));
        let digest = read_request_digest(method, path, time_ms);
        let header = sign_read(&secret, method, path, time_ms);

        let path_hex = "2f76312f6163636573732d6576656e74732f313f6865696768743d35";
        assert_eq!(hex::encode(borsh), format!("030000004745541c000000{path_hex}601e24759b010000"));
        assert_eq!(
            digest.to_hex(),
            "92bbd12dd1c1db127c377064ace71db738fe8b0682e0bea9c73c0503b308a059"
        );
        assert_eq!(
            header,
            "Onebook key=d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737, \
             time=1767196860000, signature=e004ace26bccf6776807caafac5a3fba6f55fd32fec11b6c189eef\
             154bade8ea82a8cf3e2401e96de21cf2b34102cfabb34bfd34ac25a1b7cf1f9ebd5184d404"
        );
    }
}
