#!/usr/bin/env bash
# RUSTC_WRAPPER of the fuzz build: adds libFuzzer's coverage instrumentation (SanitizerCoverage,
# stable rustc flags) to the project's own crates and the fuzz targets only. Third-party crates
# build with the main workspace's flags, so their artifacts (RocksDB's C++ above all) are shared.
set -euo pipefail
rustc=$1
shift
instrument=0
previous=
for arg in "$@"; do
  if [ "$previous" = "--crate-name" ]; then
    case "$arg" in onebook_*) instrument=1 ;; esac
  fi
  case "$arg" in */fuzz_targets/*.rs) instrument=1 ;; esac
  previous=$arg
done
if [ "$instrument" = 1 ]; then
  exec "$rustc" "$@" \
    -Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    -Cllvm-args=-sanitizer-coverage-stack-depth \
    --cfg fuzzing
fi
exec "$rustc" "$@"
