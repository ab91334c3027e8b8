#!/usr/bin/env bash
# Installs what is missing, builds weft and runs it on the bundled example: a program that leaks a
# worker thread, which weft finds and describes.
set -euo pipefail
cd "$(dirname "$0")"

./setup.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j2 --target leaky_main

echo "== examples/leaky_main: a worker waits on a condition variable nobody signals"
set +e
./build/examples/leaky_main/leaky_main
status=$?
set -e
if [ "$status" -eq 0 ]; then
  echo "demo: weft did not report the leaked worker" >&2
  exit 1
fi
echo "== weft found the leak and turned exit code 0 into $status"
