//! [`SharedQuery`]: any [`LedgerQuery`] behind one pointer type, so a reader that must name one
//! type (the REST API's state, whose handlers its OpenAPI macros register by name and cannot
//! make generic) holds any implementation: the node's own store, a remote node, a test's double.
//!
//! [`LedgerQuery`]'s methods return `impl Future`, so it cannot be a trait object itself. Here
//! each implementation is wrapped once: every call boxes its future, one allocation per read,
//! small beside the read it waits for (ADR 0038).

use std::{fmt, future::Future, pin::Pin, sync::Arc};

use onebook_types::{
    catalog_records::SourceKey,
    hash::Hash32,
    ids::{ChainId, Height, OrgId, Timestamp},
    record::RecordKey,
    report_records::{ReportPeriod, ReportScope},
};

use crate::{
    EventPage, EventParams, LedgerQuery, QueryError, RecordKind,
    ledger::{CountParams, ListParams, PageParams},
    reports::ReportView,
    views::{
        BlockSummaryView, BlockView, CheckpointPolicyView, ChildChainView, CountView,
        ElementSourceView, OverdueView, Page, PolicyView, ProtocolView, RecordView, SearchHitView,
        TimelineEntryView, TipView, TxView, ValidatorsView,
    },
};

/// An answer of [`Erased`]: the boxed future of one [`LedgerQuery`] call.
type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, QueryError>> + Send + 'a>>;

/// Any [`LedgerQuery`], its type erased; cheap to clone (clones share the query).
#[derive(Clone)]
pub struct SharedQuery(Arc<dyn Erased>);

impl SharedQuery {
    /// `query` behind the shared pointer.
    pub fn new(query: impl LedgerQuery) -> Self {
        Self(Arc::new(query))
    }
}

impl fmt::Debug for SharedQuery {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("SharedQuery")
    }
}

/// [`LedgerQuery`] with boxed futures: object-safe, implemented for every [`LedgerQuery`].
trait Erased: Send + Sync + 'static {
    fn tip(&self) -> Answer<'_, TipView>;
    fn record(&self, key: RecordKey, height: Option<Height>) -> Answer<'_, Option<RecordView>>;
    fn records(&self, kind: RecordKind, params: ListParams) -> Answer<'_, Page<RecordView>>;
    fn count_records(&self, kind: RecordKind, params: CountParams) -> Answer<'_, CountView>;
    fn timeline(&self, subject: RecordKey, page: PageParams)
    -> Answer<'_, Page<TimelineEntryView>>;
    fn overdue_obligations(
        &self,
        org: OrgId,
        at: Option<Timestamp>,
        height: Option<Height>,
    ) -> Answer<'_, OverdueView>;
    fn search(&self, text: String) -> Answer<'_, Vec<SearchHitView>>;
    fn events(&self, params: EventParams) -> Answer<'_, EventPage>;
    fn block(&self, height: Height) -> Answer<'_, Option<BlockView>>;
    fn blocks(&self, page: PageParams) -> Answer<'_, Page<BlockSummaryView>>;
    fn tx(&self, hash: Hash32) -> Answer<'_, Option<TxView>>;
    fn block_txs(&self, height: Height, page: PageParams) -> Answer<'_, Page<TxView>>;
    fn validators(&self, height: Option<Height>) -> Answer<'_, ValidatorsView>;
    fn element_source(
        &self,
        key: SourceKey,
        height: Option<Height>,
    ) -> Answer<'_, Option<ElementSourceView>>;
    fn policy(&self, height: Option<Height>) -> Answer<'_, PolicyView>;
    fn checkpoint_policy(&self, height: Option<Height>)
    -> Answer<'_, Option<CheckpointPolicyView>>;
    fn protocol(&self, height: Option<Height>) -> Answer<'_, ProtocolView>;
    fn child_chains(
        &self,
        height: Option<Height>,
        page: PageParams,
    ) -> Answer<'_, Page<ChildChainView>>;
    fn child_chain(
        &self,
        chain_id: ChainId,
        height: Option<Height>,
    ) -> Answer<'_, Option<ChildChainView>>;
    fn report(
        &self,
        scope: ReportScope,
        period: ReportPeriod,
        height: Option<Height>,
    ) -> Answer<'_, ReportView>;
}

impl<Q: LedgerQuery> Erased for Q {
    fn tip(&self) -> Answer<'_, TipView> {
        Box::pin(LedgerQuery::tip(self))
    }
    fn record(&self, key: RecordKey, height: Option<Height>) -> Answer<'_, Option<RecordView>> {
        Box::pin(LedgerQuery::record(self, key, height))
    }
    fn records(&self, kind: RecordKind, params: ListParams) -> Answer<'_, Page<RecordView>> {
        Box::pin(LedgerQuery::records(self, kind, params))
    }
    fn count_records(&self, kind: RecordKind, params: CountParams) -> Answer<'_, CountView> {
        Box::pin(LedgerQuery::count_records(self, kind, params))
    }
    fn timeline(
        &self,
        subject: RecordKey,
        page: PageParams,
    ) -> Answer<'_, Page<TimelineEntryView>> {
        Box::pin(LedgerQuery::timeline(self, subject, page))
    }
    fn overdue_obligations(
        &self,
        org: OrgId,
        at: Option<Timestamp>,
        height: Option<Height>,
    ) -> Answer<'_, OverdueView> {
        Box::pin(LedgerQuery::overdue_obligations(self, org, at, height))
    }
    fn search(&self, text: String) -> Answer<'_, Vec<SearchHitView>> {
        Box::pin(LedgerQuery::search(self, text))
    }
    fn events(&self, params: EventParams) -> Answer<'_, EventPage> {
        Box::pin(LedgerQuery::events(self, params))
    }
    fn block(&self, height: Height) -> Answer<'_, Option<BlockView>> {
        Box::pin(LedgerQuery::block(self, height))
    }
    fn blocks(&self, page: PageParams) -> Answer<'_, Page<BlockSummaryView>> {
        Box::pin(LedgerQuery::blocks(self, page))
    }
    fn tx(&self, hash: Hash32) -> Answer<'_, Option<TxView>> {
        Box::pin(LedgerQuery::tx(self, hash))
    }
    fn block_txs(&self, height: Height, page: PageParams) -> Answer<'_, Page<TxView>> {
        Box::pin(LedgerQuery::block_txs(self, height, page))
    }
    fn validators(&self, height: Option<Height>) -> Answer<'_, ValidatorsView> {
        Box::pin(LedgerQuery::validators(self, height))
    }
    fn element_source(
        &self,
        key: SourceKey,
        height: Option<Height>,
    ) -> Answer<'_, Option<ElementSourceView>> {
        Box::pin(LedgerQuery::element_source(self, key, height))
    }
    fn policy(&self, height: Option<Height>) -> Answer<'_, PolicyView> {
        Box::pin(LedgerQuery::policy(self, height))
    }
    fn checkpoint_policy(
        &self,
        height: Option<Height>,
    ) -> Answer<'_, Option<CheckpointPolicyView>> {
        Box::pin(LedgerQuery::checkpoint_policy(self, height))
    }
    fn protocol(&self, height: Option<Height>) -> Answer<'_, ProtocolView> {
        Box::pin(LedgerQuery::protocol(self, height))
    }
    fn child_chains(
        &self,
        height: Option<Height>,
        page: PageParams,
    ) -> Answer<'_, Page<ChildChainView>> {
        Box::pin(LedgerQuery::child_chains(self, height, page))
    }
    fn child_chain(
        &self,
        chain_id: ChainId,
        height: Option<Height>,
    ) -> Answer<'_, Option<ChildChainView>> {
        Box::pin(LedgerQuery::child_chain(self, chain_id, height))
    }
    fn report(
        &self,
        scope: ReportScope,
        period: ReportPeriod,
        height: Option<Height>,
    ) -> Answer<'_, ReportView> {
        Box::pin(LedgerQuery::report(self, scope, period, height))
    }
}

impl LedgerQuery for SharedQuery {
    fn tip(&self) -> impl Future<Output = Result<TipView, QueryError>> + Send {
        self.0.tip()
    }
    fn record(
        &self,
        key: RecordKey,
        height: Option<Height>,
    ) -> impl Future<Output = Result<Option<RecordView>, QueryError>> + Send {
        self.0.record(key, height)
    }
    fn records(
        &self,
        kind: RecordKind,
        params: ListParams,
    ) -> impl Future<Output = Result<Page<RecordView>, QueryError>> + Send {
        self.0.records(kind, params)
    }
    fn count_records(
        &self,
        kind: RecordKind,
        params: CountParams,
    ) -> impl Future<Output = Result<CountView, QueryError>> + Send {
        self.0.count_records(kind, params)
    }
    fn timeline(
        &self,
        subject: RecordKey,
        page: PageParams,
    ) -> impl Future<Output = Result<Page<TimelineEntryView>, QueryError>> + Send {
        self.0.timeline(subject, page)
    }
    fn overdue_obligations(
        &self,
        org: OrgId,
        at: Option<Timestamp>,
        height: Option<Height>,
    ) -> impl Future<Output = Result<OverdueView, QueryError>> + Send {
        self.0.overdue_obligations(org, at, height)
    }
    fn search(
        &self,
        text: String,
    ) -> impl Future<Output = Result<Vec<SearchHitView>, QueryError>> + Send {
        self.0.search(text)
    }
    fn events(
        &self,
        params: EventParams,
    ) -> impl Future<Output = Result<EventPage, QueryError>> + Send {
        self.0.events(params)
    }
    fn block(
        &self,
        height: Height,
    ) -> impl Future<Output = Result<Option<BlockView>, QueryError>> + Send {
        self.0.block(height)
    }
    fn blocks(
        &self,
        page: PageParams,
    ) -> impl Future<Output = Result<Page<BlockSummaryView>, QueryError>> + Send {
        self.0.blocks(page)
    }
    fn tx(&self, hash: Hash32) -> impl Future<Output = Result<Option<TxView>, QueryError>> + Send {
        self.0.tx(hash)
    }
    fn block_txs(
        &self,
        height: Height,
        page: PageParams,
    ) -> impl Future<Output = Result<Page<TxView>, QueryError>> + Send {
        self.0.block_txs(height, page)
    }
    fn validators(
        &self,
        height: Option<Height>,
    ) -> impl Future<Output = Result<ValidatorsView, QueryError>> + Send {
        self.0.validators(height)
    }
    fn element_source(
        &self,
        key: SourceKey,
        height: Option<Height>,
    ) -> impl Future<Output = Result<Option<ElementSourceView>, QueryError>> + Send {
        self.0.element_source(key, height)
    }
    fn policy(
        &self,
        height: Option<Height>,
    ) -> impl Future<Output = Result<PolicyView, QueryError>> + Send {
        self.0.policy(height)
    }
    fn checkpoint_policy(
        &self,
        height: Option<Height>,
    ) -> impl Future<Output = Result<Option<CheckpointPolicyView>, QueryError>> + Send {
        self.0.checkpoint_policy(height)
    }
    fn protocol(
        &self,
        height: Option<Height>,
    ) -> impl Future<Output = Result<ProtocolView, QueryError>> + Send {
        self.0.protocol(height)
    }
    fn child_chains(
        &self,
        height: Option<Height>,
        page: PageParams,
    ) -> impl Future<Output = Result<Page<ChildChainView>, QueryError>> + Send {
        self.0.child_chains(height, page)
    }
    fn child_chain(
        &self,
        chain_id: ChainId,
        height: Option<Height>,
    ) -> impl Future<Output = Result<Option<ChildChainView>, QueryError>> + Send {
        self.0.child_chain(chain_id, height)
    }
    fn report(
        &self,
        scope: ReportScope,
        period: ReportPeriod,
        height: Option<Height>,
    ) -> impl Future<Output = Result<ReportView, QueryError>> + Send {
        self.0.report(scope, period, height)
    }
}
