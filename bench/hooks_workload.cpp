// Plain and atomic memory accesses, in the shapes the hooks see most: a loop over an array, loads
// through pointers (no vectorization possible), and relaxed atomic read-modify-writes and loads.
// Compiled three times (bench/CMakeLists.txt): plainly, with weft_instrument, and with a call to an
// empty function of another file before each access (BENCH_CALL_PER_ACCESS): what any hook called
// per access costs, however little it does, which is the floor of the instrumented build.
#include "hooks_workload.hpp"

#if defined(BENCH_CALL_PER_ACCESS)
#define BENCH_ACCESS(address) bench::call_floor::touch(address)
#else
#define BENCH_ACCESS(address) static_cast<void>(0)
#endif

namespace bench::BENCH_WORKLOAD_NAMESPACE {

void increment_each(int* values, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    BENCH_ACCESS(&values[i]);
    BENCH_ACCESS(&values[i]);
    values[i] += 1;
  }
}

long sum_through_pointers(int* const* pointers, std::size_t count) {
  long total = 0;
  for (std::size_t i = 0; i < count; ++i) {
    BENCH_ACCESS(&pointers[i]);
    BENCH_ACCESS(pointers[i]);
    total += *pointers[i];
  }
  return total;
}

void add_atomically(std::atomic<long>& counter, std::size_t times) {
  for (std::size_t i = 0; i < times; ++i) {
    BENCH_ACCESS(&counter);
    counter.fetch_add(1, std::memory_order_relaxed);
  }
}

long load_atomically(const std::atomic<long>& value, std::size_t times) {
  long total = 0;
  for (std::size_t i = 0; i < times; ++i) {
    BENCH_ACCESS(&value);
    total += value.load(std::memory_order_acquire);
  }
  return total;
}

}  // namespace bench::BENCH_WORKLOAD_NAMESPACE
