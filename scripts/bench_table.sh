#!/usr/bin/env bash
# Prints the write-path table from the `name key=value` lines of onebook-bench-network and
# scripts/bench_postgres.sh (the file given): Onebook's four validators beside one in-process
# chain and a central PostgreSQL on the same machine, with the ratios.
set -euo pipefail
file="${1:?usage: bench_table.sh FILE}"
# The value of `key` on the line starting with `name` (and holding `filter`, if given).
get() {
  local name="$1" key="$2" filter="${3:-}"
  grep "^$name " "$file" | grep -e "$filter" | head -1 | tr ' ' '\n' | sed -n "s/^$key=//p"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

default="suite=ed25519-blake3 "
national="suite=sm2-sm3 "
sat="$(get network_saturation committed_txs_per_s "$default")"
sat_txs="$(get network_saturation txs "$default")"
sat_committed="$(get network_saturation committed "$default")"
sm_sat="$(get network_saturation committed_txs_per_s "$national")"
base="$(get baseline_commit committed_txs_per_s)"
pg1="$(get postgres_single txs_per_s)"
pg100="$(get postgres_batch100 rows_per_s)"
printf '\n%-58s %s\n' "figure" "value"
printf '%-58s %s\n' "Onebook, 4 validators, saturation (committed tx/s)" "$sat ($sat_committed of $sat_txs committed)"
for rate in 200 2000; do
  printf '%-58s %s / %s ms\n' "Onebook, submit->commit p50 / p99 at $rate tx/s" \
    "$(get network_latency p50_ms "$default.*rate_txs_per_s=$rate ")" "$(get network_latency p99_ms "$default.*rate_txs_per_s=$rate ")"
done
if [ -n "$sm_sat" ]; then
  printf '%-58s %s (%s of %s committed)\n' "Onebook sm2-sm3, 4 validators, saturation (committed tx/s)" "$sm_sat" \
    "$(get network_saturation committed "$national")" "$(get network_saturation txs "$national")"
  for rate in 200 2000; do
    printf '%-58s %s / %s ms\n' "Onebook sm2-sm3, submit->commit p50 / p99 at $rate tx/s" \
      "$(get network_latency p50_ms "$national.*rate_txs_per_s=$rate ")" "$(get network_latency p99_ms "$national.*rate_txs_per_s=$rate ")"
  done
fi
printf '%-58s %s\n' "one in-process chain, no network (baseline_commit, tx/s)" "$base"
printf '%-58s %s (p99 %s ms)\n' "PostgreSQL, 1 row per transaction (tx/s, 4 clients)" "$pg1" "$(get postgres_single p99_ms)"
printf '%-58s %s (p99 %s ms)\n' "PostgreSQL, 100 rows per transaction (rows/s, 4 clients)" "$pg100" "$(get postgres_batch100 p99_ms)"
printf '%-58s %s\n' "ratio: Onebook saturation / baseline_commit" "$(ratio "$sat" "$base")"
if [ -n "$sm_sat" ]; then
  printf '%-58s %s\n' "ratio: Onebook saturation sm2-sm3 / ed25519-blake3" "$(ratio "$sm_sat" "$sat")"
fi
printf '%-58s %s\n' "ratio: Onebook saturation / PostgreSQL 1 row per tx" "$(ratio "$sat" "$pg1")"
printf '%-58s %s\n' "ratio: Onebook saturation / PostgreSQL 100 rows per tx" "$(ratio "$sat" "$pg100")"
