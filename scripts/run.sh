#!/usr/bin/env bash
# The main job: set up, build, and run a local devnet of the embedded development network
# (genesis/networks/dev.json; its keys are public and for development only): four validator
# processes on 127.0.0.1, each with its own store in `.onebook-devnet/` (ignored by git).
# Ctrl-C stops them all. See scripts/devnet.sh for the settings.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/devnet.sh "$@"
