#!/usr/bin/env bash
# Every check CI runs, runnable locally: formatting, clippy with warnings denied, the test suite
# (slow suites excluded; `ONEBOOK_SLOW=1` includes them), doc tests, the doc build, and the
# dependency-direction rule for the pure crates.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/onebook-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

step "fmt"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "pure crates depend on no runtime, database, network or web framework"
pure_crates=(onebook-genesis)
for manifest in contracts/*/Cargo.toml; do
  pure_crates+=("$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n 1)")
done
for crate in "${pure_crates[@]}"; do
  if cargo tree -p "$crate" -e normal --prefix none --locked | grep -E '^(tokio|rocksdb|librocksdb-sys|libp2p|axum) ' ; then
    echo "check: $crate depends on a forbidden crate (see docs/adr/0001)" >&2
    exit 1
  fi
  echo "ok: $crate"
done

step "the read port depends on no database or runtime"
# Without features, onebook-query is the LedgerQuery port alone: its store and HTTP adapters sit
# behind the `store` and `client` features (see docs/adr/0028).
if cargo tree -p onebook-query -e normal --prefix none --locked | grep -E '^(tokio|rocksdb|librocksdb-sys|onebook-storage) ' ; then
  echo "check: onebook-query without features depends on a database or runtime (see docs/adr/0028)" >&2
  exit 1
fi
echo "ok: onebook-query"

step "every invariant's owner exists"
# The invariants table of docs/ARCHITECTURE.md names, for each invariant, the files that own it.
missing=0
while read -r path; do
  [ -e "$path" ] || { echo "check: docs/ARCHITECTURE.md names $path as an owner; it does not exist" >&2; missing=1; }
done < <(awk '/^## Invariants and the files that own them/{f=1;next} /^## /{f=0} f' docs/ARCHITECTURE.md \
  | grep '^|' | awk -F'|' '{print $3}' | grep -o '`[^`]*`' | tr -d '`' | grep '/' | grep -v '[{*]' \
  | sed 's/ .*//' | sort -u)
[ "$missing" = 0 ] || exit 1
echo "ok: every owner path exists"

step "tests"
profile=default
[ "${ONEBOOK_SLOW:-0}" = "1" ] && profile=slow
cargo nextest run --workspace --locked --profile "$profile" --no-fail-fast

step "doc tests"
cargo test --workspace --doc --locked

step "docs"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --locked --quiet

echo
echo "check: all passed"
