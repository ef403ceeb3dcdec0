//! [`ReaderQuery`]: any [`LedgerQuery`] as one reader may see it.

use onebook_types::{
    catalog_records::SourceKey,
    hash::Hash32,
    ids::{ChainId, Height, OrgId, Timestamp},
    record::RecordKey,
    report_records::{ReportPeriod, ReportScope},
};

use crate::{
    BlockSummaryView, BlockView, CheckpointPolicyView, ChildChainView, CountParams, CountView,
    ElementSourceView, EventPage, EventParams, LedgerQuery, ListParams, OverdueView, Page,
    PageParams, PolicyView, ProtocolView, QueryError, Record, RecordKind, RecordView,
    SearchHitView, TimelineEntryView, TipView, TxView, ValidatorsView,
    read_rules::{self, Reader},
    reports::ReportView,
};

/// A [`LedgerQuery`] that answers as `reader` may see the ledger, by the rules of
/// [`read_rules`]: a restricted record the reader may not read is refused, lists, search,
/// events, timelines and decoded txs leave out or redact what the reader may not read. Wrap
/// the store's own query in it wherever a reader other than the node itself reads, so that no
/// reader re-implements the rules. A refusal is [`QueryError::BadInput`] naming the parameter
/// `authorization`, as `HttpQuery` reports a node's 401 or 403.
#[derive(Clone, Debug)]
pub struct ReaderQuery<Q> {
    inner: Q,
    reader: Reader,
}

impl<Q: LedgerQuery> ReaderQuery<Q> {
    /// `inner` as `reader` sees it.
    pub const fn new(inner: Q, reader: Reader) -> Self {
        Self { inner, reader }
    }

    /// `inner` as a reader who proved no membership sees it.
    pub const fn anonymous(inner: Q) -> Self {
        Self::new(inner, Reader::Anonymous)
    }

    /// The reader.
    pub const fn reader(&self) -> &Reader {
        &self.reader
    }

    fn refused(&self, what: &str, rule: &str) -> QueryError {
        let detail = match &self.reader {
            Reader::Anonymous => format!("the {what} is restricted to members: {rule}"),
            Reader::Member(member) => {
                format!(
                    "member {} of org {} may not read this {what}: {rule}",
                    member.key, member.org
                )
            }
        };
        QueryError::bad_input("authorization", detail)
    }

    fn refused_record(&self, record: &Record) -> QueryError {
        self.refused(read_rules::restricted_kind(record), read_rules::audience_rule(record))
    }

    /// Refuses an anonymous reader a record of `kind` that does not exist when the kind may be
    /// restricted, so that absent and restricted look alike.
    fn absent(&self, kind: RecordKind) -> Result<(), QueryError> {
        if matches!(self.reader, Reader::Anonymous) && read_rules::restricted_by_id(kind) {
            return Err(self.refused(kind.name(), "members may read it"));
        }
        Ok(())
    }
}

impl<Q: LedgerQuery> LedgerQuery for ReaderQuery<Q> {
    async fn tip(&self) -> Result<TipView, QueryError> {
        self.inner.tip().await
    }

    /// The ledger's figures, the same for every reader: each names the keys of the records it
    /// counts, and a restricted record behind a key is read under the rules of [`Self::record`].
    async fn report(
        &self,
        scope: ReportScope,
        period: ReportPeriod,
        height: Option<Height>,
    ) -> Result<ReportView, QueryError> {
        self.inner.report(scope, period, height).await
    }

    async fn record(
        &self,
        key: RecordKey,
        height: Option<Height>,
    ) -> Result<Option<RecordView>, QueryError> {
        let kind = crate::served_kind(&key)?;
        let Some(view) = self.inner.record(key, height).await? else {
            self.absent(kind)?;
            return Ok(None);
        };
        if read_rules::may_read_fully(&self.inner, &self.reader, &view.record, height).await? {
            Ok(Some(view))
        } else {
            Err(self.refused_record(&view.record))
        }
    }

    async fn records(
        &self,
        kind: RecordKind,
        params: ListParams,
    ) -> Result<Page<RecordView>, QueryError> {
        if read_rules::always_restricted(kind) && matches!(self.reader, Reader::Anonymous) {
            return Err(self.refused(kind.name(), "members may list them"));
        }
        let mut page = self.inner.records(kind, params).await?;
        read_rules::visible_items(&self.reader, kind, &mut page.items);
        Ok(page)
    }

    async fn count_records(
        &self,
        kind: RecordKind,
        params: CountParams,
    ) -> Result<CountView, QueryError> {
        if !read_rules::may_count(&self.reader, kind, params.org.as_ref()) {
            return Err(
                self.refused(kind.name(), "auditors may count them, members their own org's")
            );
        }
        self.inner.count_records(kind, params).await
    }

    async fn timeline(
        &self,
        subject: RecordKey,
        page: PageParams,
    ) -> Result<Page<TimelineEntryView>, QueryError> {
        let kind = crate::timeline_kind(&subject)?;
        if read_rules::always_restricted(kind) && matches!(self.reader, Reader::Anonymous) {
            return Err(
                self.refused("timeline of an access event or violation", "members may read it")
            );
        }
        let mut authorized = false;
        if read_rules::restricted_by_id(kind) {
            match self.inner.record(subject.clone(), None).await? {
                Some(view) => {
                    let reader = &self.reader;
                    if !read_rules::may_read_fully(&self.inner, reader, &view.record, None).await? {
                        return Err(self.refused_record(&view.record));
                    }
                    authorized = true;
                }
                None => self.absent(kind)?,
            }
        }
        let mut page = self.inner.timeline(subject, page).await?;
        if !authorized {
            let mut shown = Vec::with_capacity(page.items.len());
            for entry in page.items {
                let (action, signer) = (&entry.action, entry.signer);
                if read_rules::may_read_tx(&self.inner, &self.reader, action, signer, &[]).await? {
                    shown.push(entry);
                }
            }
            page.items = shown;
        }
        Ok(page)
    }

    async fn overdue_obligations(
        &self,
        org: OrgId,
        at: Option<Timestamp>,
        height: Option<Height>,
    ) -> Result<OverdueView, QueryError> {
        self.inner.overdue_obligations(org, at, height).await
    }

    async fn search(&self, text: String) -> Result<Vec<SearchHitView>, QueryError> {
        let mut shown = Vec::new();
        for hit in self.inner.search(text).await? {
            let visible = match &hit {
                SearchHitView::Record { key } => {
                    read_rules::may_see_hit(&self.inner, &self.reader, key).await?
                }
                SearchHitView::Tx { .. } | SearchHitView::Block { .. } => true,
            };
            if visible {
                shown.push(hit);
            }
        }
        Ok(shown)
    }

    async fn events(&self, params: EventParams) -> Result<EventPage, QueryError> {
        let mut page = self.inner.events(params).await?;
        let mut shown = Vec::with_capacity(page.items.len());
        for view in page.items {
            let (kind, attributes) = (&view.kind, &view.attributes);
            if read_rules::may_read_event(&self.inner, &self.reader, kind, attributes).await? {
                shown.push(view);
            }
        }
        page.items = shown;
        Ok(page)
    }

    async fn block(&self, height: Height) -> Result<Option<BlockView>, QueryError> {
        self.inner.block(height).await
    }

    async fn blocks(&self, page: PageParams) -> Result<Page<BlockSummaryView>, QueryError> {
        self.inner.blocks(page).await
    }

    async fn tx(&self, hash: Hash32) -> Result<Option<TxView>, QueryError> {
        let Some(mut view) = self.inner.tx(hash).await? else { return Ok(None) };
        read_rules::redact_tx(&self.inner, &self.reader, &mut view).await?;
        Ok(Some(view))
    }

    async fn block_txs(
        &self,
        height: Height,
        page: PageParams,
    ) -> Result<Page<TxView>, QueryError> {
        let mut page = self.inner.block_txs(height, page).await?;
        for view in &mut page.items {
            read_rules::redact_tx(&self.inner, &self.reader, view).await?;
        }
        Ok(page)
    }

    async fn validators(&self, height: Option<Height>) -> Result<ValidatorsView, QueryError> {
        self.inner.validators(height).await
    }

    async fn element_source(
        &self,
        key: SourceKey,
        height: Option<Height>,
    ) -> Result<Option<ElementSourceView>, QueryError> {
        self.inner.element_source(key, height).await
    }

    async fn policy(&self, height: Option<Height>) -> Result<PolicyView, QueryError> {
        self.inner.policy(height).await
    }

    /// Public, like the policy: every reader reads how the chain is checkpointed and judged.
    async fn checkpoint_policy(
        &self,
        height: Option<Height>,
    ) -> Result<Option<CheckpointPolicyView>, QueryError> {
        self.inner.checkpoint_policy(height).await
    }

    async fn protocol(&self, height: Option<Height>) -> Result<ProtocolView, QueryError> {
        self.inner.protocol(height).await
    }

    async fn child_chains(
        &self,
        height: Option<Height>,
        page: PageParams,
    ) -> Result<Page<ChildChainView>, QueryError> {
        self.inner.child_chains(height, page).await
    }

    async fn child_chain(
        &self,
        chain_id: ChainId,
        height: Option<Height>,
    ) -> Result<Option<ChildChainView>, QueryError> {
        self.inner.child_chain(chain_id, height).await
    }
}
