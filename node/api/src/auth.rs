//! Signed reads: who is reading, and whether they may read a restricted record (ADR 0011,
//! `docs/formats.md` §18).
//!
//! A reader signs `D("onebook/read-request/v1", borsh((method, path_and_query, time_ms)))`
//! ([`read_request_digest_in`](onebook_types::read_request::read_request_digest_in), defined in `onebook-types` for the node and its clients alike) with
//! its member key and sends `Authorization: Onebook key=<64 hex>, time=<unix ms>,
//! signature=<128 hex>`. The node accepts the header when the time is within
//! [`READ_WINDOW_MS`] of its own clock, the signature verifies strictly, the signature was not
//! seen within the window, and the key is an active member of an active org at the tip. A request
//! without the header reads as [`Reader::Anonymous`].
//!
//! Who may read which record is the read port's rule (`onebook_query::read_rules`); this
//! module only finds the reader and turns a refusal into its 401 or 403 problem.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
pub(crate) use onebook_query::read_rules::{self, Reader, always_restricted, restricted_by_id};
use onebook_query::{LedgerQuery, NodeRead, Record, RecordKind, SharedQuery};
use onebook_types::{
    consortium::{Member, MemberStatus, OrgStatus},
    ids::Height,
    keys::{PublicKey, Signature},
    read_request::{AUTHORIZATION_SCHEME as SCHEME, read_request_digest_in},
    reads::SignedRead as SignedReadRecord,
    record::RecordKey,
};

use crate::{problem::Problem, reads::ReadRecorder};

/// How far a signed read's time may be from the node's clock, either way, in ms.
pub const READ_WINDOW_MS: u64 = 30_000;
/// The most signatures the node remembers within the window; beyond it, signed reads get a 503
/// until older ones leave the window.
pub const READ_SIGNATURES_MAX: usize = 100_000;

/// What the authentication layer needs: the ledger, to find the member, and the signatures
/// seen within the window.
#[derive(Clone, Debug)]
pub(crate) struct Auth {
    query: SharedQuery,
    node: Arc<dyn NodeRead>,
    seen: Arc<Mutex<ReplayCache>>,
    recorder: Option<ReadRecorder>,
}

impl Auth {
    pub(crate) fn new(
        query: SharedQuery,
        node: Arc<dyn NodeRead>,
        recorder: Option<ReadRecorder>,
    ) -> Self {
        Self { query, node, seen: Arc::new(Mutex::new(ReplayCache::default())), recorder }
    }

    /// The member a signed read comes from, and the read as signed.
    async fn member(
        &self,
        method: &str,
        path_and_query: &str,
        value: &HeaderValue,
        now_ms: u64,
    ) -> Result<(Member, SignedReadRecord), Problem> {
        let signed = SignedRead::parse(value)?;
        if signed.time_ms.abs_diff(now_ms) > READ_WINDOW_MS {
            return Err(refused(
                "read-clock-skew",
                "the signed read's time is outside the window",
                format!(
                    "header `Authorization`: `time` is {} ms from the node's clock ({now_ms}); \
                     it must be within {READ_WINDOW_MS} ms: check the reader's clock",
                    signed.time_ms.abs_diff(now_ms)
                ),
            ));
        }
        let suite = self.node.suite();
        let digest = read_request_digest_in(suite, method, path_and_query, signed.time_ms);
        suite.verify(&signed.key, digest.as_bytes(), &signed.signature).map_err(|error| {
            refused(
                "read-bad-signature",
                "the signed read's signature does not verify",
                format!(
                    "header `Authorization`: {error} over {method} {path_and_query} at time {} \
                     (docs/formats.md §18)",
                    signed.time_ms
                ),
            )
        })?;
        self.seen
            .lock()
            .map_err(|_| Problem::unavailable(&"the replay cache lock is poisoned"))?
            .admit(signed.time_ms, signed.signature, now_ms)?;
        let member = self.active_member(signed.key).await?;
        let read = SignedReadRecord {
            reader: signed.key,
            method: method.to_owned(),
            path: path_and_query.to_owned(),
            time_ms: signed.time_ms,
            signature: signed.signature,
        };
        Ok((member, read))
    }

    async fn active_member(&self, key: PublicKey) -> Result<Member, Problem> {
        let unknown = |why: &str| {
            refused(
                "read-not-a-member",
                "the reader is not an active member",
                format!("header `Authorization`: key {key} {why} at the tip"),
            )
        };
        let member = match self.query.record(RecordKey::Member(key), None).await? {
            Some(view) => match view.record {
                Record::Member(member) => member,
                _ => return Err(unknown("is not a member")),
            },
            None => return Err(unknown("is not a member")),
        };
        if member.status != MemberStatus::Active {
            return Err(unknown("is a revoked member"));
        }
        let org = self.query.record(RecordKey::Org(member.org.clone()), None).await?;
        match org.map(|view| view.record) {
            Some(Record::Org(org)) if org.status == OrgStatus::Active => Ok(member),
            _ => Err(unknown(&format!("belongs to org {}, which is not active", member.org))),
        }
    }
}

/// Reads the `Authorization` header, if any, into a [`Reader`] for the handlers; refuses the
/// request with a 401 problem if the header does not hold.
pub(crate) async fn authenticate(
    State(auth): State<Auth>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        request.extensions_mut().insert(Reader::Anonymous);
        return next.run(request).await;
    };
    let method = request.method().as_str().to_owned();
    let path_and_query =
        request.uri().path_and_query().map_or("/", |path| path.as_str()).to_owned();
    let (member, read) = match auth.member(&method, &path_and_query, value, now_ms()).await {
        Ok(signed) => signed,
        Err(problem) => return problem.into_response(),
    };
    // With the policy's read audit on, the read is served only if it can be recorded.
    let reserved = match crate::reads::reserve(&*auth.node, auth.recorder.as_ref(), &read.path) {
        Ok(reserved) => reserved,
        Err(problem) => return problem.into_response(),
    };
    request.extensions_mut().insert(Reader::Member(member));
    let response = next.run(request).await;
    if let Some(place) = reserved
        && response.status().is_success()
    {
        place.send(read);
    }
    response
}

/// The refusal of a read of `record` by `reader`: 401 for an anonymous reader, 403 for a member
/// whose role and org do not allow it.
fn refusal(reader: &Reader, record: &Record) -> Problem {
    match reader {
        Reader::Anonymous => anonymous(read_rules::restricted_kind(record)),
        Reader::Member(member) => Problem::new(
            StatusCode::FORBIDDEN,
            "read-forbidden",
            "the reader's role and org do not allow this read",
            format!(
                "member {} of org {} may not read this {}: {}",
                member.key,
                member.org,
                read_rules::restricted_kind(record),
                read_rules::audience_rule(record)
            ),
        ),
    }
}

/// Refuses the read of `record`, as of `height`, by `reader` unless its rule allows it (see
/// [`read_rules::may_read_fully`]).
pub(crate) async fn authorize(
    query: &SharedQuery,
    reader: &Reader,
    record: &Record,
    height: Option<Height>,
) -> Result<(), Problem> {
    if read_rules::may_read_fully(query, reader, record, height).await? {
        Ok(())
    } else {
        Err(refusal(reader, record))
    }
}

/// The answer to `reader` for a record of `kind` that does not exist: the 401 of a restricted
/// record to an anonymous reader of a kind that may be restricted ([`restricted_by_id`]), so
/// that absent and restricted look alike; else `not_found`.
pub(crate) fn absent(reader: &Reader, kind: RecordKind, not_found: Problem) -> Problem {
    if matches!(reader, Reader::Anonymous) && read_rules::restricted_by_id(kind) {
        anonymous(crate::records::kind_name(kind))
    } else {
        not_found
    }
}

/// The 401 problem of an anonymous read of a restricted `kind`.
pub(crate) fn anonymous(kind: &str) -> Problem {
    refused(
        "read-unauthenticated",
        "the record is restricted to members",
        format!(
            "reading a {kind} needs header `Authorization: {SCHEME} key=<64 hex>, \
             time=<unix ms>, signature=<128 hex>` signed by a member key (docs/formats.md §18)"
        ),
    )
}

/// A 401 problem: the answer carries `WWW-Authenticate: Onebook` (see `problem.rs`).
fn refused(slug: &str, title: &str, detail: String) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, slug, title, detail)
}

/// The node's clock, in Unix ms; the window is judged against it.
pub(crate) fn now_ms() -> u64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX)
}

/// The three parameters of an `Authorization: Onebook` header.
#[derive(Debug)]
struct SignedRead {
    key: PublicKey,
    time_ms: u64,
    signature: Signature,
}

impl SignedRead {
    fn parse(value: &HeaderValue) -> Result<Self, Problem> {
        let malformed = |why: String| {
            refused(
                "read-header-malformed",
                "the Authorization header is malformed",
                format!(
                    "header `Authorization`: {why}; expected `{SCHEME} key=<64 hex>, \
                     time=<unix ms>, signature=<128 hex>`"
                ),
            )
        };
        let text = value.to_str().map_err(|_| malformed("it is not visible ASCII".into()))?;
        let parameters = text
            .strip_prefix(SCHEME)
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or_else(|| malformed(format!("the scheme is not `{SCHEME}`")))?;
        let (mut key, mut time_ms, mut signature) = (None, None, None);
        for parameter in parameters.split(',') {
            let (name, value) = parameter
                .trim()
                .split_once('=')
                .ok_or_else(|| malformed(format!("{:?} is not name=value", parameter.trim())))?;
            let slot_taken =
                match name {
                    "key" => key
                        .replace(PublicKey::from_hex(value).map_err(|_| {
                            malformed(format!("`key` {value:?} is not 64 hex digits"))
                        })?)
                        .is_some(),
                    "time" => time_ms
                        .replace(value.parse::<u64>().map_err(|_| {
                            malformed(format!("`time` {value:?} is not Unix milliseconds"))
                        })?)
                        .is_some(),
                    "signature" => signature
                        .replace(Signature::from_hex(value).map_err(|_| {
                            malformed(format!("`signature` {value:?} is not 128 hex digits"))
                        })?)
                        .is_some(),
                    _ => return Err(malformed(format!("unknown parameter `{name}`"))),
                };
            if slot_taken {
                return Err(malformed(format!("parameter `{name}` appears twice")));
            }
        }
        match (key, time_ms, signature) {
            (Some(key), Some(time_ms), Some(signature)) => Ok(Self { key, time_ms, signature }),
            _ => Err(malformed("`key`, `time` and `signature` are all required".into())),
        }
    }
}

/// The signatures of accepted reads whose time is within the window, by time. Anything older
/// than the window would be refused for its time anyway, so it is pruned.
#[derive(Debug, Default)]
struct ReplayCache {
    seen: BTreeSet<(u64, Signature)>,
}

impl ReplayCache {
    /// Remembers `signature`, made at `time_ms`, as seen at `now_ms`; refuses it if already seen.
    fn admit(&mut self, time_ms: u64, signature: Signature, now_ms: u64) -> Result<(), Problem> {
        let floor = now_ms.saturating_sub(READ_WINDOW_MS);
        self.seen = self.seen.split_off(&(floor, Signature([0; 64])));
        if self.seen.contains(&(time_ms, signature)) {
            return Err(refused(
                "read-replayed",
                "the signed read was replayed",
                format!(
                    "header `Authorization`: this signature was already used within the \
                     {READ_WINDOW_MS} ms window; sign each read afresh"
                ),
            ));
        }
        if self.seen.len() >= READ_SIGNATURES_MAX {
            return Err(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "read-signatures-full",
                "the node remembers too many signed reads",
                format!(
                    "the node holds {READ_SIGNATURES_MAX} signed reads of the last \
                     {READ_WINDOW_MS} ms; retry later"
                ),
            ));
        }
        let inserted = self.seen.insert((time_ms, signature));
        assert!(inserted, "the signature was checked absent");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_replay_cache_forgets_signatures_outside_the_window_and_is_bounded() {
        let mut cache = ReplayCache::default();
        let signature = Signature([1; 64]);

        let first = cache.admit(1_000, signature, 1_000);
        let replayed = cache.admit(1_000, signature, 2_000);
        cache.admit(40_000, Signature([2; 64]), 40_000).expect("a new signature");

        assert!(first.is_ok());
        assert_eq!(replayed.map_err(|problem| problem.kind), Err("/problems/read-replayed".into()));
        assert_eq!(cache.seen.len(), 1, "the signature at time 1000 left the window");
    }

    #[test]
    fn a_full_replay_cache_answers_503() {
        let mut cache = ReplayCache::default();
        for n in 0..READ_SIGNATURES_MAX {
            let mut bytes = [0; 64];
            bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
            cache.seen.insert((1_000, Signature(bytes)));
        }

        let result = cache.admit(1_000, Signature([0xff; 64]), 1_000);

        assert_eq!(result.map_err(|problem| problem.status), Err(503));
    }
}
