//! Who may read what: the read rules every reader of the ledger applies (ADR 0011, ADR 0028).
//!
//! A [`Reader`] is anonymous or an active member of an active org (the REST API finds it from a
//! signed read; an in-process reader names it). The rules are pure: they look at the record read
//! and, where a record points to others (an access event's grant, an objection's application),
//! read those through the same [`LedgerQuery`]. [`ReaderQuery`](crate::ReaderQuery) applies them
//! to every answer of any `LedgerQuery`, and the REST API applies the same functions.
//!
//! | record | who may read it |
//! |---|---|
//! | access event, violation | auditors; members of the accessing org, and of the provider and grantee of the grant used |
//! | share request (by id; the list is public) | auditors; members of the requester or provider org |
//! | property application not yet published (`applied`, or refused before its notice) | auditors, registrars; members of the registrant org |
//! | objection still `pending` | auditors, registrars; members of the objector and registrant orgs |
//! | development scenario not approved (`under-review`, `returned`) | auditors; members of the developer org and of the reviewing data authority |
//! | everything else | anyone |
//!
//! Beyond reading a record by id:
//!
//! | where | what a reader outside a record's audience gets |
//! |---|---|
//! | the share-request list | the request without its items and purpose, marked `"redacted": true` |
//! | the lists of access events, violations, applications, objections, scenarios | no item the reader may not read |
//! | search | no hit for an access event, violation, unpublished application, pending objection or unapproved scenario |
//! | the event stream, a tx's receipt | no event of such a record; `access.*` and `read.*` events only to auditors and the org named |
//! | a timeline | no entry of a tx carrying restricted content (below), unless the reader is an auditor or of the signer's org, or the timeline's record is restricted and the reader may read it |
//! | a decoded tx (a tx by hash, a block's txs) | the action of a tx carrying restricted content only as the tx rule says, and the events as above |
//! | proof bundles | a record's or an access's bundle as its record rule says; a tx's bundle as the tx rule says |
//!
//! A tx carries restricted content when its action is one of [`RESTRICTED_ACTIONS`]: a share
//! request's details, a batch of accesses, a property application before its notice, an
//! objection, a batch of recorded reads, a development scenario applied for. Auditors and members of the signer's org may read such
//! a tx, and so may a reader who may read every restricted record its receipt names.

use onebook_types::{
    block::Event,
    consortium::{Member, MemberStatus, OrgStatus, Role},
    development_records::ScenarioStatus,
    ids::{ApplicationId, Height, ObjectionId, OrgId, ScenarioId, ViolationId},
    keys::PublicKey,
    property_records::{ApplicationStatus, ObjectionStatus},
    record::RecordKey,
};

use crate::{
    LedgerQuery, QueryError, Record, RecordKind, RecordView, TxView, action_name, parse_record_key,
};

/// Who is reading.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Reader {
    /// A reader who proved no membership.
    #[default]
    Anonymous,
    /// An active member of an active org.
    Member(Member),
}

impl Reader {
    /// Whether the reader is a member holding the auditor role.
    pub fn is_auditor(&self) -> bool {
        matches!(self, Self::Member(member) if member.roles.contains(&Role::Auditor))
    }
}

/// The reader whose member key is `key`, as of the tip: the member, if it is an active member
/// of an active org, else [`Reader::Anonymous`] (as the REST API would refuse its signed reads).
pub async fn reader_of<Q: LedgerQuery>(query: &Q, key: PublicKey) -> Result<Reader, QueryError> {
    let Some(RecordView { record: Record::Member(member), .. }) =
        query.record(RecordKey::Member(key), None).await?
    else {
        return Ok(Reader::Anonymous);
    };
    if member.status != MemberStatus::Active {
        return Ok(Reader::Anonymous);
    }
    match query.record(RecordKey::Org(member.org.clone()), None).await? {
        Some(RecordView { record: Record::Org(org), .. }) if org.status == OrgStatus::Active => {
            Ok(Reader::Member(member))
        }
        _ => Ok(Reader::Anonymous),
    }
}

/// The actions whose txs carry restricted content, by their JSON `type`.
pub const RESTRICTED_ACTIONS: &[&str] = &[
    "request_share",
    "record_accesses",
    "apply_for_property",
    "file_objection",
    "record_reads",
    "apply_for_scenario",
];

/// The orgs whose members, and the roles whose holders, may read `record`; `None` if anyone may.
fn audience(record: &Record) -> Option<(Vec<OrgId>, &'static [Role])> {
    const AUDITORS: &[Role] = &[Role::Auditor];
    const REGISTRARS: &[Role] = &[Role::Auditor, Role::Registrar];
    match record {
        Record::AccessEvent(event) => Some((vec![event.org.clone()], AUDITORS)),
        Record::Violation(violation) => Some((vec![violation.org.clone()], AUDITORS)),
        Record::ShareRequest(request) => {
            Some((vec![request.requester_org.clone(), request.provider.clone()], AUDITORS))
        }
        Record::Application(application) if unpublished(&application.status) => {
            Some((vec![application.registrant.clone()], REGISTRARS))
        }
        Record::Objection(objection) if objection.status == ObjectionStatus::Pending => {
            Some((vec![objection.objector_org.clone()], REGISTRARS))
        }
        Record::Scenario(scenario)
            if !matches!(scenario.status, ScenarioStatus::Approved { .. }) =>
        {
            Some((vec![scenario.developer.clone(), scenario.authority.clone()], AUDITORS))
        }
        _ => None,
    }
}

/// Whether an application never went into its public notice: still waiting for review, or
/// refused by the registrar before any notice (no upheld objection).
const fn unpublished(status: &ApplicationStatus) -> bool {
    matches!(
        status,
        ApplicationStatus::Applied | ApplicationStatus::Refused { objection: None, .. }
    )
}

/// Who may read `record`, as a sentence ("auditors and members of ... may").
pub fn audience_rule(record: &Record) -> &'static str {
    match record {
        Record::AccessEvent(_) | Record::Violation(_) => {
            "auditors and members of the accessing org or of the grant's provider or grantee may"
        }
        Record::ShareRequest(_) => "auditors and members of the requester or provider org may",
        Record::Application(_) => {
            "auditors, registrars and members of the registrant org may, until its public notice"
        }
        Record::Objection(_) => {
            "auditors, registrars and members of the objector or registrant org may, until it is ruled on"
        }
        Record::Scenario(_) => {
            "auditors and members of the developer org or of the reviewing data authority may, until it is approved"
        }
        _ => "anyone may",
    }
}

/// What a restricted record is, in words ("access event", ...); "record" for the others.
pub const fn restricted_kind(record: &Record) -> &'static str {
    let kind = record.kind();
    if restricted_by_id(kind) { kind.name() } else { "record" }
}

/// Whether `reader` may read `record`, whose related orgs ([`may_read_fully`]) are `related`
/// (none in a list).
pub fn may_read(reader: &Reader, record: &Record, related: &[OrgId]) -> bool {
    let Some((orgs, roles)) = audience(record) else { return true };
    let Reader::Member(member) = reader else { return false };
    orgs.contains(&member.org)
        || related.contains(&member.org)
        || member.roles.iter().any(|role| roles.contains(role))
}

/// Whether `reader` may read `record`, as of `height`, by its rule, looking up the orgs it
/// concerns through the records it points to only when the record alone does not allow it.
pub async fn may_read_fully<Q: LedgerQuery>(
    query: &Q,
    reader: &Reader,
    record: &Record,
    height: Option<Height>,
) -> Result<bool, QueryError> {
    if may_read(reader, record, &[]) {
        return Ok(true);
    }
    if matches!(reader, Reader::Anonymous) {
        return Ok(false);
    }
    Ok(may_read(reader, record, &related_orgs(query, record, height).await?))
}

/// The orgs a restricted record concerns through the records it points to, as of `height`: an
/// access event's grant's provider and grantee, the same for a violation's access event, and an
/// objection's application's registrant. Single reads and timelines look them up; lists do not.
async fn related_orgs<Q: LedgerQuery>(
    query: &Q,
    record: &Record,
    height: Option<Height>,
) -> Result<Vec<OrgId>, QueryError> {
    let read = |key| query.record(key, height);
    let event = match record {
        Record::AccessEvent(event) => Some(event.clone()),
        Record::Violation(violation) => {
            match read(RecordKey::AccessEvent(violation.access_event)).await? {
                Some(RecordView { record: Record::AccessEvent(event), .. }) => Some(event),
                _ => None,
            }
        }
        Record::Objection(objection) => {
            return Ok(match read(RecordKey::Application(objection.application)).await? {
                Some(RecordView { record: Record::Application(application), .. }) => {
                    vec![application.registrant]
                }
                _ => vec![],
            });
        }
        _ => None,
    };
    let Some(event) = event else { return Ok(vec![]) };
    let mut orgs = vec![event.org];
    if let Some(grant) = event.access.grant
        && let Some(RecordView { record: Record::Grant(grant), .. }) =
            read(RecordKey::Grant(grant)).await?
    {
        orgs.extend([grant.provider, grant.grantee]);
    }
    Ok(orgs)
}

/// Whether every record of `kind` is restricted, so that an anonymous reader cannot even list
/// them.
pub const fn always_restricted(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::AccessEvent | RecordKind::Violation)
}

/// Whether a record of `kind` read by id may be restricted. An anonymous read of such a record
/// that does not exist (at the height asked) is refused as one that is restricted, so the
/// answer does not tell an anonymous reader whether it exists.
pub const fn restricted_by_id(kind: RecordKind) -> bool {
    matches!(
        kind,
        RecordKind::AccessEvent
            | RecordKind::Violation
            | RecordKind::ShareRequest
            | RecordKind::Application
            | RecordKind::Objection
            | RecordKind::Scenario
    )
}

/// Whether `reader` may count the records of `kind` naming `org` (any org when `None`): a
/// count tells nothing of records whose list is public, and of a filtered list's records
/// ([`list_is_filtered`]) it may count only what it may read every one of: an auditor (or a
/// registrar, for applications and objections) all of them, a member those naming its own org.
pub fn may_count(reader: &Reader, kind: RecordKind, org: Option<&OrgId>) -> bool {
    if !list_is_filtered(kind) {
        return true;
    }
    let Reader::Member(member) = reader else { return false };
    let roles: &[Role] = match kind {
        RecordKind::Application | RecordKind::Objection => &[Role::Auditor, Role::Registrar],
        _ => &[Role::Auditor],
    };
    member.roles.iter().any(|role| roles.contains(role)) || org == Some(&member.org)
}

/// Whether a list of `kind` leaves out the items its reader may not read. The share-request list
/// is public (only a request's detail by id is restricted).
pub const fn list_is_filtered(kind: RecordKind) -> bool {
    matches!(
        kind,
        RecordKind::AccessEvent
            | RecordKind::Violation
            | RecordKind::Application
            | RecordKind::Objection
            | RecordKind::Scenario
    )
}

/// The items of a page of `kind` that `reader` may see: those it may not read are left out of a
/// filtered list ([`list_is_filtered`]), and a share request is shown without its items and
/// purpose ([`redact`]).
pub fn visible_items(reader: &Reader, kind: RecordKind, items: &mut Vec<RecordView>) {
    if list_is_filtered(kind) {
        items.retain(|item| may_read(reader, &item.record, &[]));
    }
    if kind == RecordKind::ShareRequest {
        items.iter_mut().for_each(|item| redact(reader, item));
    }
}

/// Leaves out of a share request in a list what only its parties and auditors may read.
pub fn redact(reader: &Reader, view: &mut RecordView) {
    if may_read(reader, &view.record, &[]) {
        return;
    }
    if let Record::ShareRequest(request) = &mut view.record {
        request.items.clear();
        request.purpose.clear();
        view.redacted = true;
    }
}

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
/// `property.*`, `objection.*`, `access.*`, `read.*`) and the attribute naming its record.
/// Share-request events name only what the public share-request list shows, so they are public.
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
        "scenario" => number("scenario").map(|id| RecordKey::Scenario(ScenarioId(id))),
        _ => return Subject::Public,
    };
    key.map_or(Subject::AuditorsOnly, Subject::Record)
}

/// Whether `reader` may receive an event of `kind` with `attributes`: one of a restricted record
/// only if the reader may read the record at the tip.
pub async fn may_read_event<Q: LedgerQuery>(
    query: &Q,
    reader: &Reader,
    kind: &str,
    attributes: &[(String, String)],
) -> Result<bool, QueryError> {
    match subject(kind, attributes) {
        Subject::Public => Ok(true),
        Subject::AuditorsOnly => Ok(reader.is_auditor()),
        Subject::OrgActivity(org) => {
            Ok(reader.is_auditor() || matches!(reader, Reader::Member(member) if member.org == org))
        }
        Subject::Record(key) => match query.record(key, None).await? {
            Some(view) => may_read_fully(query, reader, &view.record, None).await,
            None => Ok(reader.is_auditor()),
        },
    }
}

/// The events of `events` that `reader` may receive, in order.
pub async fn visible_events<Q: LedgerQuery>(
    query: &Q,
    reader: &Reader,
    events: Vec<Event>,
) -> Result<Vec<Event>, QueryError> {
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
pub async fn redact_tx<Q: LedgerQuery>(
    query: &Q,
    reader: &Reader,
    view: &mut TxView,
) -> Result<(), QueryError> {
    let action = view.action.as_ref().map(action_name).unwrap_or_default();
    if !may_read_tx(query, reader, &action, view.signer, &view.events).await? {
        view.action = None;
    }
    view.events = visible_events(query, reader, std::mem::take(&mut view.events)).await?;
    Ok(())
}

/// Whether `reader` may read a tx of `action` (its JSON `type`) signed by `signer` that raised
/// `events` (kind and attributes), by the tx rule of the module doc.
pub async fn may_read_tx<Q: LedgerQuery>(
    query: &Q,
    reader: &Reader,
    action: &str,
    signer: PublicKey,
    events: &[Event],
) -> Result<bool, QueryError> {
    if !RESTRICTED_ACTIONS.contains(&action) {
        return Ok(true);
    }
    let Reader::Member(member) = reader else { return Ok(false) };
    if reader.is_auditor() || signer_org(query, signer).await?.as_ref() == Some(&member.org) {
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
async fn signer_org<Q: LedgerQuery>(
    query: &Q,
    signer: PublicKey,
) -> Result<Option<OrgId>, QueryError> {
    Ok(match query.record(RecordKey::Member(signer), None).await? {
        Some(RecordView { record: Record::Member(member), .. }) => Some(member.org),
        _ => None,
    })
}

/// Whether a search hit naming the record `key` may be shown to `reader`: not one of a restricted
/// record the reader may not read (share requests are listed publicly, so their hits stay).
pub async fn may_see_hit<Q: LedgerQuery>(
    query: &Q,
    reader: &Reader,
    key: &str,
) -> Result<bool, QueryError> {
    let Ok(key) = parse_record_key(key) else { return Ok(true) };
    let Some(kind) = RecordKind::of(&key) else { return Ok(true) };
    if !list_is_filtered(kind) {
        return Ok(true);
    }
    match query.record(key, None).await? {
        Some(view) => may_read_fully(query, reader, &view.record, None).await,
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
        assert_eq!(
            subject_of("scenario.applied", &[("scenario", "6"), ("authority", "xm-dsj")]),
            Subject::Record(RecordKey::Scenario(ScenarioId(6)))
        );
        assert_eq!(subject_of("development_grant.issued", &[("scenario", "6")]), Subject::Public);
        assert_eq!(subject_of("violation.recorded", &[("org", "x")]), Subject::AuditorsOnly);
    }
}
