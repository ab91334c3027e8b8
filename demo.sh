#!/usr/bin/env bash
# Installs what is missing, builds weft and runs its main jobs on the bundled examples:
#  1. a GoogleTest suite of a small thread pool, linked with weft::gtest_main, where one test forgets
#     to shut the pool down: weft fails exactly that test and shows the leaked threads;
#  2. a bank account with a check-then-act race: weft::explore finds a failing interleaving, and the
#     printed WEFT_REPLAY line reproduces it exactly;
#  3. the weft command on the same GoogleTest suite: `weft test` explores each test on its own, fails
#     exactly the leaking one, and its replay command reproduces that failure.
set -euo pipefail
cd "$(dirname "$0")"

./setup.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j2 --target gtest_pool leaky_main race_replay weft_cli

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
echo

echo "== examples/race_replay: weft::explore searches the interleavings of two withdrawals"
set +e
./build/examples/race_replay/race_replay 2>&1 | tee build/demo-race.txt
status=${PIPESTATUS[0]}
set -e
replay=$(grep -o 'WEFT_REPLAY=@\?[A-Za-z0-9._/-]*' build/demo-race.txt | head -n 1 || true)
if [ "$status" -ne 1 ] || [ -z "$replay" ]; then
  echo "demo: weft did not find the race" >&2
  exit 1
fi
echo
echo "== replaying: $replay ./build/examples/race_replay/race_replay"
set +e
env "$replay" ./build/examples/race_replay/race_replay 2>&1 | tee build/demo-replay.txt
status=${PIPESTATUS[0]}
set -e
# The failure's own line: the exploration's report starts with the story of its shrunk schedule.
if [ "$status" -ne 1 ] || ! grep -q "after 1 schedule(s)" build/demo-replay.txt ||
   [ "$(grep '^weft: ' build/demo-race.txt | grep -v -m 1 '^weft: how it fails')" != \
     "$(grep '^weft: ' build/demo-replay.txt | grep -v -m 1 '^weft: how it fails')" ]; then
  echo "demo: the replay did not reproduce the failure" >&2
  exit 1
fi
echo "== the replay reproduced the same failure in one schedule"
echo

echo "== weft test: every test of examples/gtest_pool explored on its own, 100 schedules each"
set +e
./build/src/cli/weft test -n 100 -- ./build/examples/gtest_pool/gtest_pool 2>&1 | tee build/demo-weft-test.txt
status=${PIPESTATUS[0]}
set -e
reproduce=$(grep '^Reproduce: ' build/demo-weft-test.txt | head -n 1 | sed 's/^Reproduce: //')
if [ "$status" -ne 1 ] || ! grep -q '^ThreadPool.ForgetsToShutDown  *fail  *leak ' build/demo-weft-test.txt ||
   ! grep -q '^ThreadPool.RunsEveryJobBeforeShutdown  *pass ' build/demo-weft-test.txt || [ -z "$reproduce" ]; then
  echo "demo: weft test did not fail exactly the leaking test" >&2
  exit 1
fi
echo
echo "== replaying: $reproduce"
set +e
eval "$reproduce" 2>&1 | tail -n 1 | tee build/demo-weft-replay.txt
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 1 ] || ! grep -q "^weft replay: reproduced: leak" build/demo-weft-replay.txt; then
  echo "demo: the replay did not reproduce the leak" >&2
  exit 1
fi
echo "== weft test failed ThreadPool.ForgetsToShutDown only, and its replay reproduced the leak"
