#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder and parser that takes outside input, on stable Rust.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Runs each target (default: all of them, one after another) for SECONDS (default 60) with
# libFuzzer, starting from the committed corpus in tests/fuzz/corpus/<target>/, and prints per
# target the executions, the rate, the coverage (libFuzzer's `cov` edges and `ft` features),
# the peak memory and the crashes. Exits non-zero if any target crashed, leaked past the memory
# limit or timed out; the input that did it is kept in tests/fuzz/artifacts/<target>/. After the
# fix, copy it into tests/fuzz/corpus/<target>/ so the default suite replays it from then on.
#
# The targets are the functions of `onebook_tests::fuzz`; tests/fuzz/ is a crate outside the
# workspace. No nightly toolchain is needed: libfuzzer-sys links libFuzzer, and the coverage
# instrumentation (SanitizerCoverage) comes from stable rustc flags, added by
# tests/fuzz/rustc-wrapper.sh to the project's own crates only (ADR 0021).
#
# Environment:
#   ONEBOOK_FUZZ_TARGET_DIR  cargo target dir of the fuzz build (default tests/fuzz/target); never
#                            share it with a normal build: cargo does not see the wrapper's flags
#   ONEBOOK_FUZZ_JOBS        targets run side by side (default 1)
#   ONEBOOK_FUZZ_RSS_MB      memory limit per target (default 2048)
#   ONEBOOK_FUZZ_OPTIONS     more libFuzzer flags, e.g. "-only_ascii=1"
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
seconds=${1:-60}
shift || true
all_targets=(tx block admission gossip_batch api_request read_header genesis config proof_bundle)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  [ -d "tests/fuzz/corpus/$target" ] || { echo "fuzz: unknown target $target" >&2; exit 2; }
done
target_dir=${ONEBOOK_FUZZ_TARGET_DIR:-$repo/tests/fuzz/target}
jobs=${ONEBOOK_FUZZ_JOBS:-1}
rss_mb=${ONEBOOK_FUZZ_RSS_MB:-2048}

# Not --locked: tests/fuzz/Cargo.lock starts as a copy of the workspace's, and cargo keeps every
# version it pins (so third-party artifacts match the workspace build) while adding any new one.
echo "== building the fuzz targets (libFuzzer, SanitizerCoverage on stable rustc)"
bins=()
for target in "${targets[@]}"; do bins+=(--bin "$target"); done
(
  cd tests/fuzz
  CARGO_TARGET_DIR=$target_dir RUSTC_WRAPPER=$repo/tests/fuzz/rustc-wrapper.sh \
    cargo build "${bins[@]}"
)

# The API targets keep a store in a temporary directory for the whole run.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
touch "$scratch/started"

run_one() {
  local target=$1
  local work=$repo/tests/fuzz/artifacts/corpus/$target
  local artifacts=$repo/tests/fuzz/artifacts/$target/
  local dict=()
  mkdir -p "$work" "$artifacts" "$scratch/$target"
  [ -f "tests/fuzz/dicts/$target.dict" ] && dict=(-dict="tests/fuzz/dicts/$target.dict")
  # New inputs go to the scratch corpus (artifacts/corpus), never into the committed one.
  # shellcheck disable=SC2086
  TMPDIR=$scratch/$target "$target_dir/debug/$target" \
    -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -timeout=10 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${dict[@]}" \
    ${ONEBOOK_FUZZ_OPTIONS:-} "$work" "tests/fuzz/corpus/$target" \
    > "$scratch/$target.log" 2>&1
}

summary() {
  local target=$1 status=$2 log=$scratch/$1.log
  local execs rate rss last cov ft crashes
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
  crashes=$(find "tests/fuzz/artifacts/$target" -maxdepth 1 -type f -newer "$scratch/started" \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  printf '%-13s %6s %12s %9s %7s %7s %7s %8s\n' "$target" "$status" "${execs:-?}" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "${rss:-?}" "$crashes"
}

echo "== fuzzing ${targets[*]} for ${seconds}s each, $jobs at a time"
declare -A status
pending=("${targets[@]}")
while [ ${#pending[@]} -gt 0 ]; do
  batch=("${pending[@]:0:$jobs}")
  pending=("${pending[@]:$jobs}")
  pids=()
  for target in "${batch[@]}"; do
    run_one "$target" & pids+=($!)
  done
  for i in "${!batch[@]}"; do
    if wait "${pids[$i]}"; then status[${batch[$i]}]=ok; else status[${batch[$i]}]=FAILED; fi
  done
done

echo
printf '%-13s %6s %12s %9s %7s %7s %7s %8s\n' target status execs exec/s cov ft rss_mb crashes
failed=0
for target in "${targets[@]}"; do
  summary "$target" "${status[$target]}"
  if [ "${status[$target]}" != ok ]; then
    failed=1
    echo "--- $target: the end of its log" >&2
    tail -n 40 "$scratch/$target.log" >&2
  fi
done
exit "$failed"
