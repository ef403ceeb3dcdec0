//! Explorer benchmark: a RocksDB store of one record of every kind and `ONEBOOK_BENCH_TXS`
//! committed txs (default 1,000,000, in blocks of 1,000, every one touching org `xm-gaj` and
//! grant 1, so their timelines are that long; every `ONEBOOK_BENCH_RECORDS_EVERY`th (default
//! 50) also writes a share request, its grant and an access under it, every other one an access
//! without a grant and its violation: 20,000 requests, grants and accesses and 10,000
//! violations, past the explorer's counting caps), then every page type rendered in process over
//! `StoreQuery`, `ONEBOOK_BENCH_RENDERS` times each: the chain's pages, the record pages, the
//! dashboards, the activity charts, the audit reports (an org's report over all time reads its
//! timeline of a million txs up to the report's row cap), search, and the checkpoint policy,
//! protocol schedule and child chains (twenty, written at the genesis). Prints `key=value`
//! figures. `ONEBOOK_BENCH_DIR` keeps the store in that folder and reuses it on the next run.
//! `ONEBOOK_BENCH_PAGES` renders only the pages whose name (`report_org`, `activity`, ...)
//! contains one of its comma-separated words (`ONEBOOK_BENCH_PAGES=report` times the audit
//! reports alone); unset, every page.

use std::{sync::Arc, time::Instant};

use axum::{body::Body, http::Request};
use onebook_explorer::{ExplorerConfig, router};
use onebook_query::{
    StoreQuery,
    test_utils::{self, TestTx, commit_txs, entry, every_kind, init},
};
use onebook_storage::{Store, StoreConfig};
use onebook_types::{
    action::Action,
    checkpoint::{CheckpointPolicy, ChildChain, Witness, WitnessSet},
    codec,
    consortium::{ProtocolSchedule, ProtocolUpgrade, Validator, ValidatorSet},
    ids::{
        AccessEventId, ChainId, GrantId, Height, OrgId, ProtocolVersion, ShareRequestId,
        ViolationId,
    },
    keys::SecretKey,
    limits::RECORD_BYTES_MAX,
    record::RecordKey,
    sharing_records::{AccessEvent, ShareRequest, ShareStatus, Violation},
};
use tower::ServiceExt;

fn main() -> eyre::Result<()> {
    let txs: u64 = env_or("ONEBOOK_BENCH_TXS", 1_000_000);
    let records_every: u64 = env_or("ONEBOOK_BENCH_RECORDS_EVERY", 50);
    let per_block: u64 = env_or("ONEBOOK_BENCH_TXS_PER_BLOCK", 1_000).max(1);
    let renders: usize = usize::try_from(env_or("ONEBOOK_BENCH_RENDERS", 200))?;
    // `ONEBOOK_BENCH_DIR` keeps the store there (built once, reused by the next run).
    let kept = std::env::var_os("ONEBOOK_BENCH_DIR").map(std::path::PathBuf::from);
    // Otherwise a temporary directory, removed on any exit, an error or a panic included.
    let (dir, temporary) = match &kept {
        Some(kept) => (kept.clone(), None),
        None => {
            let temporary = tempfile::Builder::new().prefix("onebook-bench-explorer-").tempdir()?;
            (temporary.path().to_path_buf(), Some(temporary))
        }
    };
    let reuse = kept.is_some() && dir.join("CURRENT").exists();
    std::fs::create_dir_all(&dir)?;
    let store = Arc::new(Store::open(&StoreConfig::new(&dir))?);
    let validators: Vec<SecretKey> = (1..=4).map(|seed| SecretKey::from_seed([seed; 32])).collect();
    let set = ValidatorSet {
        validators: validators
            .iter()
            .zip(["fj-sjj", "xm-dsj", "xm-gaj", "xm-scjg"])
            .map(|(key, org)| Validator { node_key: key.public_key(), org: org.into(), power: 10 })
            .collect(),
    };
    let mut records = every_kind();
    records.push(entry(RecordKey::ValidatorSet, &set));
    records.extend(governed_records(&validators));
    if !reuse {
        init(&store, records);
    }
    let grant = RecordKey::Grant(GrantId(1));
    let grant_bytes = every_kind().into_iter().find(|(key, _)| *key == grant).map(|(_, v)| v);
    let started = Instant::now();
    let mut committed = if reuse { store.tip()?.height.0 * per_block } else { 0 };
    let mut numbered = 0;
    while committed < txs {
        let count = per_block.min(txs - committed);
        let height = store.tip()?.height.next();
        let block: Vec<TestTx> = (0..count)
            .map(|i| {
                let action =
                    Action::WithdrawShareRequest { request: ShareRequestId(committed + i) };
                let mut records = match (&grant_bytes, i) {
                    (Some(bytes), 0) => vec![(grant.clone(), bytes.clone())],
                    _ => vec![],
                };
                if records_every > 0 && (committed + i) % records_every == 0 {
                    numbered += 1;
                    records.extend(numbered_records(numbered + 1, height));
                }
                let mut tx = TestTx::new(action, records);
                tx.orgs = vec![OrgId::from("xm-gaj")];
                tx
            })
            .collect();
        commit_txs(&store, block, &validators[..3]);
        committed += count;
    }
    let tip = store.tip()?.height.0;
    let record_sets = if reuse { "reused".to_owned() } else { numbered.to_string() };
    println!(
        "explorer_store txs={committed} blocks={tip} record_sets={record_sets} build_s={:.1} (RocksDB, every tx touching org xm-gaj)",
        started.elapsed().as_secs_f64()
    );
    let tx_hash = store.block_tx_hashes(onebook_types::ids::Height(tip))?.unwrap_or_default();
    let tx_hash = tx_hash.first().map(|hash| hash.to_hex()).unwrap_or_default();
    let app = router(
        StoreQuery::new(Arc::clone(&store)),
        ExplorerConfig {
            node_url: Some("http://127.0.0.1:26600".into()),
            // Every page as an auditor renders it: restricted records included.
            reader: onebook_query::test_utils::auditor_reader(),
            ..ExplorerConfig::default()
        },
    );
    let pages = [
        ("home", "/".to_owned()),
        ("blocks", "/blocks".to_owned()),
        ("block", format!("/blocks/{tip}")),
        ("block_middle", format!("/blocks/{}", tip / 2)),
        ("tx", format!("/txs/{tx_hash}")),
        ("validators", "/validators".to_owned()),
        ("search_tx", format!("/search?q={tx_hash}")),
        ("search_tx_prefix", format!("/search?q={}", &tx_hash[..10.min(tx_hash.len())])),
        ("search_org_name", "/search?q=xm-gaj".to_owned()),
        ("org", "/orgs/xm-gaj".to_owned()),
        ("catalog_entry", "/catalog/350200-xm-scjg-0001".to_owned()),
        ("share_request", "/share-requests/1".to_owned()),
        ("resource", "/resources/1".to_owned()),
        ("certificate", "/certificates/350200-2026-000001X".to_owned()),
        ("grant", "/grants/1".to_owned()),
        ("access_event", "/access-events/2".to_owned()),
        ("list_violations", "/violations".to_owned()),
        ("violations", "/dashboards/violations".to_owned()),
        (
            "violations_filtered",
            "/dashboards/violations?org=xm-gaj&from=2020-01-01&to=2099-12-31".to_owned(),
        ),
        ("overdue", "/dashboards/overdue".to_owned()),
        ("activity", "/dashboards/activity".to_owned()),
        ("report_org", "/report/org/xm-gaj?from=2020-01-01&to=2099-12-31".to_owned()),
        (
            "report_certificate",
            "/report/certificate/350200-2026-000001X?from=2020-01-01&to=2099-12-31".to_owned(),
        ),
        ("report_resource", "/report/resource/1?from=2020-01-01&to=2099-12-31".to_owned()),
        ("search_name", "/search?q=%E4%BC%81%E4%B8%9A".to_owned()),
        ("list", "/orgs".to_owned()),
        ("list_grants", "/grants".to_owned()),
        ("checkpoint_policy", "/checkpoint-policy".to_owned()),
        ("protocol", "/protocol".to_owned()),
        ("child_chains", "/child-chains".to_owned()),
        ("child_chain", "/child-chains/onebook-child-7".to_owned()),
    ];
    // A search page must link its hit, or it would be timed on an empty answer.
    let hit_of = |name: &str| match name {
        "search_tx" | "search_tx_prefix" => Some(format!("/txs/{tx_hash}")),
        "search_org_name" => Some("/orgs/xm-gaj".to_owned()),
        _ => None,
    };
    let only = std::env::var("ONEBOOK_BENCH_PAGES").unwrap_or_default();
    let only: Vec<&str> = only.split(',').map(str::trim).filter(|word| !word.is_empty()).collect();
    let runtime = tokio::runtime::Runtime::new()?;
    let mut worst_p99 = 0.0_f64;
    for (name, path) in &pages {
        if !only.is_empty() && !only.iter().any(|word| name.contains(word)) {
            continue;
        }
        let mut times = Vec::with_capacity(renders);
        let mut bytes = 0;
        for _ in 0..renders {
            let request =
                Request::get(path.as_str()).header("host", "127.0.0.1").body(Body::empty())?;
            let clock = Instant::now();
            let response = runtime.block_on(app.clone().oneshot(request))?;
            let status = response.status();
            let location = response
                .headers()
                .get("location")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let body = runtime.block_on(axum::body::to_bytes(response.into_body(), 64 << 20))?;
            times.push(clock.elapsed().as_secs_f64() * 1000.0);
            if !status.is_success() && !status.is_redirection() {
                eyre::bail!("{path}: {status}: {}", String::from_utf8_lossy(&body));
            }
            // A single hit redirects to its page; several are listed.
            if let Some(hit) = hit_of(name)
                && location.as_deref() != Some(hit.as_str())
                && !String::from_utf8_lossy(&body).contains(&hit)
            {
                eyre::bail!("{path}: the page does not link {hit}");
            }
            bytes += body.len();
        }
        times.sort_by(f64::total_cmp);
        let percentile = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
        worst_p99 = worst_p99.max(percentile(0.99));
        println!(
            "explorer_render page={name} renders={renders} p50_ms={:.2} p99_ms={:.2} html_bytes_avg={}",
            percentile(0.5),
            percentile(0.99),
            bytes / renders
        );
    }
    println!(
        "explorer_render worst_p99_ms={worst_p99:.2} txs={committed} (in process over StoreQuery)"
    );
    drop(app);
    drop(store);
    if let Some(temporary) = temporary {
        temporary.close()?;
    }
    Ok(())
}

/// Share request `n`, granted by grant `n` to `xm-gaj`, and an access by `xm-gaj` at `height`:
/// under grant `n` for an even `n`, else with no grant and violation `n`.
fn numbered_records(n: u64, height: Height) -> Vec<(RecordKey, Vec<u8>)> {
    let genesis = every_kind();
    let read = |key: RecordKey| {
        genesis.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).expect("in every_kind")
    };
    let time = test_utils::block_time(height);
    let mut request: ShareRequest =
        codec::decode(&read(RecordKey::ShareRequest(ShareRequestId(1))), RECORD_BYTES_MAX)
            .expect("a share request");
    request.id = ShareRequestId(n);
    request.requested_at = time;
    request.status = ShareStatus::Granted { grant: GrantId(n) };
    let mut grant = test_utils::grant(n, "xm-gaj");
    grant.request = ShareRequestId(n);
    let mut access: AccessEvent =
        codec::decode(&read(RecordKey::AccessEvent(AccessEventId(1))), RECORD_BYTES_MAX)
            .expect("an access event");
    access.id = AccessEventId(n);
    access.recorded_at = time;
    access.access.accessed_at = time;
    let mut records = vec![
        entry(RecordKey::ShareRequest(ShareRequestId(n)), &request),
        entry(RecordKey::Grant(GrantId(n)), &grant),
    ];
    if n.is_multiple_of(2) {
        access.access.grant = Some(GrantId(n));
        access.violation = None;
    } else {
        access.access.grant = None;
        access.violation = Some(ViolationId(n));
        let mut violation: Violation =
            codec::decode(&read(RecordKey::Violation(ViolationId(1))), RECORD_BYTES_MAX)
                .expect("a violation");
        violation.id = ViolationId(n);
        violation.access_event = AccessEventId(n);
        violation.recorded_at = time;
        records.push(entry(RecordKey::Violation(ViolationId(n)), &violation));
    }
    records.push(entry(RecordKey::AccessEvent(AccessEventId(n)), &access));
    records
}

/// The policy, the checkpoint policy (witnessed by the validators' keys), a protocol schedule
/// of two upgrades and twenty child chains, as the genesis writes them.
fn governed_records(validators: &[SecretKey]) -> Vec<(RecordKey, Vec<u8>)> {
    let mut witnesses: Vec<Witness> = validators
        .iter()
        .zip(["福建省见证节点", "厦门市见证节点", "公安见证节点", "市场监管见证节点"])
        .map(|(key, name)| Witness { key: key.public_key(), name: name.into() })
        .collect();
    witnesses.sort_by_key(|witness| witness.key);
    let witnesses = WitnessSet { threshold: 3, witnesses };
    let schedule = ProtocolSchedule {
        upgrades: vec![
            ProtocolUpgrade { version: ProtocolVersion(2), height: Height(10) },
            ProtocolUpgrade { version: ProtocolVersion(3), height: Height(10_000) },
        ],
    };
    let mut records = vec![
        // Every chain's genesis writes the policy; the org page's periodic report reads it.
        entry(RecordKey::Policy, &test_utils::policy()),
        entry(
            RecordKey::CheckpointPolicy,
            &CheckpointPolicy { interval: 100, witnesses: witnesses.clone() },
        ),
        entry(RecordKey::Protocol, &schedule),
    ];
    for n in 0..20 {
        let chain = ChildChain {
            chain_id: ChainId::from(format!("onebook-child-{n}").as_str()),
            genesis_hash: onebook_types::hash::Hash32([n; 32]),
            witnesses: witnesses.clone(),
            admitted_at: Height(0),
            latest: None,
        };
        records.push(entry(RecordKey::ChildChain(chain.chain_id.clone()), &chain));
    }
    records
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
