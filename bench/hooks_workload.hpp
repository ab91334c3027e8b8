// One workload, compiled three times by bench/CMakeLists.txt: in namespace bench::instrumented with
// weft_instrument (every access calls a __tsan_* hook), in bench::plain without, and in
// bench::call_floor with a call to an empty function per access instead of the hook.
#pragma once

#include <atomic>
#include <cstddef>

#define BENCH_DECLARE_WORKLOAD(ns)                                         \
  namespace bench::ns {                                                    \
  void increment_each(int* values, std::size_t count);                     \
  long sum_through_pointers(int* const* pointers, std::size_t count);      \
  void add_atomically(std::atomic<long>& counter, std::size_t times);      \
  long load_atomically(const std::atomic<long>& value, std::size_t times); \
  }

BENCH_DECLARE_WORKLOAD(plain)
BENCH_DECLARE_WORKLOAD(instrumented)
BENCH_DECLARE_WORKLOAD(call_floor)

namespace bench::call_floor {
// Does nothing, in a file of its own so that no call to it is inlined.
void touch(const volatile void* address);
}  // namespace bench::call_floor
