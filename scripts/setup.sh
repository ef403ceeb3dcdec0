#!/usr/bin/env bash
# Installs what building and testing Onebook needs on a fresh Debian machine: the C toolchain
# pieces RocksDB's build needs (libclang for bindgen) and jemalloc's (make), Chromium and its
# driver for the explorer's browser tests with a Chinese font for their screenshots, iproute2 and
# nftables for the partition tests (network namespaces, dropped packets), and the Rust components
# the checks use.
# Safe to run again; it skips what is already there.
set -euo pipefail

apt_packages=(libclang-dev clang make pkg-config curl chromium chromium-driver fonts-wqy-zenhei iproute2 nftables)
missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is missing; install Rust (stable) first" >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "setup: installing cargo-nextest"
  cargo install cargo-nextest --locked
fi
echo "setup: ready ($(cargo --version))"
