//! [`StoreQuery`]: the ledger as a node's own store holds it.

mod events;
mod node;

use std::sync::Arc;

use onebook_storage::{
    ListFilter, RecordCreation, RecordKind, StorageError, Store, TxLocation, cursor_after,
    cursor_is_well_formed,
};
use onebook_types::{
    catalog_records::{ElementSource, Obligation, OrgObligations, SourceKey},
    checkpoint::ChildChain,
    codec,
    consortium::{Policy, ProtocolSchedule, ValidatorSet},
    development_records::OpenDataPlan,
    hash::Hash32,
    ids::{CatalogCode, CertificateNumber, ChainId, Height, OrgId, Timestamp, check_id},
    keys::PublicKey,
    limits::{PAGE_ITEMS_MAX, RECORD_BYTES_MAX},
    property_records::{Certificate, CertificateStanding},
    record::RecordKey,
    record_kind::IdForm,
    report_records::{ReportPeriod, ReportScope},
    time::Date,
};

use crate::{
    EventPage, EventParams, LedgerQuery, QueryError, SCANNED_RECORDS_MAX,
    ledger::{
        CountParams, ListParams, PageParams, check_chain_id, check_count, check_source_key,
        check_time, page_limit, served_kind, timeline_kind,
    },
    reports::ReportView,
    views::{
        BlockSummaryView, BlockView, CheckpointPolicyView, ChildChainView, CountView, CreationView,
        ElementSourceView, OverdueView, Page, PolicyView, ProtocolView, Record, RecordView,
        SearchHitView, TimelineEntryView, TipView, TxView, ValidatorsView, action_name,
        parse_record_key, record_key_text,
    },
};

/// Answers [`LedgerQuery`] from a node's own store. Each query runs on tokio's blocking pool,
/// since RocksDB reads block.
#[derive(Clone, Debug)]
pub struct StoreQuery {
    store: Arc<Store>,
}

impl StoreQuery {
    /// A query over `store`.
    pub fn new(store: Arc<Store>) -> Self {
        Self { store }
    }

    async fn blocking<T, F>(&self, read: F) -> Result<T, QueryError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, QueryError> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || read(&store))
            .await
            .map_err(|error| QueryError::Unavailable { reason: error.to_string() })?
    }
}

impl LedgerQuery for StoreQuery {
    async fn report(
        &self,
        scope: ReportScope,
        period: ReportPeriod,
        height: Option<Height>,
    ) -> Result<ReportView, QueryError> {
        crate::reports::report(self, self.store.suite(), &scope, period, height).await
    }

    async fn tip(&self) -> Result<TipView, QueryError> {
        self.blocking(tip).await
    }

    async fn record(
        &self,
        key: RecordKey,
        height: Option<Height>,
    ) -> Result<Option<RecordView>, QueryError> {
        self.blocking(move |store| {
            let height = resolve_state_height(store, height)?;
            record(store, &key, height)
        })
        .await
    }

    async fn records(
        &self,
        kind: RecordKind,
        params: ListParams,
    ) -> Result<Page<RecordView>, QueryError> {
        self.blocking(move |store| records(store, kind, params)).await
    }

    async fn count_records(
        &self,
        kind: RecordKind,
        params: CountParams,
    ) -> Result<CountView, QueryError> {
        self.blocking(move |store| count_records(store, kind, &params)).await
    }

    async fn timeline(
        &self,
        subject: RecordKey,
        page: PageParams,
    ) -> Result<Page<TimelineEntryView>, QueryError> {
        self.blocking(move |store| timeline(store, &subject, &page)).await
    }

    async fn overdue_obligations(
        &self,
        org: OrgId,
        at: Option<Timestamp>,
        height: Option<Height>,
    ) -> Result<OverdueView, QueryError> {
        self.blocking(move |store| overdue(store, org, at, height)).await
    }

    async fn search(&self, text: String) -> Result<Vec<SearchHitView>, QueryError> {
        self.blocking(move |store| search(store, text.trim())).await
    }

    async fn events(&self, params: EventParams) -> Result<EventPage, QueryError> {
        self.blocking(move |store| events::events(store, &params)).await
    }

    async fn block(&self, height: Height) -> Result<Option<BlockView>, QueryError> {
        self.blocking(move |store| block(store, height)).await
    }

    async fn blocks(&self, page: PageParams) -> Result<Page<BlockSummaryView>, QueryError> {
        self.blocking(move |store| blocks(store, &page)).await
    }

    async fn tx(&self, hash: Hash32) -> Result<Option<TxView>, QueryError> {
        self.blocking(move |store| {
            let Some((location, tx)) = store.tx(&hash)? else { return Ok(None) };
            Ok(Some(tx_view(store, location, tx)?))
        })
        .await
    }

    async fn block_txs(
        &self,
        height: Height,
        page: PageParams,
    ) -> Result<Page<TxView>, QueryError> {
        self.blocking(move |store| block_txs(store, height, &page)).await
    }

    async fn validators(&self, height: Option<Height>) -> Result<ValidatorsView, QueryError> {
        self.blocking(move |store| validators(store, height)).await
    }

    async fn element_source(
        &self,
        key: SourceKey,
        height: Option<Height>,
    ) -> Result<Option<ElementSourceView>, QueryError> {
        check_source_key(&key)?;
        self.blocking(move |store| {
            let height = resolve_state_height(store, height)?;
            let record = RecordKey::ElementSource(key.hash_in(store.suite()));
            let Some(bytes) = store.record(&record, height)? else {
                return Ok(None);
            };
            let source: ElementSource = decode_stored(store, &bytes)?;
            Ok(Some(ElementSourceView { height: height.0, source }))
        })
        .await
    }

    async fn checkpoint_policy(
        &self,
        height: Option<Height>,
    ) -> Result<Option<CheckpointPolicyView>, QueryError> {
        self.blocking(move |store| {
            let height = resolve_height(store, height)?;
            let Some(bytes) = store.record(&RecordKey::CheckpointPolicy, height)? else {
                return Ok(None);
            };
            Ok(Some(CheckpointPolicyView {
                height: height.0,
                policy: decode_stored(store, &bytes)?,
            }))
        })
        .await
    }

    async fn protocol(&self, height: Option<Height>) -> Result<ProtocolView, QueryError> {
        self.blocking(move |store| {
            let height = resolve_height(store, height)?;
            let schedule: ProtocolSchedule = store
                .record(&RecordKey::Protocol, height)?
                .map(|bytes| decode_stored(store, &bytes))
                .transpose()?
                .unwrap_or_default();
            let version = schedule.version_at(height);
            Ok(ProtocolView { height: height.0, version, upgrades: schedule.upgrades })
        })
        .await
    }

    async fn child_chains(
        &self,
        height: Option<Height>,
        page: PageParams,
    ) -> Result<Page<ChildChainView>, QueryError> {
        let limit = page_limit(page.limit)?;
        let after = page.cursor.as_deref().map(ChainId::from);
        if let Some(after) = &after {
            check_chain_id("cursor", after)?;
        }
        self.blocking(move |store| {
            let height = resolve_height(store, height)?;
            let like = RecordKey::ChildChain(ChainId::from(""));
            let after = after.map(RecordKey::ChildChain);
            let (found, more) = store.records_like(&like, height, after.as_ref(), limit)?;
            let mut items = Vec::with_capacity(found.len());
            for (_, bytes) in &found {
                let chain: ChildChain = decode_stored(store, bytes)?;
                items.push(ChildChainView { height: height.0, chain });
            }
            let next = more.then(|| items.last().map(|view| view.chain.chain_id.to_string()));
            Ok(Page { items, next: next.flatten() })
        })
        .await
    }

    async fn child_chain(
        &self,
        chain_id: ChainId,
        height: Option<Height>,
    ) -> Result<Option<ChildChainView>, QueryError> {
        check_chain_id("id", &chain_id)?;
        self.blocking(move |store| {
            let height = resolve_height(store, height)?;
            let Some(bytes) = store.record(&RecordKey::ChildChain(chain_id), height)? else {
                return Ok(None);
            };
            Ok(Some(ChildChainView { height: height.0, chain: decode_stored(store, &bytes)? }))
        })
        .await
    }

    async fn policy(&self, height: Option<Height>) -> Result<PolicyView, QueryError> {
        self.blocking(move |store| {
            let height = resolve_state_height(store, height)?;
            let policy = policy_at(store, height)?
                .ok_or_else(|| store.noted(StorageError::Missing { what: "policy record" }))?;
            let lifecycle = store
                .record(&RecordKey::LifecyclePolicy, height)?
                .map(|bytes| decode_stored(store, &bytes))
                .transpose()?
                .unwrap_or_default();
            Ok(PolicyView { height: height.0, policy, lifecycle })
        })
        .await
    }
}

/// The policy record as of `height`, if the store holds one (every chain's genesis writes it).
fn policy_at(store: &Store, height: Height) -> Result<Option<Policy>, QueryError> {
    store.record(&RecordKey::Policy, height)?.map(|bytes| decode_stored(store, &bytes)).transpose()
}

fn tip(store: &Store) -> Result<TipView, QueryError> {
    let tip = store.tip()?;
    let time = store.header(tip.height)?.map_or(0, |header| header.time.0);
    Ok(TipView {
        height: tip.height.0,
        block_hash: tip.block_hash,
        state_root: tip.state_root,
        time,
    })
}

/// `asked`, checked against the tip; the tip when `None`. A height above the tip has no block
/// yet: [`QueryError::NoBlockYet`].
fn resolve_height(store: &Store, asked: Option<Height>) -> Result<Height, QueryError> {
    let tip = store.tip()?.height;
    match asked {
        None => Ok(tip),
        Some(height) if height > tip => Err(QueryError::NoBlockYet { height: height.0 }),
        Some(height) if height < store.base() => Err(QueryError::bad_input(
            "height",
            format!(
                "{} is below {}, the first height this node holds (it started from a \
                 snapshot); ask a node that holds the whole history",
                height.0,
                store.base().0
            ),
        )),
        Some(height) => Ok(height),
    }
}

/// [`resolve_height`] for a read of the state at that height: refused below the oldest height
/// whose state the node holds, on a node that prunes its state history.
fn resolve_state_height(store: &Store, asked: Option<Height>) -> Result<Height, QueryError> {
    let height = resolve_height(store, asked)?;
    match store.check_state_held(height) {
        Err(pruned @ StorageError::StatePruned { .. }) => Err(pruned.into()),
        _ => Ok(height),
    }
}

fn record(
    store: &Store,
    key: &RecordKey,
    height: Height,
) -> Result<Option<RecordView>, QueryError> {
    served_kind(key)?;
    crate::check_record_id(key)?;
    let Some(bytes) = store.record(key, height)? else { return Ok(None) };
    Ok(Some(view(store, key, &bytes, height)?))
}

fn view(
    store: &Store,
    key: &RecordKey,
    bytes: &[u8],
    height: Height,
) -> Result<RecordView, QueryError> {
    view_of(store, key, bytes, height, store.record_creation(key)?)
}

/// The view of the record of `key` with `bytes` at `height`, created where `creation` says.
fn view_of(
    store: &Store,
    key: &RecordKey,
    bytes: &[u8],
    height: Height,
    creation: Option<RecordCreation>,
) -> Result<RecordView, QueryError> {
    let record = Record::decode(key, bytes).map_err(|source| {
        QueryError::from(store.noted(StorageError::Corrupt { what: "record", source }))
    })?;
    let standing = match &record {
        Record::Certificate(certificate) => Some(standing(store, certificate, height)?),
        _ => None,
    };
    let lineage = match &record {
        Record::Grant(grant) => store
            .record(&RecordKey::GrantLineage(grant.id), height)?
            .map(|bytes| decode_stored(store, &bytes))
            .transpose()?,
        _ => None,
    };
    let created = creation.map(|creation| CreationView {
        height: creation.height.0,
        time: creation.time.0,
        tx_hash: creation.tx.map(|entry| entry.tx_hash),
        tx_index: creation.tx.map(|entry| entry.location.index),
    });
    Ok(RecordView {
        key: record_key_text(key),
        height: height.0,
        redacted: false,
        standing,
        lineage,
        created,
        record,
    })
}

/// Where `certificate` stands at `height`: judged on the local day of that block's time (in the
/// policy's offset), with its parent as of the same height for a licence.
fn standing(
    store: &Store,
    certificate: &Certificate,
    height: Height,
) -> Result<CertificateStanding, QueryError> {
    let parent: Option<Certificate> = match &certificate.parent {
        Some(number) => store
            .record(&RecordKey::Certificate(number.clone()), height)?
            .map(|bytes| decode_stored(store, &bytes))
            .transpose()?,
        None => None,
    };
    let time = store.header(height)?.map_or(Timestamp(0), |header| header.time);
    let offset = policy_at(store, height)?.map_or(0, |policy| policy.utc_offset_minutes);
    Ok(certificate.standing(parent.as_ref(), Date::of_timestamp(time, offset)))
}

/// Refuses an `under` filter that the list of `kind` does not have, or that names a record of
/// another kind.
fn check_under(kind: RecordKind, under: &RecordKey) -> Result<(), QueryError> {
    let text = record_key_text(under);
    let expected = kind.under_kinds();
    if expected.is_empty() {
        return Err(QueryError::bad_input("under", "this list has no under filter"));
    }
    if !RecordKind::of(under).is_some_and(|of| expected.contains(&of)) {
        let examples: Vec<String> = expected.iter().map(|kind| under_example(*kind)).collect();
        return Err(QueryError::bad_input(
            "under",
            format!(
                "records of this list hang under keys such as {}, not {text}",
                examples.join(" or ")
            ),
        ));
    }
    crate::check_record_id(under).map_err(|error| match error {
        QueryError::BadInput { rule, .. } => QueryError::bad_input("under", rule),
        other => other,
    })
}

/// A key of `kind` as an example of an `under` filter.
fn under_example(kind: RecordKind) -> String {
    match kind.spec().id {
        IdForm::Text { example, .. } => format!("{}:{example}", kind.key_name()),
        IdForm::Hex32 { .. } => format!("{}:{}", kind.key_name(), "ab".repeat(32)),
        IdForm::Number => format!("{}:1", kind.key_name()),
    }
}

fn records(
    store: &Store,
    kind: RecordKind,
    params: ListParams,
) -> Result<Page<RecordView>, QueryError> {
    let limit = page_limit(params.page.limit)?;
    check_time("from", params.from)?;
    check_time("to", params.to)?;
    let height = resolve_state_height(store, params.height)?;
    if let Some(org) = &params.org {
        check_id(org.as_str()).map_err(|error| QueryError::bad_input("org", error.to_string()))?;
    }
    if let Some(status) = &params.status
        && !kind.statuses().contains(&status.as_str())
    {
        let rule = match kind.statuses() {
            [] => "this list has no status filter".to_owned(),
            names => format!("{status:?} is not one of {}", names.join(", ")),
        };
        return Err(QueryError::bad_input("status", rule));
    }
    if let Some(under) = &params.under {
        check_under(kind, under)?;
    }
    if params.year.is_some() && kind != RecordKind::OpenDataPlan {
        return Err(QueryError::bad_input("year", "only the list of open-data plans has a year"));
    }
    let year = params.year;
    let after = params.page.cursor.as_deref().map(|text| list_cursor(kind, text)).transpose()?;
    let range = TimeRange::new(params.from, params.to);
    if range.is_empty() {
        return Ok(Page { items: Vec::new(), next: None });
    }
    // The index holds a term per org, status and org with status, and one per record hung
    // under; with `under`, the records under it are read and `org` and `status` kept by the
    // same terms, record by record.
    let (read, kept) = match params.under {
        Some(under) => (
            ListFilter { under: Some(under), ..ListFilter::default() },
            ListFilter { org: params.org, status: params.status, ..ListFilter::default() },
        ),
        None => (
            ListFilter { org: params.org, status: params.status, ..ListFilter::default() },
            ListFilter::default(),
        ),
    };
    if range.is_whole() && kept == ListFilter::default() && year.is_none() {
        let page = store.list_records(kind, &read, height, after.as_deref(), limit)?;
        let mut creations = store.creations();
        let items = page
            .records
            .iter()
            .map(|(key, bytes)| view_of(store, key, bytes, height, creations.of(key)?))
            .collect::<Result<_, _>>()?;
        return Ok(Page { items, next: page.next.map(hex::encode) });
    }
    let mut items = Vec::with_capacity(limit);
    let mut cursor = after;
    let mut scanned = 0;
    let mut creations = store.creations();
    while scanned < SCANNED_RECORDS_MAX {
        let page = store.list_records(kind, &read, height, cursor.as_deref(), PAGE_ITEMS_MAX)?;
        for (key, bytes) in &page.records {
            scanned += 1;
            if kept.admits(kind, key, bytes) && of_year(year, bytes) {
                // The time of the block that first wrote it, from the index (one read); 0 for
                // a record of the genesis, which no tx created, or one a snapshot brought in.
                let created = store.record_created(key)?;
                if range.holds(created.map_or(0, |(time, _)| time.0)) {
                    let creation = creations.from_created(key, created)?;
                    items.push(view_of(store, key, bytes, height, creation)?);
                }
            }
            if items.len() == limit || scanned == SCANNED_RECORDS_MAX {
                let last = page.records.last().map(|(last, _)| last);
                let at_end = page.next.is_none() && last == Some(key);
                let next = (!at_end).then(|| hex::encode(cursor_after(kind, key)));
                return Ok(Page { items, next });
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(Page { items, next: None }),
        }
    }
    Ok(Page { items, next: cursor.map(hex::encode) })
}

/// Whether the open-data plan of `bytes` is of `year` (any record, when `year` is `None`).
fn of_year(year: Option<u16>, bytes: &[u8]) -> bool {
    let Some(year) = year else { return true };
    codec::decode::<OpenDataPlan>(bytes, RECORD_BYTES_MAX).is_ok_and(|plan| plan.year == year)
}

fn count_records(
    store: &Store,
    kind: RecordKind,
    params: &CountParams,
) -> Result<CountView, QueryError> {
    check_count(kind, params)?;
    let height = resolve_state_height(store, params.height)?;
    if let Some(org) = &params.org {
        check_id(org.as_str()).map_err(|error| QueryError::bad_input("org", error.to_string()))?;
    }
    if let Some(under) = &params.under {
        check_under(kind, under)?;
    }
    let filter = ListFilter {
        org: params.org.clone(),
        status: params.status.clone(),
        under: params.under.clone(),
        side: params.side.map(|side| match side {
            crate::Side::Provider => onebook_storage::Side::Provider,
            crate::Side::Party => onebook_storage::Side::Party,
        }),
    };
    let counts = if params.bounds.is_empty() {
        vec![store.count_records(kind, &filter, height)?]
    } else {
        store.count_records_by_time(kind, &filter, height, &params.bounds)?
    };
    Ok(CountView { height: height.0, counts })
}

/// The `from`..`to` of a list: `from` included, `to` not. `from` not before `to` is the empty
/// interval, which holds no record.
struct TimeRange {
    from: u64,
    to: u64,
}

impl TimeRange {
    fn new(from: Option<Timestamp>, to: Option<Timestamp>) -> Self {
        Self { from: from.map_or(0, |t| t.0), to: to.map_or(u64::MAX, |t| t.0) }
    }

    const fn is_empty(&self) -> bool {
        self.from >= self.to
    }

    /// Whether the range holds every time a record can have.
    const fn is_whole(&self) -> bool {
        self.from == 0 && self.to == u64::MAX
    }

    const fn holds(&self, time: u64) -> bool {
        self.from <= time && time < self.to
    }
}

/// The cursor `text` of a listing of `kind`: not hex is bad input; hex that is not a position
/// of the listing (a cursor of another listing, or of the wrong length) is
/// [`QueryError::CursorUnknown`]. Any position of the listing is good, whether a record sits
/// there or not: the page starts after it.
fn list_cursor(kind: RecordKind, text: &str) -> Result<Vec<u8>, QueryError> {
    let bytes = hex::decode(text)
        .map_err(|_| QueryError::bad_input("cursor", format!("{text:?} is not hex")))?;
    if !cursor_is_well_formed(kind, &bytes) {
        let position = match kind.spec().id {
            IdForm::Text { .. } => {
                "an id of 1 to 64 bytes none of which is zero, and a zero byte".to_owned()
            }
            IdForm::Hex32 { what, .. } => format!("a 32-byte {what}"),
            IdForm::Number => "an 8-byte big-endian id".to_owned(),
        };
        let rule = format!(
            "a cursor of this listing is the byte {:02x} and {position}, in hex",
            kind as u8
        );
        return Err(QueryError::CursorUnknown { cursor: text.to_owned(), rule });
    }
    Ok(bytes)
}

fn timeline(
    store: &Store,
    subject: &RecordKey,
    page: &PageParams,
) -> Result<Page<TimelineEntryView>, QueryError> {
    let limit = page_limit(page.limit)?;
    timeline_kind(subject)?;
    let after = page.cursor.as_deref().map(timeline_cursor).transpose()?;
    let history = match subject {
        RecordKey::Org(org) => store.org_history(org, after, limit)?,
        other => store.record_history(other, after, limit)?,
    };
    let mut items = Vec::with_capacity(history.entries.len());
    for entry in &history.entries {
        let (_, tx) = store
            .tx(&entry.tx_hash)?
            .ok_or_else(|| store.noted(StorageError::Missing { what: "tx of a history entry" }))?;
        let receipt = store.receipt(entry.location)?;
        let action = action_name(&tx.body.action);
        items.push(TimelineEntryView {
            height: entry.location.height.0,
            index: entry.location.index,
            tx_hash: entry.tx_hash,
            signer: tx.body.signer,
            action,
            code: receipt.as_ref().map_or(0, |receipt| receipt.code),
            rejection: receipt.and_then(|receipt| receipt.rejection()).map(|r| r.name()),
        });
    }
    let next = history.next.map(|at| {
        let mut bytes = at.height.0.to_be_bytes().to_vec();
        bytes.extend_from_slice(&at.index.to_be_bytes());
        hex::encode(bytes)
    });
    Ok(Page { items, next })
}

/// The cursor `text` of a timeline: a tx's position, its block's height (8 bytes) and its index
/// in the block (4 bytes), big-endian, in hex. Not hex is bad input; hex of another length is
/// [`QueryError::CursorUnknown`].
fn timeline_cursor(text: &str) -> Result<TxLocation, QueryError> {
    let bytes = hex::decode(text)
        .map_err(|_| QueryError::bad_input("cursor", format!("{text:?} is not hex")))?;
    let Ok::<[u8; 12], _>(bytes) = bytes.try_into() else {
        return Err(QueryError::CursorUnknown {
            cursor: text.to_owned(),
            rule: "a cursor of a timeline is a block height (8 bytes) and a tx index (4 bytes), \
                   big-endian, in hex"
                .to_owned(),
        });
    };
    let (height, index) = bytes.split_at(8);
    let mut height_bytes = [0; 8];
    height_bytes.copy_from_slice(height);
    let mut index_bytes = [0; 4];
    index_bytes.copy_from_slice(index);
    Ok(TxLocation {
        height: Height(u64::from_be_bytes(height_bytes)),
        index: u32::from_be_bytes(index_bytes),
    })
}

fn overdue(
    store: &Store,
    org: OrgId,
    at: Option<Timestamp>,
    height: Option<Height>,
) -> Result<OverdueView, QueryError> {
    check_id(org.as_str()).map_err(|error| QueryError::bad_input("org", error.to_string()))?;
    check_time("at", at)?;
    let height = resolve_state_height(store, height)?;
    let at = match at {
        Some(at) => at,
        None => store.header(height)?.map_or(Timestamp(0), |header| header.time),
    };
    let index: OrgObligations =
        match store.record(&RecordKey::OrgObligations(org.clone()), height)? {
            Some(bytes) => decode_stored(store, &bytes)?,
            None => OrgObligations::default(),
        };
    let mut obligations = Vec::new();
    for open in index.open.iter().filter(|open| open.due < at) {
        let bytes = store
            .record(&RecordKey::Obligation(open.id), height)?
            .ok_or_else(|| store.noted(StorageError::Missing { what: "indexed obligation" }))?;
        obligations.push(decode_stored::<Obligation>(store, &bytes)?);
    }
    Ok(OverdueView { org, height: height.0, at: at.0, obligations })
}

fn decode_stored<T: borsh::BorshDeserialize>(store: &Store, bytes: &[u8]) -> Result<T, QueryError> {
    codec::decode(bytes, RECORD_BYTES_MAX).map_err(|source| {
        QueryError::from(store.noted(StorageError::Corrupt { what: "record", source }))
    })
}

fn search(store: &Store, text: &str) -> Result<Vec<SearchHitView>, QueryError> {
    if text.is_empty() || text.chars().count() > 200 {
        return Err(QueryError::bad_input("q", "must be 1 to 200 characters"));
    }
    let mut hits = Vec::new();
    if let Ok(hash) = Hash32::from_hex(text) {
        if let Some((location, _)) = store.tx(&hash)? {
            let (height, index) = (location.height.0, location.index);
            hits.push(SearchHitView::Tx { tx_hash: hash, height, index });
        }
        if let Some(height) = store.block_height(&hash)? {
            hits.push(SearchHitView::Block { height: height.0, block_hash: hash });
        }
        push_present(store, &mut hits, RecordKey::Member(PublicKey(hash.0)))?;
        push_present(store, &mut hits, RecordKey::Product(hash))?;
    } else if (crate::TX_HASH_PREFIX_DIGITS_MIN..64).contains(&text.len()) {
        let (txs, _) = store.txs_with_hash_prefix(text, crate::SEARCH_TX_PREFIX_HITS_MAX)?;
        for (tx_hash, location) in txs {
            let (height, index) = (location.height.0, location.index);
            hits.push(SearchHitView::Tx { tx_hash, height, index });
        }
    }
    if let Ok(number) = text.parse::<u64>() {
        if let Some(header) = store.header(Height(number))? {
            let block_hash = header.hash_in(store.suite());
            hits.push(SearchHitView::Block { height: number, block_hash });
        }
        for key in numbered_keys(number) {
            push_present(store, &mut hits, key)?;
        }
    }
    if let Ok(key) = parse_record_key(text) {
        push_present(store, &mut hits, key)?;
    }
    if check_id(text).is_ok() {
        push_present(store, &mut hits, RecordKey::Org(OrgId::from(text)))?;
        push_present(store, &mut hits, RecordKey::CatalogEntry(CatalogCode::from(text)))?;
        push_present(store, &mut hits, RecordKey::Certificate(CertificateNumber::from(text)))?;
    }
    Ok(hits)
}

/// The key of every numbered kind of record with id `number`.
fn numbered_keys(number: u64) -> [RecordKey; 14] {
    use onebook_types::ids::{
        AccessEventId, ApplicationId, DevelopmentGrantId, GrantId, ObjectionId, ObligationId,
        OpenDataPlanId, ProposalId, QualityReportId, ResourceId, ScenarioId, ShareRequestId,
        ViolationId,
    };
    [
        RecordKey::Proposal(ProposalId(number)),
        RecordKey::Resource(ResourceId(number)),
        RecordKey::ShareRequest(ShareRequestId(number)),
        RecordKey::Grant(GrantId(number)),
        RecordKey::AccessEvent(AccessEventId(number)),
        RecordKey::Violation(ViolationId(number)),
        RecordKey::QualityReport(QualityReportId(number)),
        RecordKey::Application(ApplicationId(number)),
        RecordKey::Objection(ObjectionId(number)),
        RecordKey::Obligation(ObligationId(number)),
        RecordKey::GrantCloseOut(GrantId(number)),
        RecordKey::OpenDataPlan(OpenDataPlanId(number)),
        RecordKey::Scenario(ScenarioId(number)),
        RecordKey::DevelopmentGrant(DevelopmentGrantId(number)),
    ]
}

fn push_present(
    store: &Store,
    hits: &mut Vec<SearchHitView>,
    key: RecordKey,
) -> Result<(), QueryError> {
    let tip = store.tip()?.height;
    let key_text = record_key_text(&key);
    let already =
        hits.iter().any(|hit| matches!(hit, SearchHitView::Record { key } if *key == key_text));
    if RecordKind::of(&key).is_some() && !already && store.record(&key, tip)?.is_some() {
        hits.push(SearchHitView::Record { key: key_text });
    }
    Ok(())
}

fn block(store: &Store, height: Height) -> Result<Option<BlockView>, QueryError> {
    let Some(header) = store.header(height)? else { return Ok(None) };
    let tx_hashes = store.block_tx_hashes(height)?.unwrap_or_default();
    let certificate = store.certificate(height)?;
    Ok(Some(BlockView { hash: header.hash_in(store.suite()), header, tx_hashes, certificate }))
}

fn blocks(store: &Store, page: &PageParams) -> Result<Page<BlockSummaryView>, QueryError> {
    let limit = page_limit(page.limit)?;
    let tip = store.tip()?.height.0;
    let start = match page.cursor.as_deref() {
        None => tip,
        Some(text) => text
            .parse::<u64>()
            .map_err(|_| QueryError::bad_input("cursor", "is not a height"))?
            .min(tip),
    };
    let mut items = Vec::with_capacity(limit);
    let mut height = start;
    while height >= 1 && items.len() < limit {
        let header = store
            .header(Height(height))?
            .ok_or_else(|| store.noted(StorageError::Missing { what: "header below the tip" }))?;
        let signatures = store.certificate(Height(height))?.map_or(0, |c| c.signatures.len());
        items.push(BlockSummaryView {
            height,
            hash: header.hash_in(store.suite()),
            time: header.time.0,
            tx_count: header.tx_count,
            proposer: header.proposer,
            signatures: u32::try_from(signatures).unwrap_or(u32::MAX),
        });
        height -= 1;
    }
    let next = (height >= 1).then(|| height.to_string());
    Ok(Page { items, next })
}

/// The decoded view of `tx`, committed at `location`.
fn tx_view(
    store: &Store,
    location: TxLocation,
    tx: onebook_types::tx::SignedTx,
) -> Result<TxView, QueryError> {
    let receipt = store
        .receipt(location)?
        .ok_or_else(|| store.noted(StorageError::Missing { what: "receipt of a committed tx" }))?;
    Ok(TxView {
        tx_hash: tx.hash_in(store.suite()),
        height: location.height.0,
        index: location.index,
        signer: tx.body.signer,
        nonce: tx.body.nonce.0,
        valid_until: tx.body.valid_until.0,
        action: Some(tx.body.action),
        code: receipt.code,
        rejection: receipt.rejection().map(|rejection| rejection.name()),
        events: receipt.events,
    })
}

fn block_txs(store: &Store, height: Height, page: &PageParams) -> Result<Page<TxView>, QueryError> {
    let limit = page_limit(page.limit)?;
    let height = resolve_height(store, Some(height))?;
    let hashes = store.block_tx_hashes(height)?.unwrap_or_default();
    // Any position is one: at or past the block's last tx, the page is empty.
    let start = match page.cursor.as_deref() {
        None => 0,
        Some(text) => position(text).ok_or_else(|| {
            QueryError::bad_input("cursor", format!("{text:?} is not a position in a block"))
        })?,
    };
    let mut items = Vec::with_capacity(limit.min(hashes.len().saturating_sub(start)));
    for hash in hashes.iter().skip(start).take(limit) {
        let (location, tx) = store
            .tx(hash)?
            .ok_or_else(|| store.noted(StorageError::Missing { what: "tx of a block" }))?;
        items.push(tx_view(store, location, tx)?);
    }
    let end = start.saturating_add(items.len());
    let next = (end < hashes.len()).then(|| end.to_string());
    Ok(Page { items, next })
}

/// A decimal tx position, digits only (`parse` would take a leading `+`).
fn position(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn validators(store: &Store, height: Option<Height>) -> Result<ValidatorsView, QueryError> {
    let height = resolve_state_height(store, height)?;
    let set: ValidatorSet = match store.record(&RecordKey::ValidatorSet, height)? {
        Some(bytes) => decode_stored(store, &bytes)?,
        None => ValidatorSet::default(),
    };
    Ok(ValidatorsView {
        height: height.0,
        total_power: set.total_power(),
        quorum_power: set.quorum_power(),
        validators: set.validators,
    })
}

impl From<StorageError> for QueryError {
    fn from(error: StorageError) -> Self {
        match error {
            // The query checks a cursor before the store reads it, so this is a defence only.
            StorageError::InvalidCursor => Self::CursorUnknown {
                cursor: String::new(),
                rule: "it is not a cursor this listing gave".to_owned(),
            },
            // The height the query asked is one whose state this node has pruned.
            pruned @ StorageError::StatePruned { .. } => {
                Self::bad_input("height", pruned.to_string())
            }
            other => Self::Storage { damaged: other.is_damage(), source: Box::new(other) },
        }
    }
}
