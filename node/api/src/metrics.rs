//! `GET /metrics`: the node's figures in the Prometheus text format (version 0.0.4).

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};

use onebook_consensus::metrics::{self, Histogram, HistogramSnapshot};
use onebook_storage::{StorageError, Store};
use onebook_types::{
    codec,
    consortium::{Validator, ValidatorSet},
    ids::Height,
    limits::RECORD_BYTES_MAX,
    record::RecordKey,
};

use crate::{problem::Problem, routes::ApiState};

/// The route label of a request that matched no route.
const UNMATCHED_ROUTE: &str = "unmatched";

/// API responses counted by status class (1xx to 5xx), and their latency by route template.
#[derive(Debug, Default)]
pub(crate) struct RequestCounters {
    by_class: [AtomicU64; 5],
    /// By route template (`/v1/orgs/{id}`, never the raw path), so the label set is the
    /// router's routes plus [`UNMATCHED_ROUTE`].
    latency_by_route: Mutex<BTreeMap<String, Arc<Histogram>>>,
}

impl RequestCounters {
    fn record(&self, status: u16) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
    }

    fn latency(&self, route: &str) -> Arc<Histogram> {
        let mut routes = self.latency_by_route.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            routes
                .entry(route.to_owned())
                .or_insert_with(|| Arc::new(Histogram::new(metrics::DURATION_BUCKETS_SECONDS))),
        )
    }

    fn latencies(&self) -> Vec<(String, HistogramSnapshot)> {
        let routes = self.latency_by_route.lock().unwrap_or_else(PoisonError::into_inner);
        routes.iter().map(|(route, histogram)| (route.clone(), histogram.snapshot())).collect()
    }
}

/// Counts every response by its status class, and its time to the response head by route.
pub(crate) async fn count(
    State(counters): State<Arc<RequestCounters>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str)
        .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    counters.latency(&route).observe_since(started);
    counters.record(response.status().as_u16());
    response
}

/// The node's figures in the Prometheus text format: height, last block time, mempool size, the
/// state-tree node cache, reads that found the store damaged, API responses by status class, the
/// first height held, the store's size by column family and its file system's free space, and
/// per validator the recent blocks whose certificate lacks its precommit.
/// A damaged store still answers here, with the last block time at 0 if its header cannot be
/// read.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "node",
    responses(
        (status = 200, description = "The figures.", body = String,
            content_type = "text/plain; version=0.0.4; charset=utf-8"),
        (status = 503, response = crate::openapi::Unavailable),
    )
)]
pub(crate) async fn metrics(
    State((state, counters)): State<(ApiState, Arc<RequestCounters>)>,
) -> Result<Response, Problem> {
    let tip = state.store.tip().map_err(|error| Problem::unavailable(&error))?;
    let header = state.store.header(tip.height).ok().flatten();
    let mut text = String::new();
    let mut gauge = |name: &str, help: &str, value: u64| {
        let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
    };
    gauge("onebook_height", "The height of the last committed block.", tip.height.0);
    gauge(
        "onebook_last_block_time_seconds",
        "The time of the last committed block, in seconds since the Unix epoch (0 at genesis).",
        header.map_or(0, |header| header.time.0 / 1_000),
    );
    gauge(
        "onebook_mempool_txs",
        "Txs waiting in this node's mempool.",
        state.gate.pending() as u64,
    );
    let cache = state.store.node_cache_stats();
    gauge(
        "onebook_state_node_cache_nodes",
        "State-tree nodes held in the node cache.",
        cache.nodes,
    );
    gauge(
        "onebook_state_node_cache_capacity_nodes",
        "The most state-tree nodes the node cache holds.",
        cache.capacity,
    );
    gauge(
        "onebook_base_height",
        "The first height this node holds: 0 from the genesis, a snapshot's height if it joined \
         from one.",
        state.store.base().0,
    );
    if let Ok(space) = state.store.disk_space() {
        gauge(
            "onebook_storage_disk_size_bytes",
            "The size of the file system holding the store.",
            space.size_bytes,
        );
        gauge(
            "onebook_storage_disk_available_bytes",
            "The bytes the node may still write on the file system holding the store.",
            space.available_bytes,
        );
    }
    let mut counter = |name: &str, help: &str, value: u64| {
        let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
    };
    counter(
        "onebook_state_node_cache_hits_total",
        "State-tree node reads answered from the node cache.",
        cache.hits,
    );
    counter(
        "onebook_state_node_cache_misses_total",
        "State-tree node reads that went to RocksDB.",
        cache.misses,
    );
    counter(
        "onebook_storage_damaged_reads_total",
        "Reads that found the store damaged since the node started.",
        state.store.damage().map_or(0, |damage| damage.reads),
    );
    if let Ok(families) = state.store.family_bytes() {
        labelled(
            &mut text,
            "onebook_storage_family_bytes",
            "Bytes of each column family's table files and memtables.",
            families.iter().map(|(family, bytes)| (format!("family=\"{family}\""), *bytes)),
        );
    }
    if let Ok(memory) = state.store.memory() {
        labelled(
            &mut text,
            "onebook_storage_memory_bytes",
            "Memory the store holds: RocksDB's memtables (bounded by [storage] memtable_bytes), \
             its block cache (bounded by block_cache_bytes) and its table readers' index and \
             filter blocks.",
            [
                ("memtables", memory.memtables),
                ("block_cache", memory.block_cache),
                ("table_readers", memory.table_readers),
            ]
            .into_iter()
            .map(|(part, bytes)| (format!("part=\"{part}\""), bytes)),
        );
    }
    if let Ok(missed) = missed_votes(&state.store, tip.height) {
        let _ = writeln!(
            text,
            "# HELP onebook_validator_window_blocks The last committed blocks the missed-vote \
             counts cover (up to {MISSED_WINDOW}).\n# TYPE onebook_validator_window_blocks \
             gauge\nonebook_validator_window_blocks {}",
            missed.window
        );
        labelled(
            &mut text,
            "onebook_validator_missed_blocks",
            "Of the last onebook_validator_window_blocks blocks, those whose commit certificate \
             lacks the validator's precommit (a certificate holds the precommits that made the \
             quorum, so a live validator is missing from some).",
            missed.validators.iter().map(|(validator, count)| {
                (format!("validator=\"{}\",org=\"{}\"", validator.node_key, validator.org), *count)
            }),
        );
    }
    let name = "onebook_api_requests_total";
    let _ = writeln!(text, "# HELP {name} API responses by status class.\n# TYPE {name} counter");
    for (index, count) in counters.by_class.iter().enumerate() {
        let _ =
            writeln!(text, "{name}{{class=\"{}xx\"}} {}", index + 1, count.load(Ordering::Relaxed));
    }
    write_histograms(
        &mut text,
        "onebook_api_request_duration_seconds",
        "Time from a request to its response head, by route template.",
        counters
            .latencies()
            .iter()
            .map(|(route, snapshot)| (format!("route=\"{route}\""), snapshot)),
    );
    engine_and_chain(&mut text, &state.store);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response())
}

/// The blocks the missed-vote counts cover: the last 100 committed.
const MISSED_WINDOW: u64 = 100;

/// Per validator of the set in force at `tip`, how many of the last [`MISSED_WINDOW`] committed
/// blocks (at or above the store's base) have a commit certificate without its signature.
struct MissedVotes {
    window: u64,
    validators: Vec<(Validator, u64)>,
}

fn missed_votes(store: &Store, tip: Height) -> Result<MissedVotes, StorageError> {
    let set: ValidatorSet = match store.record(&RecordKey::ValidatorSet, tip)? {
        Some(bytes) => codec::decode(&bytes, RECORD_BYTES_MAX)
            .map_err(|source| StorageError::Corrupt { what: "validator set", source })?,
        None => ValidatorSet::default(),
    };
    let first = tip.0.saturating_sub(MISSED_WINDOW - 1).max(store.base().0).max(1);
    let mut missed: Vec<(Validator, u64)> =
        set.validators.into_iter().map(|validator| (validator, 0)).collect();
    let mut window = 0;
    for height in first..=tip.0 {
        let Some(certificate) = store.certificate(Height(height))? else { continue };
        window += 1;
        for (validator, count) in &mut missed {
            let signed = certificate
                .signatures
                .binary_search_by_key(&validator.node_key, |signature| signature.node_key)
                .is_ok();
            *count += u64::from(!signed);
        }
    }
    Ok(MissedVotes { window, validators: missed })
}

/// The figures of RocksDB, consensus and the chain.
fn engine_and_chain(text: &mut String, store: &Store) {
    if let Ok(engine) = store.engine_stats() {
        let gauges = [
            (
                "onebook_storage_write_stopped",
                "1 while RocksDB stops writes until compaction or flushing catches up.",
                u64::from(engine.write_stopped),
            ),
            (
                "onebook_storage_delayed_write_rate_bytes",
                "The rate RocksDB slows writes to, in bytes per second; 0 when it does not.",
                engine.delayed_write_rate_bytes,
            ),
            (
                "onebook_storage_running_compactions",
                "RocksDB compactions running now.",
                engine.running_compactions,
            ),
            (
                "onebook_storage_pending_compaction_bytes",
                "Bytes RocksDB compaction must rewrite to bring every level under its target.",
                engine.pending_compaction_bytes,
            ),
            (
                "onebook_storage_live_data_bytes",
                "RocksDB's estimate of the live data, without obsolete versions.",
                engine.live_data_bytes,
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        }
    }
    let name = "onebook_consensus_rounds_started_total";
    let _ = writeln!(
        text,
        "# HELP {name} Consensus rounds this node started, at every height.\n# TYPE {name} \
         counter\n{name} {}",
        metrics::ROUNDS_STARTED.load(Ordering::Relaxed)
    );
    let name = "onebook_block_txs_cap";
    let _ = writeln!(
        text,
        "# HELP {name} The most txs the next block this node proposes may hold (0 before its \
         first proposal): fewer than the configured ceiling while its blocks execute slowly.\n# \
         TYPE {name} gauge\n{name} {}",
        metrics::BLOCK_TXS_CAP.load(Ordering::Relaxed)
    );
    let name = "onebook_admission_refusals_total";
    let _ = writeln!(
        text,
        "# HELP {name} Txs turned away at admission (API and gossip), by reason.\n# TYPE {name} \
         counter"
    );
    for (reason, count) in metrics::ADMISSION_REFUSALS.snapshot() {
        let _ = writeln!(text, "{name}{{reason=\"{reason}\"}} {count}");
    }
    let histograms = [
        (
            "onebook_consensus_decided_round",
            "The round at which each height this node committed was decided (0: the first).",
            &metrics::DECIDED_ROUND,
        ),
        (
            "onebook_block_execution_seconds",
            "Time to execute a block on the committed state, building one or checking another's.",
            &metrics::BLOCK_EXECUTION_SECONDS,
        ),
        (
            "onebook_block_commit_seconds",
            "Time to write a decided block to the store.",
            &metrics::BLOCK_COMMIT_SECONDS,
        ),
    ];
    for (name, help, histogram) in histograms {
        let snapshot = histogram.snapshot();
        write_histograms(text, name, help, std::iter::once((String::new(), &snapshot)));
    }
}

/// Writes the histogram `name`, one series per `(labels, snapshot)`.
fn write_histograms<'s>(
    text: &mut String,
    name: &str,
    help: &str,
    series: impl Iterator<Item = (String, &'s HistogramSnapshot)>,
) {
    let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} histogram");
    for (labels, snapshot) in series {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, count) in &snapshot.buckets {
            let _ = writeln!(text, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(text, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}", snapshot.count);
        let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
        let _ = writeln!(text, "{name}_sum{braces} {}", snapshot.sum);
        let _ = writeln!(text, "{name}_count{braces} {}", snapshot.count);
    }
}

/// Writes the gauge `name` with one sample per `(labels, value)`.
fn labelled(
    text: &mut String,
    name: &str,
    help: &str,
    samples: impl Iterator<Item = (String, u64)>,
) {
    let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} gauge");
    for (labels, value) in samples {
        let _ = writeln!(text, "{name}{{{labels}}} {value}");
    }
}
