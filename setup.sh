#!/usr/bin/env bash
# Installs the Debian packages weft needs to build, test and benchmark. Does nothing, quickly, when
# they are all present. Both README commands run it.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config libc6-dbg
  libunwind-dev libdw-dev liblzma-dev elfutils
  googletest catch2 nlohmann-json3-dev libbenchmark-dev libcli11-dev
  clang libclang-rt-14-dev zlib1g-dev libabsl-dev
  prometheus libcpp-httplib-dev curl python3
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
