#!/usr/bin/env bash
# Installs a built weft into a fresh prefix, then builds and tests tests/consumer/project/ against it
# with find_package(weft), and compiles the consumer's leak check and instrumented lost update with
# pkg-config alone.
#   run.sh <weft source dir> <weft build dir>
# The consumer uses the build's compiler and, if it was built with WEFT_SANITIZE, the same sanitizers.
# The prefix is removed on success and kept on failure, for a look at what was installed.
set -euo pipefail

if [[ $# -ne 2 || ! -f "$2/CMakeCache.txt" ]]; then
  echo "run.sh: expected <weft source dir> <weft build dir containing CMakeCache.txt>; got: $*" >&2
  exit 2
fi
source_dir=$(cd "$1" && pwd)
build_dir=$(cd "$2" && pwd)

cache_value() {
  sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"
}
cxx=$(cache_value CMAKE_CXX_COMPILER)
generator=$(cache_value CMAKE_GENERATOR)
libdir=$(cache_value CMAKE_INSTALL_LIBDIR)
cmakedir=$(cache_value WEFT_INSTALL_CMAKEDIR)
sanitize_flags=()
# The instrumented checks compile with -fsanitize=thread, which cannot be combined with the address
# sanitizer, so a sanitized build leaves them out.
instrument=ON
if [[ $(cache_value WEFT_SANITIZE) =~ ^(ON|TRUE|YES|1)$ ]]; then
  sanitize_flags=("-fsanitize=address,undefined" -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  instrument=OFF
fi
# As in test.sh: LeakSanitizer needs ptrace, which containers often refuse.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# Unique per run, so that ctest -j and several build directories never share a prefix.
work=$(mktemp -d "$build_dir/consumer.XXXXXX")
trap 'echo "run.sh: failed; the install prefix and consumer build are kept in $work" >&2' ERR
prefix=$work/prefix
# GNUInstallDirs' directories are relative to the prefix unless set to absolute paths.
[[ $libdir == /* ]] || libdir=$prefix/$libdir
[[ $cmakedir == /* ]] || cmakedir=$prefix/$cmakedir

echo "== cmake --install $build_dir --prefix $prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"

components=()
for integration in gtest catch2; do
  if [[ -f "$cmakedir/weft${integration^}Targets.cmake" ]]; then components+=("$integration"); fi
done

echo "== the consumer project, with find_package(weft COMPONENTS ${components[*]})"
cmake -S "$source_dir/tests/consumer/project" -B "$work/build" -G "$generator" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="$prefix" \
  -DWEFT_EXPECTED_COMPONENTS="$(IFS=';'; echo "${components[*]}")" \
  -DWEFT_CONSUMER_INSTRUMENT="$instrument" \
  -DCMAKE_CXX_FLAGS="${sanitize_flags[*]}"
cmake --build "$work/build" --parallel 2
ctest --test-dir "$work/build" --output-on-failure --timeout 60

echo "== the consumer's leak check, with pkg-config"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
pc_cflags=$(pkg-config --cflags weft)
pc_libs=$(pkg-config --libs weft)
pc_static_libs=$(pkg-config --static --libs weft)
read -r -a cflags <<<"$pc_cflags"
read -r -a libs <<<"$pc_libs"
read -r -a static_libs <<<"$pc_static_libs"
"$cxx" -std=c++20 -g "${sanitize_flags[@]}" "${cflags[@]}" "$source_dir/tests/consumer/project/leak_check.cpp" \
  -o "$work/leak_check_pkg_config" "${libs[@]}"
LD_LIBRARY_PATH="$libdir" "$work/leak_check_pkg_config"

# pkg-config cannot prefer libweft.a over libweft.so; naming the archive (-l:libweft.a) does.
static_libs=("${static_libs[@]/#-lweft/-l:libweft.a}")
"$cxx" -std=c++20 -g "${sanitize_flags[@]}" "${cflags[@]}" "$source_dir/tests/consumer/project/leak_check.cpp" \
  -o "$work/leak_check_pkg_config_static" "${static_libs[@]}"
if readelf -d "$work/leak_check_pkg_config_static" | grep -q 'libweft\.so'; then
  echo "run.sh: the pkg-config --static link still depends on libweft.so" >&2
  false
fi
"$work/leak_check_pkg_config_static"

if [[ $instrument == ON ]]; then
  echo "== the instrumented lost update, with pkg-config weft-instrument"
  pc_instrument_cflags=$(pkg-config --cflags weft-instrument)
  pc_instrument_libs=$(pkg-config --libs weft-instrument)
  read -r -a instrument_cflags <<<"$pc_instrument_cflags"
  read -r -a instrument_libs <<<"$pc_instrument_libs"
  # --cflags go to the code under test only, and never to the link, which would bring in libtsan.
  "$cxx" -std=c++20 -g -O2 "${instrument_cflags[@]}" -c "$source_dir/tests/consumer/project/lost_update.cpp" \
    -o "$work/lost_update_pkg_config.o"
  "$cxx" -std=c++20 -g -O2 "${cflags[@]}" "$source_dir/tests/consumer/project/lost_update_check.cpp" \
    "$work/lost_update_pkg_config.o" -o "$work/lost_update_check_pkg_config" "${instrument_libs[@]}"
  if readelf -d "$work/lost_update_check_pkg_config" | grep -q 'libtsan'; then
    echo "run.sh: the pkg-config weft-instrument link depends on libtsan, whose hooks replace weft's" >&2
    false
  fi
  LD_LIBRARY_PATH="$libdir" "$work/lost_update_check_pkg_config"
fi

trap - ERR
rm -rf "$work"
echo "== the installed weft works from another project"
