#!/usr/bin/env bash
# Installs what is missing, builds weft and runs it on the bundled example suite: a GoogleTest suite
# of a small thread pool, linked with weft::gtest_main, where one test forgets to shut the pool down.
# weft fails exactly that test and says which threads leaked, where they wait and where they were
# created.
set -euo pipefail
cd "$(dirname "$0")"

./setup.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j2 --target gtest_pool leaky_main

echo "== examples/gtest_pool: one test forgets to shut its thread pool down"
set +e
./build/examples/gtest_pool/gtest_pool --gtest_color=no 2>&1 | tee build/demo-gtest_pool.txt
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ] || ! grep -q '^\[  FAILED  \] ThreadPool.ForgetsToShutDown$' build/demo-gtest_pool.txt ||
   grep -q '^\[  FAILED  \] ThreadPool.RunsEveryJobBeforeShutdown' build/demo-gtest_pool.txt; then
  echo "demo: weft did not fail exactly the leaking test" >&2
  exit 1
fi
echo "== weft failed ThreadPool.ForgetsToShutDown and only it (exit code $status)"
