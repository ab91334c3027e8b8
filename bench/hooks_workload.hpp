// One workload, compiled twice by bench/CMakeLists.txt: in namespace bench::instrumented with
// weft_instrument (every access calls a __tsan_* hook) and in bench::plain without.
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
