#!/usr/bin/env bash
# Builds the Debian package of Onebook with cargo-deb (installed here if missing): the `onebook`
# binary, stripped, with its debug info in a separate `-dbgsym` package; a `onebook` system user;
# /etc/onebook (config.toml, keys/); /var/lib/onebook; and a hardened systemd unit, installed
# disabled. Prints the packages' paths and sizes.
#
#   scripts/package.sh          build <target>/debian/onebook_<version>_<arch>.deb
#   scripts/package.sh --test   build it, then check it in a clean Debian 12 root: debootstrap a
#                               bookworm root, `dpkg -i` the package in it (chroot), run
#                               `systemd-analyze verify` on the installed unit, and, as the
#                               onebook user in a network namespace of its own, generate an
#                               encrypted node key, write a one-validator genesis and start a
#                               node from /etc/onebook until `onebook status` shows blocks.
#
#   ONEBOOK_DEBIAN_MIRROR  the Debian mirror for debootstrap (default http://deb.debian.org/debian)
#   ONEBOOK_PACKAGE_ROOT   reuse this already bootstrapped root instead of a fresh one (kept)
#   ONEBOOK_PACKAGE_PREBUILT=1  package the release binary already built, without building
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/onebook-target}"
test_package=0
case "${1:-}" in
  --test) test_package=1 ;;
  "") ;;
  *) echo "usage: scripts/package.sh [--test]" >&2; exit 2 ;;
esac

cargo_deb_version=3.8.0
if ! cargo deb --version 2>/dev/null | grep -q "$cargo_deb_version"; then
  echo "package: installing cargo-deb $cargo_deb_version"
  env -u CARGO_TARGET_DIR cargo install cargo-deb --version "$cargo_deb_version" --locked
fi

[ "${ONEBOOK_PACKAGE_PREBUILT:-0}" = 1 ] || cargo build --locked --release -p onebook-cli --bin onebook
cargo deb --no-build --locked -p onebook-cli --output "$CARGO_TARGET_DIR/debian/" >/dev/null
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
arch="$(dpkg --print-architecture)"
deb="$CARGO_TARGET_DIR/debian/onebook_${version}-1_${arch}.deb"
dbgsym="$(ls "$CARGO_TARGET_DIR"/debian/onebook-dbgsym_"${version}"-1_"${arch}".*deb 2>/dev/null | head -n 1 || true)"
[ -f "$deb" ] || { echo "package: cargo-deb wrote no $deb" >&2; exit 1; }
size() { stat -c %s "$1"; }
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -x "$deb" "$unpacked"
echo "package: $deb ($(size "$deb") bytes)"
echo "package: /usr/bin/onebook in it: $(size "$unpacked/usr/bin/onebook") bytes (release build: $(size "$CARGO_TARGET_DIR/release/onebook") bytes)"
[ -n "$dbgsym" ] && echo "package: $dbgsym ($(size "$dbgsym") bytes)"
if file "$unpacked/usr/bin/onebook" | grep -q "not stripped"; then
  echo "package: the packaged binary is not stripped" >&2
  exit 1
fi
[ "$test_package" = 1 ] || exit 0

# ---- --test: install into a clean Debian 12 root and start a node there --------------------
if [ "$(id -u)" -ne 0 ]; then
  echo "package --test needs root (debootstrap, chroot, ip netns)" >&2
  exit 1
fi
command -v debootstrap >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
}
mirror="${ONEBOOK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
namespace="onebook-package-$$"
root="${ONEBOOK_PACKAGE_ROOT:-}"
keep_root=1
cleanup() {
  set +e
  [ -n "${node_pid:-}" ] && kill -KILL "$node_pid" 2>/dev/null
  ip netns del "$namespace" 2>/dev/null
  if [ -n "$root" ]; then
    umount "$root/proc" 2>/dev/null
    [ "$keep_root" = 0 ] && rm -rf "$root"
  fi
  rm -rf "$unpacked"
}
trap cleanup EXIT
if [ -z "$root" ]; then
  root="$(mktemp -d /var/tmp/onebook-package-root.XXXXXX)"
  # mktemp makes it 0700; as the root of the file system it must let every user in.
  chmod 0755 "$root"
  keep_root=0
  echo "package --test: debootstrap bookworm into $root"
  debootstrap --variant=minbase --include=adduser,systemd bookworm "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -n 20 "$root.log" >&2; exit 1; }
  rm -f "$root.log"
fi
mount -t proc proc "$root/proc"
in_root() { chroot "$root" "$@"; }
fail() {
  echo "package --test: FAILED: $*" >&2
  [ -f "$root/tmp/commands.log" ] && tail -n 20 "$root/tmp/commands.log" >&2
  exit 1
}

cp "$deb" "$root/tmp/onebook.deb"
in_root dpkg -i /tmp/onebook.deb >/dev/null || fail "dpkg -i"
echo "package --test: installed $(in_root dpkg-query -W -f='${Package} ${Version}' onebook)"
in_root getent passwd onebook >/dev/null || fail "no onebook user"
[ "$(in_root stat -c %U:%G:%a /var/lib/onebook)" = "onebook:onebook:750" ] || fail "/var/lib/onebook"
[ "$(in_root stat -c %U:%G:%a /etc/onebook)" = "root:onebook:750" ] || fail "/etc/onebook"
[ "$(in_root stat -c %U:%G:%a /etc/onebook/keys)" = "onebook:onebook:700" ] || fail "/etc/onebook/keys"
in_root systemd-analyze verify /lib/systemd/system/onebook.service || fail "systemd-analyze verify"
echo "package --test: systemd-analyze verify passed"
in_root systemctl is-enabled onebook.service >/dev/null 2>&1 && fail "the unit is enabled on install"

# The node as the onebook user, in a network namespace of its own (only its loopback).
ip netns add "$namespace"
ip netns exec "$namespace" ip link set lo up
ids="$(in_root id -u onebook):$(in_root id -g onebook)"
# One simple command, so that a background node's $! is the node itself (each program execs the
# next) and SIGTERM reaches it.
as_onebook=(ip netns exec "$namespace" chroot --userspec="$ids" "$root"
  env HOME=/var/lib/onebook ONEBOOK_KEY_PASSPHRASE="package test passphrase"
  ONEBOOK__CONSENSUS__IDLE_BLOCK_INTERVAL=1s /usr/bin/onebook --home /etc/onebook)
node_key="$("${as_onebook[@]}" keys generate --name node 2>>"$root/tmp/commands.log")" || fail "keys generate"
in_root head -c 4 /etc/onebook/keys/node.key | grep -q OBKE || fail "the node key is not encrypted"
admin_key="$(in_root env ONEBOOK_KEY_PASSPHRASE="admin passphrase" \
  onebook --home /root/admin keys generate --name admin 2>>"$root/tmp/commands.log")" \
  || fail "admin key"
in_root onebook genesis new --chain-id onebook-package-test-1 \
  --genesis-time-ms "$(($(date +%s) * 1000))" --org-id pkg-test --org-name "Package test" \
  --region 350200 --admin-key "$admin_key" --validator-key "$node_key" \
  --out /etc/onebook/genesis.json >/dev/null 2>>"$root/tmp/commands.log" || fail "genesis new"
"${as_onebook[@]}" start >"$root/tmp/node.log" 2>&1 &
node_pid=$!
height=0
for _ in $(seq 1 120); do
  if status="$("${as_onebook[@]}" status 2>/dev/null)"; then
    height="$(echo "$status" | sed -n 's/^height *\([0-9]*\).*/\1/p')"
    [ "${height:-0}" -ge 2 ] && break
  fi
  kill -0 "$node_pid" 2>/dev/null || { tail -n 20 "$root/tmp/node.log" >&2; fail "the node exited"; }
  sleep 0.5
done
[ "${height:-0}" -ge 2 ] || { tail -n 20 "$root/tmp/node.log" >&2; fail "no blocks"; }
echo "$status" | sed 's/^/package --test:   /'
kill -TERM "$node_pid"
wait "$node_pid" || fail "the node did not stop cleanly on SIGTERM"
node_pid=""
[ -d "$root/var/lib/onebook/data" ] || fail "no database under /var/lib/onebook/data"
echo "package --test: passed"
