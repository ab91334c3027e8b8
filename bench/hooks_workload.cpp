// Plain and atomic memory accesses, in the shapes the hooks see most: a loop over an array, loads
// through pointers (no vectorization possible), and relaxed atomic read-modify-writes and loads.
#include "hooks_workload.hpp"

namespace bench::BENCH_WORKLOAD_NAMESPACE {

void increment_each(int* values, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) values[i] += 1;
}

long sum_through_pointers(int* const* pointers, std::size_t count) {
  long total = 0;
  for (std::size_t i = 0; i < count; ++i) total += *pointers[i];
  return total;
}

void add_atomically(std::atomic<long>& counter, std::size_t times) {
  for (std::size_t i = 0; i < times; ++i) counter.fetch_add(1, std::memory_order_relaxed);
}

long load_atomically(const std::atomic<long>& value, std::size_t times) {
  long total = 0;
  for (std::size_t i = 0; i < times; ++i) total += value.load(std::memory_order_acquire);
  return total;
}

}  // namespace bench::BENCH_WORKLOAD_NAMESPACE
