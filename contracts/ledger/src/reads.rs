//! Handler of `RecordReads`: the signed reads of restricted records a node served, recorded on
//! the ledger when the policy's `record_signed_reads` is on (ADR 0011).
//!
//! Any active member of an active org may sign the batch (a node signs with its operator's
//! key); the evidence is each reader's own signature over the read, checked here, so a node can
//! neither invent a read nor change one. Each read becomes a `read.recorded` event naming the
//! reader, the reader's org, the path and the reader's time.

use onebook_types::{
    consortium::Member,
    limits::{READ_PATH_BYTES_MAX, READS_PER_TX_MAX},
    reads::SignedRead,
    record::RecordKey,
    rejection::Rejection,
};

use crate::{
    executor::{Effects, TxContext},
    ports::{StateRead, load},
};

/// `RecordReads`: checks every read and records it as an event.
pub fn record_reads(
    state: &impl StateRead,
    ctx: &TxContext<'_>,
    reads: &[SignedRead],
) -> Result<Effects, Rejection> {
    if reads.is_empty() || reads.len() > READS_PER_TX_MAX {
        return Err(Rejection::ReadBatchSize);
    }
    let mut effects = Effects::default();
    for read in reads {
        let path_ok = read.path.starts_with('/') && read.path.len() <= READ_PATH_BYTES_MAX;
        if read.method != "GET" || !path_ok {
            return Err(Rejection::ReadMalformed);
        }
        read.verify_in(ctx.block.suite).map_err(|_| Rejection::ReadSignatureInvalid)?;
        let reader: Member =
            load(state, &RecordKey::Member(read.reader)).ok_or(Rejection::ReaderUnknown)?;
        effects.event(
            "read.recorded",
            &[
                ("reader", read.reader.to_string()),
                ("org", reader.org.to_string()),
                ("path", read.path.clone()),
                ("time", read.time_ms.to_string()),
                ("node_org", ctx.signer.org.to_string()),
            ],
        );
        if reader.org != ctx.signer.org && !effects.orgs.contains(&reader.org) {
            effects.orgs.push(reader.org);
        }
    }
    Ok(effects)
}

/// One way through the executor to each read-audit code: the chain just before, and the tx it
/// refuses.
#[cfg(test)]
pub(crate) fn reach(rejection: Rejection) -> Option<crate::testkit::Reach> {
    use crate::testkit::{Chain, Reach};
    let batch = |reads| Reach::by(Chain::dev(), tests::NODE, Action::RecordReads { reads });
    Some(match rejection {
        Rejection::ReadBatchSize => batch(vec![]),
        Rejection::ReadSignatureInvalid => {
            let mut read = tests::read("xm-dsj/auditor", "/v1/violations/1");
            read.time_ms += 1;
            batch(vec![read])
        }
        Rejection::ReaderUnknown => batch(vec![tests::read("nobody", "/v1/violations/1")]),
        Rejection::ReadMalformed => batch(vec![tests::read("xm-dsj/auditor", "v1/violations")]),
        _ => return None,
    })
}

#[cfg(test)]
use onebook_types::action::Action;

#[cfg(test)]
mod tests {
    use onebook_genesis::dev_secret;
    use onebook_types::{action::Action, read_request::read_request_digest};

    use super::*;
    use crate::testkit::{Chain, refusal};

    /// The node operator's key that signs the batches: any active member.
    pub(super) const NODE: &str = "xm-dsj/admin";

    /// A read of `path` signed by the dev key `label`.
    pub(super) fn read(label: &str, path: &str) -> SignedRead {
        let secret = dev_secret(label);
        let time_ms = 1_772_409_600_000;
        let signature = secret.sign(read_request_digest("GET", path, time_ms).as_bytes());
        SignedRead {
            reader: secret.public_key(),
            method: "GET".into(),
            path: path.into(),
            time_ms,
            signature,
        }
    }

    #[test]
    fn each_signed_read_becomes_an_event_naming_reader_org_and_path() {
        let mut chain = Chain::dev();
        let reads = vec![
            read("xm-dsj/auditor", "/v1/violations/1"),
            read("xm-gaj/gateway", "/v1/access-events?org=xm-gaj"),
        ];

        let receipt = chain.run(NODE, Action::RecordReads { reads: reads.clone() });

        assert_eq!(refusal(&receipt), None);
        let kinds: Vec<_> = receipt.events.iter().map(|event| event.kind.as_str()).collect();
        assert_eq!(kinds, ["read.recorded", "read.recorded"]);
        let attribute = |index: usize, name: &str| {
            let attributes = &receipt.events[index].attributes;
            attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
        };
        assert_eq!(attribute(0, "reader"), Some(reads[0].reader.to_string()));
        assert_eq!(attribute(0, "path").as_deref(), Some("/v1/violations/1"));
        assert_eq!(attribute(1, "org").as_deref(), Some("xm-gaj"));
        assert_eq!(attribute(1, "node_org").as_deref(), Some("xm-dsj"));
    }

    #[test]
    fn a_read_with_a_changed_path_or_too_many_reads_is_refused() {
        let mut chain = Chain::dev();
        let mut changed = read("xm-dsj/auditor", "/v1/violations/1");
        changed.path = "/v1/violations/2".into();
        let many = vec![read("xm-dsj/auditor", "/v1/violations/1"); READS_PER_TX_MAX + 1];

        let forged = chain.run(NODE, Action::RecordReads { reads: vec![changed] });
        let too_many = chain.run(NODE, Action::RecordReads { reads: many });

        assert_eq!(refusal(&forged), Some(Rejection::ReadSignatureInvalid));
        assert_eq!(refusal(&too_many), Some(Rejection::ReadBatchSize));
    }
}
