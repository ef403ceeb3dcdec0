#!/usr/bin/env bash
# The central-database peer of the network benchmark: a PostgreSQL 15 audit table doing the work
# Onebook's validators do, on the same machine in the same run. A private throw-away cluster
# (initdb in a temporary folder, listening on 127.0.0.1 only, stock settings, fsync on), one
# table of ~300-byte signed records (tx hash 32 B, signer 32 B, nonce 8 B, body 164 B, signature
# 64 B) with two indexes (the tx hash, the primary key; signer and nonce), prefilled with
# 1,000,000 rows, then 4 clients appending for ONEBOOK_BENCH_PG_SECONDS (default 20) each:
#
#   postgres_single     one row per transaction: transactions/s, latency p50/p99
#   postgres_batch100   100 rows per transaction: transactions/s, rows/s, latency p50/p99
#
# Installs Debian's postgresql-15 if it is missing. Prints `name key=value` lines.
set -euo pipefail
seconds="${ONEBOOK_BENCH_PG_SECONDS:-20}"
bin=/usr/lib/postgresql/15/bin
if [ ! -x "$bin/initdb" ] || ! command -v pgbench > /dev/null; then
  echo "installing postgresql-15" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 postgresql-client-15 > /dev/null
fi

dir="$(mktemp -d /tmp/onebook-pg.XXXXXX)"
port=$((20000 + RANDOM % 20000))
chown postgres "$dir"
as_pg() { runuser -u postgres -- "$@"; }
cleanup() {
  as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop > /dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust > /dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/log" \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start > /dev/null
psql=(as_pg psql -q -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1)

"${psql[@]}" <<'SQL'
CREATE TABLE audit (
  tx_hash   bytea NOT NULL,
  signer    bytea NOT NULL,
  nonce     bigint NOT NULL,
  body      bytea NOT NULL,
  signature bytea NOT NULL
);
CREATE SEQUENCE audit_seq;
-- One ~300-byte signed record per sequence number: 8 signers, pseudo-random body and signature.
CREATE FUNCTION audit_row(v bigint) RETURNS audit LANGUAGE sql IMMUTABLE AS $$
  SELECT sha256(int8send(v)),
         sha256(int8send(v % 8)),
         v,
         substr(sha512(int8send(v) || '\x01'::bytea) || sha512(int8send(v) || '\x02'::bytea)
                || sha512(int8send(v) || '\x03'::bytea), 1, 164),
         sha512(int8send(v) || '\x04'::bytea)
$$;
-- Prefilled before the indexes are built, which is faster; the appends below maintain both.
INSERT INTO audit SELECT (audit_row(nextval('audit_seq'))).* FROM generate_series(1, 1000000);
ALTER TABLE audit ADD PRIMARY KEY (tx_hash);
CREATE INDEX audit_signer_nonce ON audit (signer, nonce);
VACUUM ANALYZE audit;
CHECKPOINT;
SQL

cat > "$dir/single.sql" <<'SQL'
INSERT INTO audit SELECT (audit_row(nextval('audit_seq'))).*;
SQL
cat > "$dir/batch100.sql" <<'SQL'
INSERT INTO audit SELECT (audit_row(nextval('audit_seq'))).* FROM generate_series(1, 100);
SQL
chown postgres "$dir"/*.sql

# Runs one script with 4 clients; prints transactions/s and latency p50/p99 from the
# per-transaction log (its third column is the latency in microseconds).
run() {
  local name="$1" rows="$2"
  local logs="$dir/logs-$name"
  mkdir -p "$logs" && chown postgres "$logs"
  local out
  out="$(cd "$logs" && as_pg pgbench -n -h 127.0.0.1 -p "$port" -U postgres -c 4 -j 2 \
    -T "$seconds" -l -f "$dir/$name.sql" postgres 2>&1)"
  local tps
  tps="$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<< "$out" | head -1)"
  cat "$logs"/pgbench_log.* | awk '{print $3}' | sort -n > "$dir/lat-$name"
  local count p50 p99
  count="$(wc -l < "$dir/lat-$name")"
  p50="$(awk -v n="$count" 'NR == int((n - 1) * 0.50) + 1 {printf "%.1f", $1 / 1000}' "$dir/lat-$name")"
  p99="$(awk -v n="$count" 'NR == int((n - 1) * 0.99) + 1 {printf "%.1f", $1 / 1000}' "$dir/lat-$name")"
  printf '%s clients=4 rows_per_tx=%s seconds=%s txs=%s txs_per_s=%.0f rows_per_s=%.0f p50_ms=%s p99_ms=%s\n' \
    "$name" "$rows" "$seconds" "$count" "$tps" "$(echo "$tps * $rows" | bc -l)" "$p50" "$p99"
}

run single 1 | sed 's/^single/postgres_single/'
run batch100 100 | sed 's/^batch100/postgres_batch100/'
