//! The API's handlers read through the read port, not through a store: here they are served
//! from an in-memory double of [`LedgerQuery`] and [`NodeRead`], without RocksDB.

use std::collections::BTreeMap;

use axum::{
    Extension,
    body::{Body, to_bytes},
    http::{Request, StatusCode},
};
use onebook_genesis::GenesisFile;
use onebook_query::{
    Bundle, CheckpointEvidence, CheckpointPage, CheckpointView, CosignError, CosignReceipt,
    CountParams, CountView, ElementSourceView, EventPage, EventParams, LedgerQuery, ListParams,
    NodeFigures, NodeRead, OverdueView, Page, PageParams, PolicyView, ProofError, QueryError,
    Record, RecordKind, RecordView, SearchHitView, SharedQuery, TimelineEntryView, TipView, TxView,
    ValidatorsView, record_key_text, reports::ReportView,
};
use onebook_types::{
    block::Event,
    catalog_records::SourceKey,
    checkpoint::Cosignature,
    codec,
    consortium::{Org, Policy},
    hash::Hash32,
    ids::{AccessEventId, Height, OrgId, Timestamp},
    limits::RECORD_BYTES_MAX,
    record::RecordKey,
    report_records::{ReportPeriod, ReportScope},
    suite::Suite,
    tx::SignedTx,
};
use tower::ServiceExt;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::Reader;

/// The height the double answers at.
const TIP: u64 = 7;

fn genesis() -> GenesisFile {
    GenesisFile::from_json_validated(include_bytes!("../../../genesis/networks/dev.json"))
        .expect("the dev genesis is valid")
}

/// The orgs of the dev genesis, in memory: the records the double answers.
#[derive(Clone, Debug)]
struct MemLedger {
    orgs: BTreeMap<OrgId, Org>,
}

impl MemLedger {
    fn of_dev_genesis() -> Self {
        let orgs = genesis()
            .initial_state()
            .into_iter()
            .filter_map(|(key, bytes)| match key {
                RecordKey::Org(id) => Some((id, codec::decode(&bytes, RECORD_BYTES_MAX).ok()?)),
                _ => None,
            })
            .collect();
        Self { orgs }
    }

    fn view(id: &OrgId, org: &Org) -> RecordView {
        RecordView {
            key: record_key_text(&RecordKey::Org(id.clone())),
            height: TIP,
            redacted: false,
            standing: None,
            lineage: None,
            created: None,
            record: Record::Org(org.clone()),
        }
    }
}

/// What the double does not hold.
fn not_held<T>() -> Result<T, QueryError> {
    Err(QueryError::Unavailable { reason: "the in-memory double holds orgs only".into() })
}

impl LedgerQuery for MemLedger {
    async fn tip(&self) -> Result<TipView, QueryError> {
        not_held()
    }
    async fn record(
        &self,
        key: RecordKey,
        _height: Option<Height>,
    ) -> Result<Option<RecordView>, QueryError> {
        let RecordKey::Org(id) = key else { return not_held() };
        Ok(self.orgs.get(&id).map(|org| Self::view(&id, org)))
    }
    async fn records(
        &self,
        kind: RecordKind,
        _params: ListParams,
    ) -> Result<Page<RecordView>, QueryError> {
        if kind != RecordKind::Org {
            return not_held();
        }
        let items = self.orgs.iter().map(|(id, org)| Self::view(id, org)).collect();
        Ok(Page { items, next: None })
    }
    async fn count_records(
        &self,
        _kind: RecordKind,
        _params: CountParams,
    ) -> Result<CountView, QueryError> {
        not_held()
    }
    async fn timeline(
        &self,
        _subject: RecordKey,
        _page: PageParams,
    ) -> Result<Page<TimelineEntryView>, QueryError> {
        not_held()
    }
    async fn overdue_obligations(
        &self,
        _org: OrgId,
        _at: Option<Timestamp>,
        _height: Option<Height>,
    ) -> Result<OverdueView, QueryError> {
        not_held()
    }
    async fn search(&self, _text: String) -> Result<Vec<SearchHitView>, QueryError> {
        not_held()
    }
    async fn events(&self, _params: EventParams) -> Result<EventPage, QueryError> {
        not_held()
    }
    async fn block(&self, _height: Height) -> Result<Option<onebook_query::BlockView>, QueryError> {
        not_held()
    }
    async fn blocks(
        &self,
        _page: PageParams,
    ) -> Result<Page<onebook_query::BlockSummaryView>, QueryError> {
        not_held()
    }
    async fn tx(&self, _hash: Hash32) -> Result<Option<TxView>, QueryError> {
        not_held()
    }
    async fn block_txs(
        &self,
        _height: Height,
        _page: PageParams,
    ) -> Result<Page<TxView>, QueryError> {
        not_held()
    }
    async fn validators(&self, _height: Option<Height>) -> Result<ValidatorsView, QueryError> {
        not_held()
    }
    async fn element_source(
        &self,
        _key: SourceKey,
        _height: Option<Height>,
    ) -> Result<Option<ElementSourceView>, QueryError> {
        not_held()
    }
    async fn policy(&self, _height: Option<Height>) -> Result<PolicyView, QueryError> {
        not_held()
    }
    async fn checkpoint_policy(
        &self,
        _height: Option<Height>,
    ) -> Result<Option<onebook_query::CheckpointPolicyView>, QueryError> {
        not_held()
    }
    async fn protocol(
        &self,
        _height: Option<Height>,
    ) -> Result<onebook_query::ProtocolView, QueryError> {
        not_held()
    }
    async fn child_chains(
        &self,
        _height: Option<Height>,
        _page: PageParams,
    ) -> Result<Page<onebook_query::ChildChainView>, QueryError> {
        not_held()
    }
    async fn child_chain(
        &self,
        _chain_id: onebook_types::ids::ChainId,
        _height: Option<Height>,
    ) -> Result<Option<onebook_query::ChildChainView>, QueryError> {
        not_held()
    }
    async fn report(
        &self,
        _scope: ReportScope,
        _period: ReportPeriod,
        _height: Option<Height>,
    ) -> Result<ReportView, QueryError> {
        not_held()
    }
}

/// A node in memory: its tip, no damage, and the dev genesis's policy with the read audit on.
#[derive(Debug)]
struct MemNode {
    policy: Policy,
}

impl NodeRead for MemNode {
    fn tip_height(&self) -> Result<Height, QueryError> {
        Ok(Height(TIP))
    }
    fn damaged_reads(&self) -> Option<u64> {
        None
    }
    fn suite(&self) -> Suite {
        Suite::Ed25519Blake3
    }
    fn policy_at_tip(&self) -> Result<Option<Policy>, QueryError> {
        Ok(Some(self.policy.clone()))
    }
    fn state_history(&self) -> onebook_query::StateHistoryView {
        onebook_query::StateHistoryView::default()
    }
    fn figures(&self) -> Result<NodeFigures, QueryError> {
        Ok(NodeFigures { height: Height(TIP), ..NodeFigures::default() })
    }
    fn default_proof_height(&self) -> Result<Height, QueryError> {
        Ok(Height(TIP))
    }
    fn record_bundle(
        &self,
        _key: RecordKey,
        _absent: bool,
        _at: Height,
    ) -> Result<Bundle, ProofError> {
        Err(ProofError::NoProof { reason: "the in-memory node holds no bundles".into() })
    }
    fn tx_bundle(&self, _hash: Hash32) -> Result<Bundle, ProofError> {
        Err(ProofError::NoProof { reason: "the in-memory node holds no bundles".into() })
    }
    fn access_bundle(&self, _id: AccessEventId, _at: Height) -> Result<Bundle, ProofError> {
        Err(ProofError::NoProof { reason: "the in-memory node holds no bundles".into() })
    }
    fn committed_tx(&self, _hash: Hash32) -> Result<Option<(SignedTx, Vec<Event>)>, QueryError> {
        Ok(None)
    }
    fn checkpoints(&self, _after: Height, _limit: usize) -> Result<CheckpointPage, ProofError> {
        Ok(CheckpointPage { checkpoints: Vec::new(), newest_witnessed: None })
    }
    fn checkpoint(&self, _height: Height) -> Result<Option<CheckpointView>, ProofError> {
        Ok(None)
    }
    fn checkpoint_evidence(
        &self,
        _height: Height,
        _from: Option<Height>,
    ) -> Result<Option<CheckpointEvidence>, ProofError> {
        Ok(None)
    }
    fn cosign(
        &self,
        _height: Height,
        _cosignature: &Cosignature,
    ) -> Result<(bool, CosignReceipt), CosignError> {
        Err(CosignError::NoCheckpoint)
    }
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, serde_json::Value) {
    let request = Request::get(uri).body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("answer");
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn the_record_routes_serve_any_ledger_query_without_a_store() {
    let ledger = MemLedger::of_dev_genesis();
    let (router, _) = OpenApiRouter::new()
        .routes(routes!(crate::records::orgs))
        .routes(routes!(crate::records::org))
        .layer(Extension(Reader::Anonymous))
        .with_state(SharedQuery::new(ledger.clone()))
        .split_for_parts();

    let (one_status, one) = get(&router, "/v1/orgs/xm-dsj").await;
    let (missing_status, _) = get(&router, "/v1/orgs/nowhere").await;
    let (list_status, list) = get(&router, "/v1/orgs").await;

    assert_eq!(one_status, StatusCode::OK, "{one}");
    assert_eq!((one["key"].as_str(), one["height"].as_u64()), (Some("org:xm-dsj"), Some(TIP)));
    assert_eq!(one["record"]["id"], "xm-dsj", "{one}");
    assert_eq!(missing_status, StatusCode::NOT_FOUND);
    assert_eq!(list_status, StatusCode::OK, "{list}");
    let listed = list["items"].as_array().map_or(0, Vec::len);
    assert_eq!(listed, ledger.orgs.len(), "{list}");
}

#[tokio::test]
async fn the_checkpoint_routes_serve_any_node_without_a_store() {
    let node: std::sync::Arc<dyn NodeRead> = std::sync::Arc::new(MemNode { policy: dev_policy() });
    let (router, _) = OpenApiRouter::new()
        .routes(routes!(crate::checkpoints::list))
        .routes(routes!(crate::checkpoints::one))
        .with_state(node)
        .split_for_parts();

    let (list_status, list) = get(&router, "/v1/checkpoints").await;
    let (one_status, _) = get(&router, "/v1/checkpoints/3").await;

    assert_eq!(list_status, StatusCode::OK, "{list}");
    assert_eq!(list["checkpoints"], serde_json::json!([]), "{list}");
    assert_eq!(one_status, StatusCode::NOT_FOUND);
}

fn dev_policy() -> Policy {
    genesis()
        .initial_state()
        .into_iter()
        .find_map(|(key, bytes)| match key {
            RecordKey::Policy => codec::decode::<Policy>(&bytes, RECORD_BYTES_MAX).ok(),
            _ => None,
        })
        .expect("the dev genesis holds a policy")
}

#[test]
fn the_read_audit_follows_the_policy_the_node_reads() {
    let policy = dev_policy();
    let audited = MemNode { policy: Policy { record_signed_reads: true, ..policy.clone() } };
    let unaudited = MemNode { policy: Policy { record_signed_reads: false, ..policy } };

    let refused = crate::reads::reserve(&audited, None, "/v1/orgs/xm-dsj");
    let served = crate::reads::reserve(&unaudited, None, "/v1/orgs/xm-dsj");

    let refused = refused.expect_err("no recorder to record the read with");
    assert_eq!((refused.status, refused.kind.as_str()), (503, "/problems/read-audit-unavailable"));
    assert!(matches!(served, Ok(None)), "no read is recorded while the policy is off");
}
