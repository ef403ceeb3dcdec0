#!/usr/bin/env bash
# Benchmarks, in release mode, printing `name key=value` figures. Not part of CI: this machine is
# shared and noisy, so figures are compared as ratios within one run, never asserted in tests.
#
#   suite_crypto     sign, verify and domain-tagged hash rates of each cryptographic suite
#                    (ed25519-blake3, sm2-sm3), one thread, in the same run
#   state_map        state-tree updates/s, proofs generated/s and verified/s at ONEBOOK_BENCH_KEYS
#                    keys (default 1,000,000), in memory
#   storage_commit   synced block commits into RocksDB: txs/s and block latency p50/p99
#   storage_proofs   state proofs/s read from RocksDB
#   network_*        four validator processes on 127.0.0.1 under a signed-tx load: committed
#                    tx/s at saturation (batch submits on kept-alive connections),
#                    submit-to-commit p50/p99 at 200 and 2,000 tx/s, beside baseline_commit (one
#                    in-process chain, no network) from the same run; then postgres_* (the
#                    central-database peer, scripts/bench_postgres.sh) and one table of both;
#                    then saturation and latencies again on an sm2-sm3 devnet
#                    (onebook-bench-network --suite sm2-sm3), so both suites' committed tx/s come
#                    from the same run; each network line names its suite
#   api_*            the REST API over HTTP on 127.0.0.1 with 1,000,000 committed txs in the
#                    store: a record by id, a record's timeline, an org's timeline page; p50/p99;
#                    api_disk: bytes on disk per committed tx by column family after a full
#                    compaction, api_disk_pruned: an estimate keeping only the tip's state tree,
#                    and api_disk_window: the same store switched to [storage] state_history =
#                    ONEBOOK_BENCH_API_WINDOW blocks (default 100), pruned, compacted, measured
#   explorer_render  every explorer page type rendered in process over a RocksDB store of
#                    ONEBOOK_BENCH_TXS committed txs (default 1,000,000): p50/p99 ms per page
#   ledger_rules     the ledger rules alone: 10,000 mixed verified txs through the executor, in
#                    memory, txs/s
#   sync_*           a node started on an empty store syncs ONEBOOK_BENCH_BLOCKS blocks (default
#                    10,000) of ONEBOOK_BENCH_TXS_PER_BLOCK txs (default 100) from four validator
#                    processes started on copies of that history: blocks/s and txs/s of history;
#                    then another empty node joins from a snapshot of a running validator
#                    (snapshot create + start --from-snapshot): its time beside the full sync's
#                    (ONEBOOK_BENCH_JOIN=0 skips it)
#
# Usage: scripts/bench.sh [SECTION...], SECTION one of suites, state, ledger, storage, api,
# explorer, network, sync; all of them when none is named.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/onebook-target}"
sections=" $* "
for section in "$@"; do
  case "$section" in
    suites | state | ledger | storage | api | explorer | network | sync) ;;
    *) echo "unknown section $section (suites state ledger storage api explorer network sync)" >&2; exit 2 ;;
  esac
done
# Whether the section $1 runs.
want() { [ "$sections" = "  " ] || [[ "$sections" == *" $1 "* ]]; }

if want suites; then
  echo "== cryptographic suites (one thread)"
  cargo bench --locked -p onebook-types --bench suite 2>/dev/null | grep -E '^suite_crypto'
fi

if want state; then
  echo "== state map (in memory)"
  cargo bench --locked -p onebook-state --bench state_map 2>/dev/null | grep -E '^state_map|keys='
fi

if want ledger; then
  echo "== ledger rules (in memory, no signature check)"
  cargo bench --locked -p onebook-ledger --bench rules 2>/dev/null | grep -E '^ledger_rules'
fi

if want storage; then
  echo "== storage (RocksDB, synced)"
  cargo build --locked --release -p onebook-tests --bin onebook-bench-storage
  "$CARGO_TARGET_DIR/release/onebook-bench-storage"
fi

if want api; then
  echo "== REST API reads (RocksDB, 1,000,000 txs)"
  cargo build --locked --release -p onebook-tests --bin onebook-bench-api
  "$CARGO_TARGET_DIR/release/onebook-bench-api"
fi

if want explorer; then
  echo "== explorer (page renders over a store of 1,000,000 txs)"
  cargo build --locked --release -p onebook-tests --bin onebook-bench-explorer
  "$CARGO_TARGET_DIR/release/onebook-bench-explorer"
fi

if want network; then
  echo "== network (four validator processes on 127.0.0.1) and a central PostgreSQL peer"
  cargo build --locked --release -p onebook-tests --bin onebook-node --bin onebook-bench-network
  network_out="$(mktemp)"
  "$CARGO_TARGET_DIR/release/onebook-bench-network" | tee "$network_out"
  "$CARGO_TARGET_DIR/release/onebook-bench-network" --suite sm2-sm3 | tee -a "$network_out"
  bash scripts/bench_postgres.sh | tee -a "$network_out"
  bash scripts/bench_table.sh "$network_out"
  rm -f "$network_out"
fi

if want sync; then
  echo "== sync (an empty node catches up with four validators holding a long history)"
  cargo build --locked --release -p onebook-tests --bin onebook-node --bin onebook-bench-sync
  "$CARGO_TARGET_DIR/release/onebook-bench-sync"
fi
