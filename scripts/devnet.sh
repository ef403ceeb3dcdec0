#!/usr/bin/env bash
# A local devnet: four validator nodes of the embedded development network
# (genesis/networks/dev.json; its keys are public and for development only), each a separate
# `onebook start` process with its own RocksDB store, on 127.0.0.1. Their homes are in
# `.onebook-devnet/` (ignored by git; delete it to start over) and their logs in
# `.onebook-devnet/nodeN.log`. Prints where each node's REST API listens, starts the explorer
# against node 0 (reading as the dev auditor) and prints its address; Ctrl-C stops them all.
#
#   ONEBOOK_DEVNET_DIR   where the homes are (default .onebook-devnet)
#   ONEBOOK_DEVNET_PORT  the first port (default 26600; node i uses port + 10 i for its API and the
#                        next two for consensus and tx gossip)
#   ONEBOOK_EXPLORER_PORT  where the explorer listens on 127.0.0.1 (default 26680)
#   ONEBOOK_DEVNET_CLOCK_RATE  how many times faster than the wall clock block time runs (default
#                        1; 1440 makes a day a minute, so notices and deadlines pass in a demo);
#                        read when the homes are written, so delete the directory to change it
#   ONEBOOK_DEVNET_SUITE the cryptographic suite: ed25519-blake3 (default) or sm2-sm3 (every dev
#                        key derived again in SM2, SM3 digests); read when the homes are written
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/onebook-target}"
dir="${ONEBOOK_DEVNET_DIR:-.onebook-devnet}"
port="${ONEBOOK_DEVNET_PORT:-26600}"
clock_rate="${ONEBOOK_DEVNET_CLOCK_RATE:-1}"
explorer_port="${ONEBOOK_EXPLORER_PORT:-26680}"
suite="${ONEBOOK_DEVNET_SUITE:-ed25519-blake3}"
nodes=4

bash scripts/setup.sh
cargo build --locked -p onebook-cli --bin onebook
onebook="$CARGO_TARGET_DIR/debug/onebook"
if [ ! -d "$dir/node0" ]; then
  "$onebook" testnet --nodes "$nodes" --out "$dir" --base-port "$port" --clock-rate "$clock_rate" \
    --suite "$suite"
fi

# Each process runs in a session of its own (setsid), so the terminal's Ctrl-C reaches this
# script alone: it stops them in order and says so, instead of racing them to their exits.
pids=()
stop() {
  trap - INT TERM EXIT
  echo "devnet: stopping ${#pids[@]} processes"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "devnet: stopped"
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

for ((i = 0; i < nodes; i++)); do
  setsid "$onebook" --home "$dir/node$i" start >>"$dir/node$i.log" 2>&1 &
  pids+=("$!")
done
for ((i = 0; i < nodes; i++)); do
  api="http://127.0.0.1:$((port + 10 * i))"
  for _ in $(seq 1 100); do
    if curl -fsS "$api/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "devnet: node$i exited; see $dir/node$i.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "node$i  api $api  log $dir/node$i.log"
done
# The homes' own suite (they may predate ONEBOOK_DEVNET_SUITE), for the explorer's dev reader key.
home_suite="$(grep -oP '"suite":\s*"\K[^"]+' "$dir/node0/genesis.json" || echo ed25519-blake3)"
setsid "$onebook" explorer --node "http://127.0.0.1:$port" --listen "127.0.0.1:$explorer_port" \
  --dev-reader xm-dsj/auditor --suite "$home_suite" >>"$dir/explorer.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$explorer_port/assets/style.css" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
echo "explorer  http://127.0.0.1:$explorer_port  log $dir/explorer.log"
echo "devnet: running; Ctrl-C stops it"
# Returns when a process exits on its own; Ctrl-C interrupts it and runs the INT trap instead.
wait -n "${pids[@]}" || true
echo "devnet: a process exited on its own; see the logs in $dir" >&2
exit 1
