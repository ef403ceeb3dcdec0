//! Deadline-bound obligations of an org, and the per-org index of the open ones.
//!
//! ```text
//!   RecordDutyChange ─────────▶ CatalogUpdate ─────── the org's next SubmitCatalogEntry ──┐
//!   PublishCatalogEntry ──────▶ ResourceRegistration ─ its next RegisterResource there ──┼─▶ Met
//!   ReportQualityIssue ───────▶ Correction ─────────── the provider's AnswerQualityIssue ─┤
//!   a grant issued (v3 on) ───▶ GrantCloseOut ──────── the grantee's CloseOutGrant ───────┘
//!        (Open; overdue once block time passes `due`, and still Open)
//! ```
//!
//! An obligation is opened with a due time counted in the policy's working days, and stays
//! stored forever under [`RecordKey::Obligation`]. While open it is also listed in the org's
//! [`OrgObligations`] index under [`RecordKey::OrgObligations`] (sorted by id, with kind and due
//! time, at most [`ORG_OPEN_OBLIGATIONS_MAX`]), so meeting obligations and asking which are
//! overdue ([`overdue_obligations`]) read only that org's open ones. Met, an obligation leaves the
//! index and records the height, time and the record the meeting tx wrote.

use onebook_types::{
    catalog_records::{
        ORG_OPEN_OBLIGATIONS_MAX, Obligation, ObligationKind, ObligationStatus, OpenObligation,
        OrgObligations,
    },
    ids::{ObligationId, OrgId, Timestamp},
    record::RecordKey,
    rejection::Rejection,
};

use crate::{
    calendar, checks,
    executor::{Effects, TxContext},
    ports::{StateRead, StateWrite, load, store},
};

/// The sequence that numbers obligations.
const OBLIGATION_SEQUENCE: &str = "obligation";

/// What a new obligation is: who owes it, what it requires, and what it concerns.
#[derive(Clone, Debug)]
pub(crate) struct Duty<'d> {
    /// The org that owes it.
    pub(crate) org: &'d OrgId,
    /// What it requires.
    pub(crate) kind: ObligationKind,
    /// What gave rise to it.
    pub(crate) description: String,
    /// Working days to meet it.
    pub(crate) working_days: u16,
    /// The record it concerns, if any.
    pub(crate) subject: Option<RecordKey>,
}

/// The open obligations of `org` that are overdue at block time `now`, by id.
pub fn overdue_obligations(state: &impl StateRead, org: &OrgId, now: Timestamp) -> Vec<Obligation> {
    index(state, org)
        .open
        .iter()
        .filter(|open| now > open.due)
        .map(|open| obligation(state, open.id))
        .filter(|obligation| crate::catalog::is_overdue(obligation, now))
        .collect()
}

/// The open obligations of `org`, by id.
pub fn open_obligations(state: &impl StateRead, org: &OrgId) -> Vec<Obligation> {
    index(state, org).open.iter().map(|open| obligation(state, open.id)).collect()
}

/// Opens `duty`, due in its working days after the block time, lists it in its org's index and
/// raises `obligation.opened`. Refused with [`Rejection::OpenObligationsFull`] if the org
/// already owes [`ORG_OPEN_OBLIGATIONS_MAX`].
pub(crate) fn open(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    duty: Duty<'_>,
    effects: &mut Effects,
) -> Result<Obligation, Rejection> {
    let due = calendar::deadline(ctx.block.time, duty.working_days, ctx.policy);
    open_until(state, ctx, duty, due, effects)
}

/// Opens `duty` due at `due` (its `working_days` already counted by the caller from the event
/// that starts them, such as a grant's end), as [`open`] does.
pub(crate) fn open_until(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    duty: Duty<'_>,
    due: Timestamp,
    effects: &mut Effects,
) -> Result<Obligation, Rejection> {
    let mut listed = index(state, duty.org);
    if listed.open.len() >= ORG_OPEN_OBLIGATIONS_MAX {
        return Err(Rejection::OpenObligationsFull);
    }
    let id = ObligationId(checks::next_id(state, OBLIGATION_SEQUENCE));
    let obligation = Obligation {
        id,
        org: duty.org.clone(),
        kind: duty.kind,
        description: duty.description,
        opened_at: ctx.block.height,
        opened_time: ctx.block.time,
        due,
        status: ObligationStatus::Open,
        subject: duty.subject,
    };
    store(state, RecordKey::Obligation(id), &obligation);
    // Ids come from one increasing sequence, so pushing keeps the index sorted.
    listed.open.push(OpenObligation { id, kind: obligation.kind, due });
    save_index(state, &obligation.org, &listed);
    effects.event(
        "obligation.opened",
        &[
            ("obligation", id.to_string()),
            ("org", obligation.org.to_string()),
            ("kind", kind_name(obligation.kind).into()),
            ("due", due.to_string()),
        ],
    );
    Ok(obligation)
}

/// Marks met every open obligation of `org` of `kind` whose subject is `subject` (any subject
/// when `None`), naming `record` as what met it, and raises `obligation.met` for each.
pub(crate) fn meet(
    state: &mut impl StateWrite,
    ctx: &TxContext<'_>,
    org: &OrgId,
    kind: ObligationKind,
    subject: Option<&RecordKey>,
    record: &RecordKey,
    effects: &mut Effects,
) {
    let mut listed = index(state, org);
    let mut still_open = Vec::with_capacity(listed.open.len());
    for open in listed.open {
        let mut obligation = obligation(state, open.id);
        let matches = open.kind == kind
            && subject.is_none_or(|subject| obligation.subject.as_ref() == Some(subject));
        if !matches {
            still_open.push(open);
            continue;
        }
        assert_eq!(obligation.status, ObligationStatus::Open, "the index lists open ones only");
        obligation.status = ObligationStatus::Met {
            at: ctx.block.height,
            time: ctx.block.time,
            record: record.clone(),
        };
        store(state, RecordKey::Obligation(open.id), &obligation);
        effects.event(
            "obligation.met",
            &[
                ("obligation", open.id.to_string()),
                ("org", org.to_string()),
                ("kind", kind_name(kind).into()),
                record_attribute(record),
                ("late", (ctx.block.time > obligation.due).to_string()),
            ],
        );
    }
    listed.open = still_open;
    save_index(state, org, &listed);
}

/// Brings the due time of the open obligation of `org` of `kind` on `subject` forward to `due`
/// (never later), in the obligation and in the org's index, raising `obligation.due_changed`.
/// The due time of the open one, if any.
pub(crate) fn bring_forward(
    state: &mut impl StateWrite,
    org: &OrgId,
    kind: ObligationKind,
    subject: &RecordKey,
    due: Timestamp,
    effects: &mut Effects,
) -> Option<Timestamp> {
    let mut listed = index(state, org);
    let mut found = None;
    for open in &mut listed.open {
        if open.kind != kind {
            continue;
        }
        let mut obligation = obligation(state, open.id);
        if obligation.subject.as_ref() != Some(subject) {
            continue;
        }
        if due < obligation.due {
            obligation.due = due;
            open.due = due;
            store(state, RecordKey::Obligation(open.id), &obligation);
            effects.event(
                "obligation.due_changed",
                &[
                    ("obligation", open.id.to_string()),
                    ("org", org.to_string()),
                    ("kind", kind_name(kind).into()),
                    ("due", due.to_string()),
                ],
            );
        }
        found = Some(open.due);
        break;
    }
    if found.is_some() {
        save_index(state, org, &listed);
    }
    found
}

/// The event name of `kind`.
pub(crate) fn kind_name(kind: ObligationKind) -> &'static str {
    match kind {
        ObligationKind::CatalogUpdate => "catalog-update",
        ObligationKind::ResourceRegistration => "resource-registration",
        ObligationKind::Correction => "correction",
        ObligationKind::GrantCloseOut => "grant-close-out",
    }
}

/// The event attribute naming the record that met an obligation.
fn record_attribute(record: &RecordKey) -> (&'static str, String) {
    match record {
        RecordKey::CatalogEntry(code) => ("entry", code.to_string()),
        RecordKey::Resource(id) => ("resource", id.to_string()),
        RecordKey::QualityReport(id) => ("quality_report", id.to_string()),
        RecordKey::GrantCloseOut(id) => ("grant", id.to_string()),
        other => ("record", format!("{other:?}")),
    }
}

fn index(state: &(impl StateRead + ?Sized), org: &OrgId) -> OrgObligations {
    load(state, &RecordKey::OrgObligations(org.clone())).unwrap_or_default()
}

fn save_index(state: &mut impl StateWrite, org: &OrgId, listed: &OrgObligations) {
    let key = RecordKey::OrgObligations(org.clone());
    if listed.open.is_empty() {
        state.delete(key);
    } else {
        store(state, key, listed);
    }
}

fn obligation(state: &(impl StateRead + ?Sized), id: ObligationId) -> Obligation {
    load(state, &RecordKey::Obligation(id)).expect("the index lists stored obligations only")
}

#[cfg(test)]
mod tests {
    use onebook_types::{
        action::Action,
        hash::Hash32,
        ids::{ObligationId, ResourceId},
    };

    use super::*;
    use crate::{sharing::catalog_view::fixtures, testkit::Chain};

    #[test]
    fn the_overdue_list_holds_the_open_duties_past_their_due_time_by_id() {
        let mut chain = Chain::dev();
        let resource = fixtures::resource(1, "350200-xm-scjg-0001", "xm-scjg", &[]);
        store(&mut chain.state, RecordKey::Resource(ResourceId(1)), &resource);
        let scjg = OrgId::from("xm-scjg");
        chain.run("xm-scjg/admin", Action::RecordDutyChange { description: "职能划入".into() });
        let report = |description: &str| Action::ReportQualityIssue {
            resource: ResourceId(1),
            description: description.into(),
            evidence_digest: Hash32([1; 32]),
        };
        chain.run("xm-gaj/gateway", report("企业名称乱码"));
        chain.run("xm-jypt/data-user", report("法定代表人为空"));
        let [catalog_update, correction, _] =
            [1, 2, 3].map(|id| obligation(&chain.state, ObligationId(id)));
        assert!(correction.due < catalog_update.due, "5 working days end before 7");

        let between = overdue_obligations(&chain.state, &scjg, Timestamp(correction.due.0 + 1));
        let after = overdue_obligations(&chain.state, &scjg, Timestamp(catalog_update.due.0 + 1));

        let ids = |list: &[Obligation]| list.iter().map(|o| o.id.0).collect::<Vec<_>>();
        assert_eq!(ids(&between), [2, 3]);
        assert_eq!(ids(&after), [1, 2, 3]);
        assert_eq!(ids(&open_obligations(&chain.state, &scjg)), [1, 2, 3]);
        assert_eq!(overdue_obligations(&chain.state, &scjg, catalog_update.opened_time), []);
    }
}
