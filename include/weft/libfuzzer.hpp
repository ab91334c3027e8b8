// Schedule fuzzing with libFuzzer (clang only): the fuzzer's input is the interleaving.
//
//   #include <weft/libfuzzer.hpp>
//   void two_withdrawals() { ... }            // starts threads, checks with weft::expect
//   WEFT_FUZZ_SCHEDULES(two_withdrawals)      // defines LLVMFuzzerTestOneInput
//
// Build it with weft_add_schedule_fuzzer(<name> <sources>...) (CMake) or link weft::libfuzzer with
// -fsanitize=fuzzer. Each input runs the test once under the "bytes" strategy: byte i chooses among
// the runnable threads at the i-th scheduling point with more than one (modulo their count); past the
// last byte a fixed-seed generator decides, so an input always gives the same schedule. While the
// fuzzer runs, every context switch and every reads-from pair (code built with weft_instrument) feeds
// libFuzzer's extra counters, so inputs that interleave differently are kept and mutated further.
//
// A failing run (a failed weft::expect, an exception, a deadlock, a livelock, a leaked thread, a race,
// a crash) prints weft's report, which ends with its WEFT_REPLAY line, then aborts: libFuzzer saves the
// input as crash-<sha1>. Running the fuzz binary on that file runs the same schedule again, and so
// does WEFT_REPLAY=<w2 string> with the same binary and file. See docs/fuzzing.md.
//
// WEFT_STRATEGY, WEFT_SEED and WEFT_ITERATIONS are ignored (and unset, with a note) in a fuzz target:
// the input alone decides. WEFT_FUZZ_FEEDBACK=off turns the interleaving counters off, for measuring.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace weft::libfuzzer {

// Runs `test` once under the schedule `data` spells. Returns 0 when the run passes; on a failure,
// prints the report to stderr and calls abort(). Call it only from LLVMFuzzerTestOneInput.
// The one function of libweft_libfuzzer.a, which any compiler builds (GCC too): everything that needs
// clang's <fuzzer/FuzzedDataProvider.h> is inline below, compiled with the fuzz target.
int run_schedule(const std::uint8_t* data, std::size_t size, const std::function<void()>& test);

// The input, split: the first two bytes (little-endian, modulo the bytes left plus one) give the
// length L of the data part; the next L bytes are the data and the rest is the schedule. An input
// shorter than two bytes has no data and no schedule.
struct split_input {
  const std::uint8_t* data = nullptr;
  std::size_t data_size = 0;
  const std::uint8_t* schedule = nullptr;
  std::size_t schedule_size = 0;
};
[[nodiscard]] inline split_input split(const std::uint8_t* input, std::size_t size) {
  if (size < 2) return {};
  const std::size_t left = size - 2;
  const std::size_t wanted = static_cast<std::size_t>(input[0]) | static_cast<std::size_t>(input[1]) << 8;
  const std::size_t data_size = wanted % (left + 1);
  return {input + 2, data_size, input + 2 + data_size, left - data_size};
}

// Like run_schedule, with split(): `test` gets a FuzzedDataProvider over the data part (a fresh one per
// input, used inside the run's thread 0), and the schedule part chooses the interleaving.
inline int run_data_and_schedule(const std::uint8_t* data, std::size_t size,
                                 const std::function<void(FuzzedDataProvider&)>& test) {
  const split_input parts = split(data, size);
  return run_schedule(parts.schedule, parts.schedule_size, [&] {
    FuzzedDataProvider provider(parts.data, parts.data_size);
    test(provider);
  });
}

}  // namespace weft::libfuzzer

// Defines LLVMFuzzerTestOneInput for `test`, anything callable as void().
#define WEFT_FUZZ_SCHEDULES(test)                                                               \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* weft_data, std::size_t weft_size) { \
    return ::weft::libfuzzer::run_schedule(weft_data, weft_size, test);                         \
  }

// Defines LLVMFuzzerTestOneInput for `test`, callable as void(FuzzedDataProvider&).
#define WEFT_FUZZ_DATA_AND_SCHEDULES(test)                                                      \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* weft_data, std::size_t weft_size) { \
    return ::weft::libfuzzer::run_data_and_schedule(weft_data, weft_size, test);                \
  }
