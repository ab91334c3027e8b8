#!/usr/bin/env bash
# Installs what is missing, builds weft and runs every test.
#   ./test.sh              RelWithDebInfo build in build/
#   ./test.sh --sanitize   the same under AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/
#   ./test.sh --clang      the same built with clang 14, in build-clang/
set -euo pipefail
cd "$(dirname "$0")"

build=build
flags=()
case "${1:-}" in
  "") ;;
  --sanitize) build=build-asan; flags=(-DWEFT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
  --clang) build=build-clang; flags=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "test.sh: unknown option \"$1\"; expected nothing, --sanitize or --clang" >&2; exit 2 ;;
esac

./setup.sh
cmake -S . -B "$build" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$build" -j2
# Sanitizer runtimes: LeakSanitizer needs ptrace, which containers often refuse; weft's own tests
# look for leaked threads, not leaked memory.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --test-dir "$build" --output-on-failure -j2 --timeout 300
