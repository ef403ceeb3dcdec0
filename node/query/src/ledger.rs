//! The read port: what the REST API and the explorer may ask of the ledger.

use onebook_types::{
    catalog_records::SourceKey,
    hash::Hash32,
    ids::{ChainId, Height, OrgId, Timestamp},
    limits::{PAGE_ITEMS_MAX, TEXT_BYTES_MAX},
    record::RecordKey,
    record_kind::{IdForm, RecordId},
    report_records::{ReportPeriod, ReportScope},
};

use crate::{
    EventPage, EventParams, QueryError, RecordKind,
    reports::ReportView,
    views::{
        BlockSummaryView, BlockView, CheckpointPolicyView, ChildChainView, CountView,
        ElementSourceView, OverdueView, Page, PolicyView, ProtocolView, RecordView, SearchHitView,
        TimelineEntryView, TipView, TxView, ValidatorsView, record_key_text,
    },
};

/// Most records a list read record by record (a time range, or `under` with `org` or
/// `status`) reads for one page: past it, the page is returned with fewer items and the cursor
/// of where the reading stopped.
pub const SCANNED_RECORDS_MAX: usize = 1_000;

/// The fewest hex digits [`LedgerQuery::search`] reads as a tx-hash prefix: 8 digits (32 bits)
/// name one tx among millions, fewer would list a crowd.
pub const TX_HASH_PREFIX_DIGITS_MIN: usize = 8;

/// Most txs a search by a tx-hash prefix lists.
pub const SEARCH_TX_PREFIX_HITS_MAX: usize = 10;

/// Items in a page when the caller names no limit.
pub const LIMIT_DEFAULT: usize = 20;

/// What the ledger answers, wherever it is: `StoreQuery` (feature `store`) reads a node's
/// own store, and `HttpQuery` (feature `client`) a remote node's REST API. Methods are async and
/// their futures `Send`, so one generic handler or page serves either. `height` is always "as of
/// the block at this height", the tip when `None`; a height above the tip is
/// [`QueryError::NoBlockYet`] (that block does not exist yet), for every method but
/// [`block`](Self::block), which answers `None` there.
pub trait LedgerQuery: Clone + Send + Sync + 'static {
    /// The last committed block.
    fn tip(&self) -> impl Future<Output = Result<TipView, QueryError>> + Send;

    /// One record as of `height`, or `None` if it did not exist then. Only kinds of
    /// [`RecordKind`] are served.
    fn record(
        &self,
        key: RecordKey,
        height: Option<Height>,
    ) -> impl Future<Output = Result<Option<RecordView>, QueryError>> + Send;

    /// The records of `kind` that pass the filters of `params`, in id order, one page. The
    /// cursor is the position (the kind and a record's id) the page starts after; a `from` not
    /// before `to` is an empty interval, whose page is empty.
    fn records(
        &self,
        kind: RecordKind,
        params: ListParams,
    ) -> impl Future<Output = Result<Page<RecordView>, QueryError>> + Send;

    /// How many records of `kind` pass the filters of `params` as of its height: one count of
    /// them all, or with `bounds`, one count per interval of creation time. The store answers
    /// from its index alone, never reading a record, so a count costs the same for ten records
    /// as for a million (a count by time reads one index key per record created in the span).
    fn count_records(
        &self,
        kind: RecordKind,
        params: CountParams,
    ) -> impl Future<Output = Result<CountView, QueryError>> + Send;

    /// Every committed tx that touched `subject`, oldest first, one page. For an org, every tx
    /// signed for it or concerning it.
    fn timeline(
        &self,
        subject: RecordKey,
        page: PageParams,
    ) -> impl Future<Output = Result<Page<TimelineEntryView>, QueryError>> + Send;

    /// The open obligations of `org` as of `height` whose due time is before `at` (by default
    /// the time of the block at `height`; at most [`TIME_MAX`]).
    fn overdue_obligations(
        &self,
        org: OrgId,
        at: Option<Timestamp>,
        height: Option<Height>,
    ) -> impl Future<Output = Result<OverdueView, QueryError>> + Send;

    /// What `text` names at the tip: a tx or block hash, a height, a member key, a record as
    /// `<kind>:<id>`, a number as the id of any numbered kind, an org id, a catalog code or a
    /// certificate number; and the txs whose hash starts with `text` when it is 8 to 63 hex
    /// digits (at most [`crate::SEARCH_TX_PREFIX_HITS_MAX`], in hash order). Every match is
    /// given.
    fn search(
        &self,
        text: String,
    ) -> impl Future<Output = Result<Vec<SearchHitView>, QueryError>> + Send;

    /// The committed events after `params.after` that pass its kind and org filters, in commit
    /// order, one page. A cursor above the tip is no error: its events are not committed yet.
    fn events(
        &self,
        params: EventParams,
    ) -> impl Future<Output = Result<EventPage, QueryError>> + Send;

    /// The committed block at `height` with its tx hashes and commit certificate, or `None`
    /// (at 0, which has no header, or above the tip).
    fn block(
        &self,
        height: Height,
    ) -> impl Future<Output = Result<Option<BlockView>, QueryError>> + Send;

    /// The committed blocks, newest first, one page. The cursor is the height the page starts
    /// at (a [`Page::next`] of this list, or any height to start below the tip).
    fn blocks(
        &self,
        page: PageParams,
    ) -> impl Future<Output = Result<Page<BlockSummaryView>, QueryError>> + Send;

    /// The committed tx with `hash`, decoded, with its receipt; `None` if none was committed.
    fn tx(&self, hash: Hash32) -> impl Future<Output = Result<Option<TxView>, QueryError>> + Send;

    /// The txs of the block at `height`, decoded, in block order, one page; the cursor is the
    /// position the page starts at (at or past the block's last tx, the page is empty). A height
    /// above the tip is [`QueryError::NoBlockYet`].
    fn block_txs(
        &self,
        height: Height,
        page: PageParams,
    ) -> impl Future<Output = Result<Page<TxView>, QueryError>> + Send;

    /// The validator set in force as of `height`.
    fn validators(
        &self,
        height: Option<Height>,
    ) -> impl Future<Output = Result<ValidatorsView, QueryError>> + Send;

    /// Who is the authoritative source (一数一源) of the data element (or item name) `key` as of
    /// `height`: the resource, entry and org holding it, or `None` if none does. A blank or
    /// over-long name is a [`QueryError::BadInput`] ([`check_source_key`]).
    fn element_source(
        &self,
        key: SourceKey,
        height: Option<Height>,
    ) -> impl Future<Output = Result<Option<ElementSourceView>, QueryError>> + Send;

    /// The policy in force as of `height`: it governs the block after that height.
    fn policy(
        &self,
        height: Option<Height>,
    ) -> impl Future<Output = Result<PolicyView, QueryError>> + Send;

    /// The checkpoint policy in force as of `height` (the interval and the witnesses): it judges
    /// the blocks after that height. `None` only on a store whose genesis wrote none.
    fn checkpoint_policy(
        &self,
        height: Option<Height>,
    ) -> impl Future<Output = Result<Option<CheckpointPolicyView>, QueryError>> + Send;

    /// The protocol versions governance scheduled as of `height`, and the version that judged
    /// the block at that height.
    fn protocol(
        &self,
        height: Option<Height>,
    ) -> impl Future<Output = Result<ProtocolView, QueryError>> + Send;

    /// The child chains this chain anchors as of `height`, in the order of their encoded keys,
    /// one page; the cursor is the id of the chain the page starts after.
    fn child_chains(
        &self,
        height: Option<Height>,
        page: PageParams,
    ) -> impl Future<Output = Result<Page<ChildChainView>, QueryError>> + Send;

    /// The child chain `chain_id` as of `height`, or `None` if it was not admitted by then. An
    /// id that breaks the id rule is a [`QueryError::BadInput`] naming `id`.
    fn child_chain(
        &self,
        chain_id: ChainId,
        height: Option<Height>,
    ) -> impl Future<Output = Result<Option<ChildChainView>, QueryError>> + Send;

    /// The periodic report (通报) of `scope` over `period` computed as of `height` (the tip when
    /// `None`) by [`reports::report`](crate::reports::report), its digest in the chain's suite.
    /// Its figures are the ledger's, the same for every reader, so a reader's wrapper asks the
    /// ledger it wraps, and a remote node is asked for its answer.
    fn report(
        &self,
        scope: ReportScope,
        period: ReportPeriod,
        height: Option<Height>,
    ) -> impl Future<Output = Result<ReportView, QueryError>> + Send;
}

/// Refuses a source key whose name is blank or longer than a text field may be, naming the REST
/// API's parameter that carries it (`data_element` or `item`).
pub fn check_source_key(key: &SourceKey) -> Result<(), QueryError> {
    let (parameter, name) = match key {
        SourceKey::DataElement(element) => ("data_element", element),
        SourceKey::ItemName(name) => ("item", name),
    };
    if name.trim().is_empty() || name.len() > TEXT_BYTES_MAX {
        let rule = format!("must be 1 to {TEXT_BYTES_MAX} bytes, not blank");
        return Err(QueryError::bad_input(parameter, rule));
    }
    Ok(())
}

/// Filters and paging of a record listing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListParams {
    /// Only records naming this org.
    pub org: Option<OrgId>,
    /// Only records in this status (one of [`RecordKind::statuses`]).
    pub status: Option<String>,
    /// Only records under this record: the resources of a catalog entry, the accesses to a
    /// resource, the licences under a certificate (the kinds of [`RecordKind::under_kind`]).
    /// With `org` or `status` too, the records under it that also pass those; they are then read
    /// record by record, like a time range (see [`SCANNED_RECORDS_MAX`](crate::SCANNED_RECORDS_MAX)).
    pub under: Option<RecordKey>,
    /// Only open-data plans of this year (the open-data plan list only). Plans are read
    /// record by record, like a time range (see [`SCANNED_RECORDS_MAX`](crate::SCANNED_RECORDS_MAX)).
    pub year: Option<u16>,
    /// As of this height; the tip when `None`.
    pub height: Option<Height>,
    /// Only records created at or after this block time (ms), at most [`TIME_MAX`]. A record of
    /// the genesis has no creating block and counts as created at time 0.
    pub from: Option<Timestamp>,
    /// Only records created before this block time (ms), at most [`TIME_MAX`]. Not after
    /// `from`, the interval is empty and so is the page.
    pub to: Option<Timestamp>,
    /// Paging.
    pub page: PageParams,
}

/// The status of a share request answered by the `answer_due` of its review, or at once by
/// the ledger: a status only a count takes ([`CountParams::status`]).
pub const ANSWERED_ON_TIME: &str = "answered-on-time";

/// The status of a share request answered after the `answer_due` of its review: a status only
/// a count takes ([`CountParams::status`]).
pub const ANSWERED_LATE: &str = "answered-late";

/// Most intervals of creation time one count takes ([`CountParams::bounds`]).
pub const COUNT_INTERVALS_MAX: usize = 400;

/// What a count counts ([`LedgerQuery::count_records`]): a listing's filters, without paging.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CountParams {
    /// Only records naming this org.
    pub org: Option<OrgId>,
    /// Only records in this status: one of [`RecordKind::statuses`], or for share requests
    /// [`ANSWERED_ON_TIME`] or [`ANSWERED_LATE`] (answered once, never taken back).
    pub status: Option<String>,
    /// Only records under this record (not with `org` or `status`).
    pub under: Option<RecordKey>,
    /// With `org` (and not `status`): only records naming it on this side, for the kinds
    /// between two orgs ([`KindSpec::sides`](onebook_types::record_kind::KindSpec::sides)).
    pub side: Option<Side>,
    /// As of this height; the tip when `None`.
    pub height: Option<Height>,
    /// Block times in ms, ascending, at most [`TIME_MAX`]: with `n + 1` bounds, `n` counts, of
    /// the records created in `[bounds[i], bounds[i + 1])` (a record of the genesis, or brought
    /// in by a snapshot, counts as created at time 0). Empty: one count of every record.
    pub bounds: Vec<Timestamp>,
}

/// Which of the two orgs of a record between two orgs a count keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The provider (of a share request, grant or quality report), or a certificate's issuer.
    Provider,
    /// The other party: the requester, grantee or reporter, or a certificate's holder.
    Party,
}

impl Side {
    /// The side's name in the REST API: `provider` or `party`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Party => "party",
        }
    }

    /// The side named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Provider, Self::Party].into_iter().find(|side| side.name() == name)
    }
}

/// Refuses a count whose filters break their rules: a status that is not one of the kind's
/// (or an answer status of share requests), `under` with `org` or `status`, or bounds that are
/// not ascending, past [`TIME_MAX`], or more than [`COUNT_INTERVALS_MAX`] intervals. The kind
/// and record of `under` are checked by the store like a listing's.
pub fn check_count(kind: RecordKind, params: &CountParams) -> Result<(), QueryError> {
    if let Some(status) = &params.status {
        let answers = [ANSWERED_ON_TIME, ANSWERED_LATE];
        let answer = kind == RecordKind::ShareRequest && answers.contains(&status.as_str());
        if !answer && !kind.statuses().contains(&status.as_str()) {
            let mut names = kind.statuses().to_vec();
            if kind == RecordKind::ShareRequest {
                names.extend(answers);
            }
            let rule = match names.as_slice() {
                [] => "this kind has no status filter".to_owned(),
                names => format!("{status:?} is not one of {}", names.join(", ")),
            };
            return Err(QueryError::bad_input("status", rule));
        }
    }
    if params.under.is_some() && (params.org.is_some() || params.status.is_some()) {
        let rule = "a count under a record takes no org or status";
        return Err(QueryError::bad_input("under", rule));
    }
    if let Some(side) = params.side {
        let rule = if !kind.spec().sides {
            Some("this kind is not between two orgs".to_owned())
        } else if params.org.is_none() || params.status.is_some() {
            Some(format!("side={} takes an org and no status", side.name()))
        } else {
            None
        };
        if let Some(rule) = rule {
            return Err(QueryError::bad_input("side", rule));
        }
    }
    if params.bounds.len() > COUNT_INTERVALS_MAX + 1 {
        let rule =
            format!("at most {} times ({COUNT_INTERVALS_MAX} intervals)", COUNT_INTERVALS_MAX + 1);
        return Err(QueryError::bad_input("bounds", rule));
    }
    if params.bounds.len() == 1 {
        return Err(QueryError::bad_input("bounds", "none, or at least two times"));
    }
    for pair in params.bounds.windows(2) {
        if pair[0] >= pair[1] {
            let rule = format!("ascending: {} is not before {}", pair[0].0, pair[1].0);
            return Err(QueryError::bad_input("bounds", rule));
        }
    }
    if let Some(last) = params.bounds.last() {
        check_time("bounds", Some(*last))?;
    }
    Ok(())
}

/// Where a page starts and how long it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageParams {
    /// The `next` of the previous page, or any position of the listing; the first page when
    /// `None`.
    pub cursor: Option<String>,
    /// Items in the page: 1 to [`PAGE_ITEMS_MAX`], [`LIMIT_DEFAULT`] when `None`.
    pub limit: Option<u64>,
}

/// Refuses a record key whose text id (an org id, a catalog code, a certificate number) breaks
/// the id rule, naming the REST API's path parameter that carries it: such a key names no record,
/// so the caller gets bad input, not "not found".
pub fn check_record_id(key: &RecordKey) -> Result<(), QueryError> {
    let Some((kind, RecordId::Text(id))) = RecordKind::id_of(key) else { return Ok(()) };
    let IdForm::Text { param, what, .. } = kind.spec().id else { return Ok(()) };
    onebook_types::ids::check_id(id)
        .map_err(|error| QueryError::bad_input(param, format!("{what} {id:?}: {error}")))
}

/// Refuses a child chain's id that breaks the id rule, naming the parameter that carries it
/// (`id` in a path, `cursor` for a listing's position).
pub fn check_chain_id(parameter: &'static str, id: &ChainId) -> Result<(), QueryError> {
    onebook_types::ids::check_id(id.as_str())
        .map_err(|error| QueryError::bad_input(parameter, format!("chain id {id:?}: {error}")))
}

/// The page length `limit` asks for, checked against the rule of [`PageParams::limit`].
pub fn page_limit(limit: Option<u64>) -> Result<usize, QueryError> {
    match limit {
        None => Ok(LIMIT_DEFAULT),
        Some(limit) => usize::try_from(limit)
            .ok()
            .filter(|limit| (1..=PAGE_ITEMS_MAX).contains(limit))
            .ok_or_else(|| {
                QueryError::bad_input("limit", format!("{limit} is not from 1 to {PAGE_ITEMS_MAX}"))
            }),
    }
}

/// The latest time a query takes, in Unix ms: the largest signed 64-bit integer, the `int64`
/// the REST API documents its times as (most clients hold a time in one).
pub const TIME_MAX: u64 = i64::MAX.unsigned_abs();

/// The time `time` given as the parameter `parameter`, checked against [`TIME_MAX`].
pub fn check_time(parameter: &'static str, time: Option<Timestamp>) -> Result<(), QueryError> {
    match time {
        Some(time) if time.0 > TIME_MAX => Err(QueryError::bad_input(
            parameter,
            format!("{} is after the latest time, {TIME_MAX} (int64)", time.0),
        )),
        _ => Ok(()),
    }
}

/// The kind of `key` for [`LedgerQuery::record`]: a key of no [`RecordKind`] is bad input.
pub fn served_kind(key: &RecordKey) -> Result<RecordKind, QueryError> {
    RecordKind::of(key).ok_or_else(|| {
        let rule = format!("{} is not a kind of record served here", record_key_text(key));
        QueryError::bad_input("record", rule)
    })
}

/// The kind of `subject` for [`LedgerQuery::timeline`]: a key of no [`RecordKind`] is bad input.
pub fn timeline_kind(subject: &RecordKey) -> Result<RecordKind, QueryError> {
    RecordKind::of(subject).ok_or_else(|| {
        QueryError::bad_input("record", format!("{} has no timeline", record_key_text(subject)))
    })
}
