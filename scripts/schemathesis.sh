#!/usr/bin/env bash
# Runs schemathesis, with every check, against the OpenAPI document of a node: it generates
# requests from the document (valid and invalid ones) and fails on any answer the document does
# not allow (a 5xx, an undocumented status, header or media type, a body that breaks its schema,
# valid data refused or invalid data accepted). Exits non-zero on any failure.
#
# It writes a devnet of four validators whose ledger clock runs 1440 times faster (so the demo
# data's notices pass), fills it with `onebook demo seed`, runs schemathesis against
# /openapi.json of its first node, and stops it. Schemathesis is installed with pip into a virtual
# environment the script creates.
#
# `scripts/schemathesis.toml` configures one thing: for `POST /v1/txs`, the positive-data check
# also accepts 400, since whether bytes decode to a signed tx is a rule no schema can state
# (`docs/adr/0015-api-connection-limits.md`); every check stays on for every operation.
#
#   SCHEMATHESIS_VENV         where the virtual environment is (default
#                             $CARGO_TARGET_DIR/schemathesis-venv)
#   SCHEMATHESIS_MAX_EXAMPLES examples per operation in the fuzzing phase (default 50)
#   ONEBOOK_SCHEMATHESIS_PORT the first node's port (default 26700; node i uses port + 10 i and
#                             the next two)
#   SCHEMATHESIS_SEED         schemathesis' seed (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/onebook-target}"
venv="${SCHEMATHESIS_VENV:-$CARGO_TARGET_DIR/schemathesis-venv}"
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-50}"
port="${ONEBOOK_SCHEMATHESIS_PORT:-26700}"
version="4.32.5"

if [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $version" ]; then
  echo "schemathesis: installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

cargo build --locked -p onebook-cli --bin onebook
onebook="$CARGO_TARGET_DIR/debug/onebook"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

nodes=4
"$onebook" testnet --nodes "$nodes" --out "$work/net" --base-port "$port" --clock-rate 1440 \
  >/dev/null
for ((i = 0; i < nodes; i++)); do
  "$onebook" --home "$work/net/node$i" start >>"$work/node$i.log" 2>&1 &
  pids+=("$!")
done
api="127.0.0.1:$port"
for _ in $(seq 1 300); do
  if curl -fsS "http://$api/v1/status" 2>/dev/null | grep -q '"height":[1-9]'; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then
    echo "schemathesis: node0 exited:" >&2
    tail -n 20 "$work/node0.log" >&2
    exit 1
  fi
  sleep 0.2
done
"$onebook" demo seed --node "$api" >"$work/seed.log" 2>&1 || {
  echo "schemathesis: seeding the demo data failed:" >&2
  tail -n 20 "$work/seed.log" >&2
  exit 1
}

# The event stream (`GET /v1/events`) is left out: it never ends, so a tool that reads whole
# answers can only time out on it; `tests/it/events.rs` and `node/api/src/event_tests.rs` test it.
"$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run "http://$api/openapi.json" \
  --checks all \
  --exclude-path /v1/events \
  --max-examples "$max_examples" \
  --workers 1 \
  --request-timeout 30 \
  --suppress-health-check too_slow \
  --seed "${SCHEMATHESIS_SEED:-1}"
