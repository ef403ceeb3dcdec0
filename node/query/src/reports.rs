//! Periodic reports (通报): the figures of an org or a region over a month, quarter or year,
//! computed from the ledger alone through any [`LedgerQuery`].
//!
//! **What is read, and as of when.** Every figure is read as of one height, the report's
//! `as_of_height`: the last block whose time is before the period's end, or the height asked if
//! that is earlier (a period still running). So the figures of a closed period are those of the
//! ledger at the period's end: a tx recorded after it changes none of them, and the report
//! recomputed at any later height is the same, byte for byte, with the same digest. The period's
//! last block is found by a binary search over block headers (about 20 header reads).
//!
//! **What is counted** (`from`..`to` is the period, in the policy's local time):
//! - catalog: the org's catalog entries not deprecated, those with a published version, and
//!   those of them with at least one resource registered (completeness in per mille);
//! - timeliness: the obligations due within the period, by kind (catalog update after a duty
//!   change, resource registration, correction, grant close-out): met on time, met late, still
//!   open past due, not yet due; and every obligation open and past due at `as_of_height`;
//! - sharing: the share requests to the org (as provider) made within the period: answered by
//!   their deadline, answered after it, pending (and of those, past due), withdrawn; the working
//!   days from request to answer (median and 90th percentile, nearest rank, on the governed
//!   working-day calendar; an answer on the day of the request takes 0); refusals by legal basis;
//! - quality: reports on the org's resources made within the period, by where they stand, and
//!   rulings by who was held responsible;
//! - violations: accesses by the org's members recorded within the period that no grant
//!   covered, by reason.
//!
//! Every figure carries the keys of the records it counts (`share_request:7`), so a page links
//! them and a reader can check each one.
//!
//! **Bounds.** Each list is read through the store's org index (only the org's records), at
//! most [`REPORT_RECORDS_MAX`] records per kind and org (beyond it the report is refused, naming
//! the kind, rather than given short), with the period as a time filter where a record's
//! creation time is what is counted (share requests, quality reports, violations). A region
//! covers at most [`REPORT_ORGS_MAX`] orgs. A share request answered later than in the block
//! that recorded it costs a timeline read and three record or header reads.

use std::collections::BTreeMap;

use borsh::BorshSerialize;
use onebook_ledger::calendar::is_working_day;
use onebook_types::{
    catalog_records::{CatalogEntry, CatalogStatus, Obligation, ObligationKind, ObligationStatus},
    codec,
    consortium::Policy,
    hash::{Hash32, Tag},
    ids::{Height, OrgId, Timestamp},
    limits::PAGE_ITEMS_MAX,
    quality_records::QualityStatus,
    record::RecordKey,
    report_records::{ReportPeriod, ReportScope},
    sharing_records::{ShareRequest, ShareStatus},
    suite::Suite,
    time::Date,
};
use serde::{Deserialize, Serialize};

use crate::{LedgerQuery, ListParams, PageParams, QueryError, Record, RecordKind, RecordView};

/// Most records of one kind a report reads for one org.
pub const REPORT_RECORDS_MAX: usize = 20_000;

/// Most orgs a region's report covers.
pub const REPORT_ORGS_MAX: usize = 1_000;

/// A count and the records counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figure {
    /// How many records.
    pub count: u64,
    /// Their keys as `<kind>:<id>`, in the order read.
    pub records: Vec<String>,
}

impl Figure {
    fn push(&mut self, key: String) {
        self.count += 1;
        self.records.push(key);
    }
}

/// A figure under a name: a legal basis, a violation reason, an obligation kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    /// The name (a legal-basis code, a reason as JSON spells it).
    pub name: String,
    /// The records under it.
    #[serde(flatten)]
    pub figure: Figure,
}

/// The catalog's completeness at the period's end.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogFigures {
    /// Entries of the orgs not deprecated.
    pub entries: Figure,
    /// Of those, the ones with a published version.
    pub published: Figure,
    /// Of those, the ones with at least one resource registered (数据应汇尽汇).
    pub with_resources: Figure,
    /// `with_resources` per thousand `published`; `None` with none published.
    pub completeness_per_mille: Option<u32>,
}

/// The obligations of one kind due within the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObligationFigures {
    /// The kind, as JSON spells it (`catalog-update`, ...).
    pub kind: String,
    /// Due within the period.
    pub due: Figure,
    /// Met by their due time.
    pub met_on_time: Figure,
    /// Met after their due time.
    pub met_late: Figure,
    /// Open and past due at the report's height.
    pub overdue: Figure,
    /// Open and not yet due at the report's height.
    pub not_yet_due: Figure,
}

/// Share requests made to the orgs within the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharingFigures {
    /// Every request made within the period.
    pub requested: Figure,
    /// Answered (granted or refused) by the answer deadline; an answer in the block that
    /// recorded the request (unconditional entries, not-shared entries) counts here.
    pub answered_in_time: Figure,
    /// Answered after the deadline.
    pub answered_late: Figure,
    /// Not answered at the report's height and not yet due.
    pub pending: Figure,
    /// Not answered at the report's height and past due.
    pub pending_overdue: Figure,
    /// Withdrawn by the requester.
    pub withdrawn: Figure,
    /// Working days from request to answer, median (nearest rank); `None` with no answer.
    pub working_days_median: Option<u32>,
    /// Working days from request to answer, 90th percentile (nearest rank).
    pub working_days_p90: Option<u32>,
    /// Refusals, by the legal basis cited, in code order.
    pub refusals: Vec<Tally>,
}

/// Quality reports on the orgs' resources made within the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityFigures {
    /// Every report.
    pub reported: Figure,
    /// Awaiting the provider's answer.
    pub awaiting: Figure,
    /// Fixed by the provider.
    pub fixed: Figure,
    /// Disputed and not yet ruled on.
    pub disputed: Figure,
    /// Ruled on, with the provider held responsible.
    pub ruled_provider: Figure,
    /// Ruled on, with the reporter held responsible.
    pub ruled_reporter: Figure,
}

/// The figures of one report: `GET /v1/reports/{org|region}/{id}?period=`. Its canonical
/// encoding is borsh, in field order; its digest is `H("onebook/report/v1", borsh(report))`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// Whose figures.
    pub scope: ReportScope,
    /// Which period.
    pub period: ReportPeriod,
    /// The period's first ms (block time).
    pub from: u64,
    /// The first ms after the period.
    pub to: u64,
    /// The height every figure was read at: the period's last block, or the height asked if
    /// the period had not ended there.
    pub as_of_height: u64,
    /// That block's time.
    pub as_of_time: u64,
    /// Whether the period had ended at that height: a closed period's figures never change.
    pub closed: bool,
    /// The orgs covered, by id.
    pub orgs: Vec<OrgId>,
    /// Catalog completeness.
    pub catalog: CatalogFigures,
    /// Obligations due within the period, by kind, in kind order.
    pub obligations: Vec<ObligationFigures>,
    /// Every obligation open and past due at the report's height, whenever it was due.
    pub overdue: Figure,
    /// Share requests.
    pub sharing: SharingFigures,
    /// Quality reports.
    pub quality: QualityFigures,
    /// Violations by reason, in reason order (only reasons found).
    pub violations: Vec<Tally>,
}

impl Report {
    /// The digest a published report records on a chain of the default suite (BLAKE3):
    /// `H("onebook/report/v1", borsh(self))`.
    pub fn digest(&self) -> Hash32 {
        self.digest_in(Suite::default())
    }

    /// The digest a published report records on a chain of `suite` (SM3 on a national chain).
    pub fn digest_in(&self, suite: Suite) -> Hash32 {
        suite.hash_tagged(Tag::Report, &[&codec::encode(self)])
    }
}

/// A report and its digest, as the REST API answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    /// The height the report was asked at (the tip when none was named).
    pub height: u64,
    /// `H("onebook/report/v1", borsh(report))` in the chain's suite, what `publish_report`
    /// records.
    pub digest: Hash32,
    /// The figures.
    pub report: Report,
}

/// Computes the report of `scope` over `period` as of `height` (the tip when `None`), its
/// digest in the chain's `suite`. An org or region with no record at that height is a
/// [`QueryError::BadInput`] naming `id`.
pub async fn report<Q: LedgerQuery>(
    query: &Q,
    suite: Suite,
    scope: &ReportScope,
    period: ReportPeriod,
    height: Option<Height>,
) -> Result<ReportView, QueryError> {
    let period =
        period.check().map_err(|error| QueryError::bad_input("period", error.to_string()))?;
    // A height above the tip is no block yet, as every read answers.
    let asked = match height {
        Some(height) => query.policy(Some(height)).await?.height,
        None => query.tip().await?.height,
    };
    let policy = query.policy(Some(Height(asked))).await?.policy;
    let (from, to) = period.bounds(policy.utc_offset_minutes);
    let (as_of, as_of_time) = last_block_before(query, Height(asked), to).await?;
    // The period had ended at `asked` exactly when a block at or below it is not before its end.
    let closed = as_of.0 < asked;
    let orgs = scope_orgs(query, scope, as_of).await?;
    let mut builder = Builder::new(from, to, as_of_time, policy);
    for org in &orgs {
        builder.org(query, org, as_of).await?;
    }
    let report = builder.finish(scope.clone(), period, as_of, closed, orgs);
    Ok(ReportView { height: asked, digest: report.digest_in(suite), report })
}

/// The last height at or below `tip` whose block time is before `to`, and that time (0 and the
/// genesis when no block is).
async fn last_block_before<Q: LedgerQuery>(
    query: &Q,
    tip: Height,
    to: Timestamp,
) -> Result<(Height, u64), QueryError> {
    let time_of = async |height: u64| -> Result<u64, QueryError> {
        Ok(query.block(Height(height)).await?.map_or(0, |block| block.header.time.0))
    };
    let tip_time = time_of(tip.0).await?;
    if tip_time < to.0 {
        return Ok((tip, tip_time));
    }
    // Invariant: block `low` is before `to` (height 0 counts as time 0), block `high` is not.
    let (mut low, mut high) = (0u64, tip.0);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if time_of(middle).await? < to.0 {
            low = middle;
        } else {
            high = middle;
        }
    }
    Ok((Height(low), time_of(low).await?))
}

/// The orgs a scope covers at `height`, by id.
async fn scope_orgs<Q: LedgerQuery>(
    query: &Q,
    scope: &ReportScope,
    height: Height,
) -> Result<Vec<OrgId>, QueryError> {
    match scope {
        ReportScope::Org(org) => {
            onebook_types::ids::check_id(org.as_str())
                .map_err(|error| QueryError::bad_input("id", format!("org id {org:?}: {error}")))?;
            match query.record(RecordKey::Org(org.clone()), Some(height)).await? {
                Some(_) => Ok(vec![org.clone()]),
                None => Err(QueryError::bad_input(
                    "id",
                    format!("no org {org:?} at height {}", height.0),
                )),
            }
        }
        ReportScope::Region(region) => {
            onebook_types::ids::check_id(region.as_str()).map_err(|error| {
                QueryError::bad_input("id", format!("region code {region:?}: {error}"))
            })?;
            let params = ListParams { height: Some(height), ..ListParams::default() };
            let views = read_all(query, RecordKind::Org, params, REPORT_ORGS_MAX * 100).await?;
            let orgs: Vec<OrgId> = views
                .into_iter()
                .filter_map(|view| match view.record {
                    Record::Org(org) if org.region == *region => Some(org.id),
                    _ => None,
                })
                .collect();
            if orgs.is_empty() {
                return Err(QueryError::bad_input(
                    "id",
                    format!("no org of region {region:?} at height {}", height.0),
                ));
            }
            if orgs.len() > REPORT_ORGS_MAX {
                return Err(QueryError::bad_input(
                    "id",
                    format!("region {region:?} has more than {REPORT_ORGS_MAX} orgs"),
                ));
            }
            Ok(orgs)
        }
    }
}

/// Every record of a listing, page by page, refusing past `max` records.
async fn read_all<Q: LedgerQuery>(
    query: &Q,
    kind: RecordKind,
    mut params: ListParams,
    max: usize,
) -> Result<Vec<RecordView>, QueryError> {
    let mut records = Vec::new();
    params.page = PageParams { cursor: None, limit: Some(PAGE_ITEMS_MAX as u64) };
    loop {
        let page = query.records(kind, params.clone()).await?;
        records.extend(page.items);
        if records.len() > max {
            let whose = params.org.as_ref().map_or_else(String::new, |org| format!(" of {org}"));
            return Err(QueryError::bad_input(
                "id",
                format!("more than {max} {} records{whose} to report on", kind.name()),
            ));
        }
        match page.next {
            Some(next) => params.page.cursor = Some(next),
            None => return Ok(records),
        }
    }
}

/// Gathers the figures org by org.
struct Builder {
    from: Timestamp,
    to: Timestamp,
    as_of_time: u64,
    policy: Policy,
    catalog: CatalogFigures,
    obligations: BTreeMap<u8, ObligationFigures>,
    overdue: Figure,
    sharing: SharingFigures,
    refusals: BTreeMap<String, Figure>,
    working_days: Vec<u32>,
    quality: QualityFigures,
    violations: BTreeMap<u8, Tally>,
}

impl Builder {
    fn new(from: Timestamp, to: Timestamp, as_of_time: u64, policy: Policy) -> Self {
        Self {
            from,
            to,
            as_of_time,
            policy,
            catalog: CatalogFigures::default(),
            obligations: BTreeMap::new(),
            overdue: Figure::default(),
            sharing: SharingFigures::default(),
            refusals: BTreeMap::new(),
            working_days: Vec::new(),
            quality: QualityFigures::default(),
            violations: BTreeMap::new(),
        }
    }

    /// Reads the records of `org` as of `height` and counts them.
    async fn org<Q: LedgerQuery>(
        &mut self,
        query: &Q,
        org: &OrgId,
        height: Height,
    ) -> Result<(), QueryError> {
        let all =
            ListParams { org: Some(org.clone()), height: Some(height), ..ListParams::default() };
        let in_period = ListParams { from: Some(self.from), to: Some(self.to), ..all.clone() };
        let entries = read_all(query, RecordKind::CatalogEntry, all.clone(), REPORT_RECORDS_MAX);
        let resources = read_all(query, RecordKind::Resource, all.clone(), REPORT_RECORDS_MAX);
        self.catalog(org, entries.await?, resources.await?);
        let obligations = read_all(query, RecordKind::Obligation, all, REPORT_RECORDS_MAX).await?;
        self.obligations(org, obligations);
        let requests =
            read_all(query, RecordKind::ShareRequest, in_period.clone(), REPORT_RECORDS_MAX)
                .await?;
        for view in requests {
            if let Record::ShareRequest(request) = view.record
                && request.provider == *org
            {
                self.share_request(query, &view.key, &request, height).await?;
            }
        }
        let reports =
            read_all(query, RecordKind::QualityReport, in_period.clone(), REPORT_RECORDS_MAX)
                .await?;
        for view in reports {
            if let Record::QualityReport(report) = view.record
                && report.provider == *org
            {
                self.quality_report(view.key, &report.status, &report.provider);
            }
        }
        let violations =
            read_all(query, RecordKind::Violation, in_period, REPORT_RECORDS_MAX).await?;
        for view in violations {
            if let Record::Violation(violation) = view.record
                && violation.org == *org
            {
                let index = violation.reason as u8;
                let tally = self.violations.entry(index).or_insert_with(|| Tally {
                    name: violation.reason.as_str().to_owned(),
                    figure: Figure::default(),
                });
                tally.figure.push(view.key);
            }
        }
        Ok(())
    }

    fn catalog(&mut self, org: &OrgId, entries: Vec<RecordView>, resources: Vec<RecordView>) {
        let registered: std::collections::BTreeSet<_> = resources
            .into_iter()
            .filter_map(|view| match view.record {
                Record::Resource(resource) if resource.provider == *org => Some(resource.entry),
                _ => None,
            })
            .collect();
        for view in entries {
            let Record::CatalogEntry(CatalogEntry { code, provider, published, status, .. }) =
                view.record
            else {
                continue;
            };
            if provider != *org || matches!(status, CatalogStatus::Deprecated { .. }) {
                continue;
            }
            self.catalog.entries.push(view.key.clone());
            if published.is_some() {
                self.catalog.published.push(view.key.clone());
                if registered.contains(&code) {
                    self.catalog.with_resources.push(view.key);
                }
            }
        }
    }

    fn obligations(&mut self, org: &OrgId, views: Vec<RecordView>) {
        for view in views {
            let Record::Obligation(obligation) = view.record else { continue };
            if obligation.org != *org {
                continue;
            }
            let open = obligation.status == ObligationStatus::Open;
            if open && obligation.due.0 < self.as_of_time {
                self.overdue.push(view.key.clone());
            }
            if !(self.from <= obligation.due && obligation.due < self.to) {
                continue;
            }
            let figures = self.obligations.entry(obligation.kind as u8).or_insert_with(|| {
                ObligationFigures { kind: kind_name(obligation.kind), ..Default::default() }
            });
            figures.due.push(view.key.clone());
            let figure = match &obligation {
                Obligation { status: ObligationStatus::Met { time, .. }, due, .. } => {
                    if time <= due { &mut figures.met_on_time } else { &mut figures.met_late }
                }
                Obligation { due, .. } if due.0 < self.as_of_time => &mut figures.overdue,
                _ => &mut figures.not_yet_due,
            };
            figure.push(view.key);
        }
    }

    /// Counts one share request made within the period to one of the orgs.
    async fn share_request<Q: LedgerQuery>(
        &mut self,
        query: &Q,
        key: &str,
        request: &ShareRequest,
        height: Height,
    ) -> Result<(), QueryError> {
        self.sharing.requested.push(key.to_owned());
        let legal_basis = match &request.status {
            ShareStatus::Withdrawn => {
                self.sharing.withdrawn.push(key.to_owned());
                return Ok(());
            }
            ShareStatus::UnderReview { answer_due } => {
                let figure = if answer_due.0 < self.as_of_time {
                    &mut self.sharing.pending_overdue
                } else {
                    &mut self.sharing.pending
                };
                figure.push(key.to_owned());
                return Ok(());
            }
            ShareStatus::Refused { legal_basis, .. } => Some(legal_basis.to_string()),
            ShareStatus::Granted { .. } => None,
        };
        if let Some(code) = legal_basis {
            self.refusals.entry(code).or_default().push(key.to_owned());
        }
        let answer = answer_of(query, RecordKey::ShareRequest(request.id), height).await?;
        let offset = self.policy.utc_offset_minutes;
        let (answered_at, in_time) = match answer {
            // Answered in the block that recorded it: by the ledger, at once.
            None => (request.requested_at, true),
            Some((time, due)) => (time, time <= due),
        };
        let days = working_days_between(
            Date::of_timestamp(request.requested_at, offset),
            Date::of_timestamp(answered_at, offset),
            &self.policy,
        );
        self.working_days.push(days);
        let figure = if in_time {
            &mut self.sharing.answered_in_time
        } else {
            &mut self.sharing.answered_late
        };
        figure.push(key.to_owned());
        Ok(())
    }

    fn quality_report(&mut self, key: String, status: &QualityStatus, provider: &OrgId) {
        self.quality.reported.push(key.clone());
        let figure = match status {
            QualityStatus::Reported { .. } => &mut self.quality.awaiting,
            QualityStatus::Fixed { .. } => &mut self.quality.fixed,
            QualityStatus::Disputed { .. } => &mut self.quality.disputed,
            QualityStatus::Ruled { responsible, .. } if responsible == provider => {
                &mut self.quality.ruled_provider
            }
            QualityStatus::Ruled { .. } => &mut self.quality.ruled_reporter,
        };
        figure.push(key);
    }

    fn finish(
        mut self,
        scope: ReportScope,
        period: ReportPeriod,
        as_of: Height,
        closed: bool,
        orgs: Vec<OrgId>,
    ) -> Report {
        let catalog = &mut self.catalog;
        catalog.completeness_per_mille = (catalog.published.count > 0).then(|| {
            u32::try_from(catalog.with_resources.count * 1000 / catalog.published.count)
                .unwrap_or(u32::MAX)
        });
        self.working_days.sort_unstable();
        self.sharing.working_days_median = nearest_rank(&self.working_days, 50);
        self.sharing.working_days_p90 = nearest_rank(&self.working_days, 90);
        self.sharing.refusals =
            self.refusals.into_iter().map(|(name, figure)| Tally { name, figure }).collect();
        Report {
            scope,
            period,
            from: self.from.0,
            to: self.to.0,
            as_of_height: as_of.0,
            as_of_time: self.as_of_time,
            closed,
            orgs,
            catalog: self.catalog,
            obligations: self.obligations.into_values().collect(),
            overdue: self.overdue,
            sharing: self.sharing,
            quality: self.quality,
            violations: self.violations.into_values().collect(),
        }
    }
}

/// When the share request at `key` was answered, at or below `height`, and the answer deadline
/// it had then: `None` if it was answered in the block that recorded it (it was never under
/// review). Reads its timeline for the first tx after which it no longer stood under review,
/// that block's time, and the request as it stood in the block before.
async fn answer_of<Q: LedgerQuery>(
    query: &Q,
    key: RecordKey,
    height: Height,
) -> Result<Option<(Timestamp, Timestamp)>, QueryError> {
    let mut page = PageParams { cursor: None, limit: Some(PAGE_ITEMS_MAX as u64) };
    let mut first = true;
    loop {
        let entries = query.timeline(key.clone(), page.clone()).await?;
        for entry in &entries.items {
            if entry.height > height.0 || entry.code != 0 {
                continue;
            }
            let at = query.record(key.clone(), Some(Height(entry.height))).await?;
            let under_review = matches!(
                at.map(|view| view.record),
                Some(Record::ShareRequest(ShareRequest {
                    status: ShareStatus::UnderReview { .. },
                    ..
                }))
            );
            if under_review {
                first = false;
                continue;
            }
            if first {
                return Ok(None);
            }
            let before = query.record(key.clone(), Some(Height(entry.height - 1))).await?;
            let Some(Record::ShareRequest(ShareRequest {
                status: ShareStatus::UnderReview { answer_due },
                ..
            })) = before.map(|view| view.record)
            else {
                return Ok(None);
            };
            let time = query
                .block(Height(entry.height))
                .await?
                .map_or(Timestamp(0), |block| block.header.time);
            return Ok(Some((time, answer_due)));
        }
        match entries.next {
            Some(next) => page.cursor = Some(next),
            None => return Ok(None),
        }
    }
}

/// The working days after `start` up to and including `end` on the governed calendar: 0 when
/// `end` is not after `start`.
pub fn working_days_between(start: Date, end: Date, policy: &Policy) -> u32 {
    let mut day = start;
    let mut days = 0;
    while day < end {
        day = day.next();
        if is_working_day(day, policy) {
            days += 1;
        }
    }
    days
}

/// The `percent`th percentile of sorted `values` by nearest rank: the value at rank
/// `ceil(percent * n / 100)` (1-based); `None` for no values.
pub fn nearest_rank(sorted: &[u32], percent: usize) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// An obligation kind as JSON spells it.
fn kind_name(kind: ObligationKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The figures as CSV: `section,name,count,records` with the record keys space-separated, a
/// header line first. Text with a comma or quote is quoted.
pub fn report_csv(view: &ReportView) -> String {
    let report = &view.report;
    let mut rows: Vec<(String, String, &Figure)> = Vec::new();
    let catalog = &report.catalog;
    rows.push(("catalog".into(), "entries".into(), &catalog.entries));
    rows.push(("catalog".into(), "published".into(), &catalog.published));
    rows.push(("catalog".into(), "with_resources".into(), &catalog.with_resources));
    for figures in &report.obligations {
        let section = format!("obligations:{}", figures.kind);
        rows.push((section.clone(), "due".into(), &figures.due));
        rows.push((section.clone(), "met_on_time".into(), &figures.met_on_time));
        rows.push((section.clone(), "met_late".into(), &figures.met_late));
        rows.push((section.clone(), "overdue".into(), &figures.overdue));
        rows.push((section, "not_yet_due".into(), &figures.not_yet_due));
    }
    rows.push(("obligations".into(), "overdue_now".into(), &report.overdue));
    let sharing = &report.sharing;
    rows.push(("sharing".into(), "requested".into(), &sharing.requested));
    rows.push(("sharing".into(), "answered_in_time".into(), &sharing.answered_in_time));
    rows.push(("sharing".into(), "answered_late".into(), &sharing.answered_late));
    rows.push(("sharing".into(), "pending".into(), &sharing.pending));
    rows.push(("sharing".into(), "pending_overdue".into(), &sharing.pending_overdue));
    rows.push(("sharing".into(), "withdrawn".into(), &sharing.withdrawn));
    for tally in &sharing.refusals {
        rows.push(("refusals".into(), tally.name.clone(), &tally.figure));
    }
    let quality = &report.quality;
    rows.push(("quality".into(), "reported".into(), &quality.reported));
    rows.push(("quality".into(), "awaiting".into(), &quality.awaiting));
    rows.push(("quality".into(), "fixed".into(), &quality.fixed));
    rows.push(("quality".into(), "disputed".into(), &quality.disputed));
    rows.push(("quality".into(), "ruled_provider".into(), &quality.ruled_provider));
    rows.push(("quality".into(), "ruled_reporter".into(), &quality.ruled_reporter));
    for tally in &report.violations {
        rows.push(("violations".into(), tally.name.clone(), &tally.figure));
    }
    let mut csv = String::from("section,name,count,records\n");
    let number = |value: Option<u32>| value.map_or_else(String::new, |v| v.to_string());
    csv.push_str(&format!(
        "report,scope,,{} {}\nreport,period,,{}\nreport,as_of_height,{},\nreport,digest,,{}\n",
        report.scope.name(),
        quote(report.scope.id()),
        report.period,
        report.as_of_height,
        view.digest.to_hex(),
    ));
    csv.push_str(&format!(
        "catalog,completeness_per_mille,{},\nsharing,working_days_median,{},\nsharing,working_days_p90,{},\n",
        number(catalog.completeness_per_mille),
        number(sharing.working_days_median),
        number(sharing.working_days_p90),
    ));
    for (section, name, figure) in rows {
        csv.push_str(&format!(
            "{},{},{},{}\n",
            quote(&section),
            quote(&name),
            figure.count,
            figure.records.join(" ")
        ));
    }
    csv
}

/// `text` as one CSV field.
fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
