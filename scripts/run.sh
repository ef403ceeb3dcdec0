#!/usr/bin/env bash
# The main job: set up, build, and run a local Onebook node on the embedded development network
# (genesis/networks/dev.json; its keys are public and for development only). The node's home is
# `.onebook-dev/` in the repository (ignored by git); Ctrl-C stops it. Until consensus lands this
# is a single node holding the dev network's genesis state; see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/onebook-target}"
bash scripts/setup.sh
cargo build --locked -p onebook-cli --bin onebook
onebook="$CARGO_TARGET_DIR/debug/onebook"
home="${ONEBOOK_HOME:-.onebook-dev}"
if [ ! -f "$home/config.toml" ]; then
  "$onebook" --home "$home" init --dev-key xm-dsj/node --moniker xm-dsj
fi
"$onebook" --home "$home" inspect state
exec "$onebook" --home "$home" start
