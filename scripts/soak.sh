#!/usr/bin/env bash
# Soak: four validators of a release build on 127.0.0.1 under a steady signed-tx load, with one
# SIGKILL of a random validator every few minutes. Prints a table every minute (heights, txs
# offered and acknowledged per second, txs waiting for a block, resident memory and open files of
# each node) and a verdict at the end: lost txs, divergent heights, memory growth after warm-up.
# Exits non-zero on a lost tx, a divergent height, or memory growth over the bound.
#
#   scripts/soak.sh [minutes]       default 30
#
#   SOAK_RATE            txs offered per second (default 500); the verdict prints the rate reached
#   SOAK_KILL_EVERY_S    seconds between two SIGKILLs (default 300; 0 for none)
#   SOAK_DOWN_S          seconds a killed validator stays down (default 15)
#   SOAK_WARM_UP_S       seconds of a process's life before its memory is judged (default 900: a
#                        node started on an empty store fills its store-sized memory meanwhile)
#   SOAK_WINDOW_S        seconds of the first and the last window whose medians are compared
#                        (default 300)
#   SOAK_RSS_GROWTH_MAX  the largest memory growth after warm-up, in percent (default 10)
#   ONEBOOK_SEED         the seed of the victims' choice (printed by every run)
#
# The homes and stores live in a temporary directory removed at the end (about 1.5 KB of store
# per tx per node: a 30-minute run at 500 tx/s writes about 5 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/onebook-target}"
minutes="${1:-30}"

cargo build --release --locked -p onebook-tests --bin onebook-node --bin onebook-soak
exec "$CARGO_TARGET_DIR/release/onebook-soak" \
  --node-binary "$CARGO_TARGET_DIR/release/onebook-node" \
  --duration-s "$((minutes * 60))" \
  --rate "${SOAK_RATE:-500}" \
  --kill-every-s "${SOAK_KILL_EVERY_S:-300}" \
  --down-s "${SOAK_DOWN_S:-15}" \
  --warm-up-s "${SOAK_WARM_UP_S:-900}" \
  --window-s "${SOAK_WINDOW_S:-300}" \
  --rss-growth-max-percent "${SOAK_RSS_GROWTH_MAX:-10}"
