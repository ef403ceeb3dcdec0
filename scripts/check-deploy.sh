#!/usr/bin/env bash
# Loads and exercises the Prometheus alert rules in deploy/prometheus with promtool (Debian's
# `prometheus` package): `promtool check rules` parses them, `promtool test rules` runs their unit
# tests (each alert fires on the series that should raise it and stays quiet on a healthy node).
# The Grafana dashboard's and the rules' metric names are checked against a running node's
# /metrics by the `deploy::` integration test.
set -euo pipefail
cd "$(dirname "$0")/../deploy/prometheus"
if ! command -v promtool >/dev/null; then
  echo "check-deploy: promtool not found; install it with: sudo apt-get install prometheus" >&2
  exit 2
fi
promtool check rules onebook-alerts.yml
promtool test rules onebook-alerts.test.yml
