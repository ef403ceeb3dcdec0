//! What a reader sees of restricted records beyond reading them by id (ADR 0011): in lists,
//! search hits, the event stream, tx receipts, timelines and proof bundles. Every rule here
//! leans on the record rules of `auth.rs`, so a record's audience is written once.
//!
//! | where | what a reader outside a record's audience gets |
//! |---|---|
//! | the share-request list | the request without its items and purpose, marked `"redacted": true` |
//! | search | no hit for an access event, violation, unpublished application or pending objection |
//! | the event stream, a tx's receipt | no event of such a record; `access.*` and `read.*` events only to auditors and the org named |
//! | a timeline | no entry of a tx carrying restricted content (below), unless the reader is an auditor or of the signer's org, or the timeline's record is restricted and the reader may read it |
//! | a decoded tx (`/v1/txs/{hash}`, a block's txs) | the action of a tx carrying restricted content only as the tx rule says, and the events as above |
//! | proof bundles | a record's or an access's bundle as its record rule says; a tx's bundle as the tx rule says |
//!
//! A tx carries restricted content when its action is one of [`RESTRICTED_ACTIONS`]: a share
//! request's details, a batch of accesses, a property application before its notice, an
//! objection, a batch of recorded reads. Auditors and members of the signer's org may read such a tx, and so may a reader who
//! may read every restricted record its receipt names.

use onebook_query::{
    LedgerQuery, Record, RecordKind, RecordView, StoreQuery, TxView, action_name, parse_record_key,
};
use onebook_types::{
    block::Event,
    consortium::Role,
    ids::{ApplicationId, ObjectionId, OrgId, ViolationId},
    keys::PublicKey,
    record::RecordKey,
};

use crate::{
    auth::{self, Reader},
    problem::Problem,
};

/// The actions whose txs carry restricted content, by their JSON `type`.
pub(crate) const RESTRICTED_ACTIONS: &[&str] =
    &["request_share", "record_accesses", "apply_for_property", "file_objection", "record_reads"];

/// What an event tells of, for the rule of who may receive it.
#[derive(Debug, PartialEq, Eq)]
enum Subject {
    /// Nothing restricted.
    Public,
    /// A restricted record, by its key.
    Record(RecordKey),
    /// What an org's members did: accessed data (`access.recorded` counts a batch) or read
    /// restricted records (`read.recorded`).
    OrgActivity(OrgId),
    /// A restricted kind whose record the event does not name: auditors only.
    AuditorsOnly,
}

/// The subject of an event of `kind` with `attributes`, by the kind's family (`violation.*`,
/// `property.*`, `objection.*`, `access.*`, `read.*`) and the attribute naming its record. Share-request
/// events name only what the public share-request list shows, so they are public.
fn subject(kind: &str, attributes: &[(String, String)]) -> Subject {
    let attribute = |name: &str| {
        attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    };
    let number = |name: &str| attribute(name).and_then(|value| value.parse::<u64>().ok());
    let key = match kind.split('.').next().unwrap_or_default() {
        "access" | "read" => {
            return attribute("org")
                .map_or(Subject::AuditorsOnly, |org| Subject::OrgActivity(OrgId(org.to_owned())));
        }
        "violation" => number("violation").map(|id| RecordKey::Violation(ViolationId(id))),
        "property" => number("application").map(|id| RecordKey::Application(ApplicationId(id))),
        "objection" => number("objection").map(|id| RecordKey::Objection(ObjectionId(id))),
        _ => return Subject::Public,
    };
    key.map_or(Subject::AuditorsOnly, Subject::Record)
}

fn is_auditor(reader: &Reader) -> bool {
    matches!(reader, Reader::Member(member) if member.roles.contains(&Role::Auditor))
}

/// Whether `reader` may receive an event of `kind` with `attributes`: one of a restricted record
/// only if the reader may read the record at the tip.
pub(crate) async fn may_read_event(
    query: &StoreQuery,
    reader: &Reader,
    kind: &str,
    attributes: &[(String, String)],
) -> Result<bool, Problem> {
    match subject(kind, attributes) {
        Subject::Public => Ok(true),
        Subject::AuditorsOnly => Ok(is_auditor(reader)),
        Subject::OrgActivity(org) => {
            Ok(is_auditor(reader) || matches!(reader, Reader::Member(member) if member.org == org))
        }
        Subject::Record(key) => match query.record(key, None).await? {
            Some(view) => auth::may_read_fully(query, reader, &view.record, None).await,
            None => Ok(is_auditor(reader)),
        },
    }
}

/// The events of `events` that `reader` may receive, in order.
pub(crate) async fn visible_events(
    query: &StoreQuery,
    reader: &Reader,
    events: Vec<Event>,
) -> Result<Vec<Event>, Problem> {
    let mut shown = Vec::with_capacity(events.len());
    for event in events {
        if may_read_event(query, reader, &event.kind, &event.attributes).await? {
            shown.push(event);
        }
    }
    Ok(shown)
}

/// Leaves out of a decoded tx what `reader` may not read: the action of a tx carrying restricted
/// content, and the events of restricted records. Where, who signed and the outcome stay.
pub(crate) async fn redact_tx(
    query: &StoreQuery,
    reader: &Reader,
    view: &mut TxView,
) -> Result<(), Problem> {
    let action = view.action.as_ref().map(action_name).unwrap_or_default();
    if !may_read_tx(query, reader, &action, view.signer, &view.events).await? {
        view.action = None;
    }
    view.events = visible_events(query, reader, std::mem::take(&mut view.events)).await?;
    Ok(())
}

/// Whether `reader` may read a tx of `action` (its JSON `type`) signed by `signer` that raised
/// `events` (kind and attributes), by the tx rule of the module doc.
pub(crate) async fn may_read_tx(
    query: &StoreQuery,
    reader: &Reader,
    action: &str,
    signer: PublicKey,
    events: &[Event],
) -> Result<bool, Problem> {
    if !RESTRICTED_ACTIONS.contains(&action) {
        return Ok(true);
    }
    let Reader::Member(member) = reader else { return Ok(false) };
    if is_auditor(reader) || signer_org(query, signer).await?.as_ref() == Some(&member.org) {
        return Ok(true);
    }
    let mut named = false;
    for event in events {
        if subject(&event.kind, &event.attributes) == Subject::Public {
            continue;
        }
        named = true;
        if !may_read_event(query, reader, &event.kind, &event.attributes).await? {
            return Ok(false);
        }
    }
    Ok(named)
}

/// The org of the member whose key is `signer`, at the tip.
async fn signer_org(query: &StoreQuery, signer: PublicKey) -> Result<Option<OrgId>, Problem> {
    Ok(match query.record(RecordKey::Member(signer), None).await? {
        Some(RecordView { record: Record::Member(member), .. }) => Some(member.org),
        _ => None,
    })
}

/// Leaves out of a share request in a list what only its parties and auditors may read.
pub(crate) fn redact(reader: &Reader, view: &mut RecordView) {
    if auth::may_read(reader, &view.record, &[]) {
        return;
    }
    if let Record::ShareRequest(request) = &mut view.record {
        request.items.clear();
        request.purpose.clear();
        view.redacted = true;
    }
}

/// Whether a search hit naming the record `key` may be shown to `reader`: not one of a restricted
/// record the reader may not read (share requests are listed publicly, so their hits stay).
pub(crate) async fn may_see_hit(
    query: &StoreQuery,
    reader: &Reader,
    key: &str,
) -> Result<bool, Problem> {
    let Ok(key) = parse_record_key(key) else { return Ok(true) };
    let Some(kind) = RecordKind::of(&key) else { return Ok(true) };
    if !auth::list_is_filtered(kind) {
        return Ok(true);
    }
    match query.record(key, None).await? {
        Some(view) => auth::may_read_fully(query, reader, &view.record, None).await,
        None => Ok(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
    }

    #[test]
    fn an_event_names_the_restricted_record_of_its_family() {
        let subject_of = |kind: &str, pairs: &[(&str, &str)]| subject(kind, &attributes(pairs));

        assert_eq!(subject_of("grant.issued", &[("share_request", "1")]), Subject::Public);
        assert_eq!(subject_of("share_request.refused", &[("share_request", "4")]), Subject::Public);
        assert_eq!(
            subject_of("violation.recorded", &[("violation", "2"), ("org", "xm-gaj")]),
            Subject::Record(RecordKey::Violation(ViolationId(2)))
        );
        assert_eq!(
            subject_of("property.applied", &[("application", "3")]),
            Subject::Record(RecordKey::Application(ApplicationId(3)))
        );
        assert_eq!(
            subject_of("objection.filed", &[("objection", "5"), ("application", "3")]),
            Subject::Record(RecordKey::Objection(ObjectionId(5)))
        );
        assert_eq!(
            subject_of("access.recorded", &[("org", "xm-gaj"), ("count", "3")]),
            Subject::OrgActivity(OrgId::from("xm-gaj"))
        );
        assert_eq!(
            subject_of("read.recorded", &[("reader", "ab"), ("org", "xm-dsj")]),
            Subject::OrgActivity(OrgId::from("xm-dsj"))
        );
        assert_eq!(subject_of("violation.recorded", &[("org", "x")]), Subject::AuditorsOnly);
    }
}
