//! `GET /metrics`: the node's figures in the Prometheus text format (version 0.0.4).

use std::{
    fmt::Write as _,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use axum::{
    extract::{Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{problem::Problem, routes::ApiState};

/// API responses counted by status class (1xx to 5xx).
#[derive(Debug, Default)]
pub(crate) struct RequestCounters {
    by_class: [AtomicU64; 5],
}

impl RequestCounters {
    fn record(&self, status: u16) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
    }
}

/// Counts every response by its status class.
pub(crate) async fn count(
    State(counters): State<Arc<RequestCounters>>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    counters.record(response.status().as_u16());
    response
}

/// The node's figures in the Prometheus text format: height, last block time, mempool size, the
/// state-tree node cache, reads that found the store damaged, and API responses by status class.
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
    let name = "onebook_api_requests_total";
    let _ = writeln!(text, "# HELP {name} API responses by status class.\n# TYPE {name} counter");
    for (index, count) in counters.by_class.iter().enumerate() {
        let _ =
            writeln!(text, "{name}{{class=\"{}xx\"}} {}", index + 1, count.load(Ordering::Relaxed));
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response())
}
