// The cost of weft::instrument's __tsan_* hooks outside a controlled run: the workload of
// hooks_workload.cpp built with weft_instrument against the same source built plainly, and built
// with a call to an empty function where the compiler would call a hook (the floor of any hook). Google
// Benchmark; bench/driver.py runs it with interleaved repetitions and takes the medians.
#include <benchmark/benchmark.h>

#include <atomic>
#include <numeric>
#include <vector>

#include "hooks_workload.hpp"

namespace {

constexpr std::size_t elements = 4096;

template <void (*increment_each)(int*, std::size_t)>
void increment_array(benchmark::State& state) {
  std::vector<int> values(elements, 1);
  for (auto _ : state) {
    increment_each(values.data(), values.size());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * elements));
}

template <long (*sum_through_pointers)(int* const*, std::size_t)>
void load_through_pointers(benchmark::State& state) {
  std::vector<int> values(elements);
  std::iota(values.begin(), values.end(), 0);
  std::vector<int*> pointers(elements);
  // A stride that defeats the prefetcher a little, as pointer-chasing code would.
  for (std::size_t i = 0; i < elements; ++i) pointers[i] = &values[(i * 97) % elements];
  for (auto _ : state) benchmark::DoNotOptimize(sum_through_pointers(pointers.data(), elements));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * elements));
}

template <void (*add_atomically)(std::atomic<long>&, std::size_t)>
void atomic_fetch_add(benchmark::State& state) {
  std::atomic<long> counter{0};
  for (auto _ : state) add_atomically(counter, elements);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * elements));
}

template <long (*load_atomically)(const std::atomic<long>&, std::size_t)>
void atomic_load(benchmark::State& state) {
  std::atomic<long> value{3};
  for (auto _ : state) benchmark::DoNotOptimize(load_atomically(value, elements));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * elements));
}

}  // namespace

BENCHMARK(increment_array<bench::plain::increment_each>)->Name("increment_array/plain");
BENCHMARK(increment_array<bench::instrumented::increment_each>)->Name("increment_array/instrumented");
BENCHMARK(increment_array<bench::call_floor::increment_each>)->Name("increment_array/call_floor");
BENCHMARK(load_through_pointers<bench::plain::sum_through_pointers>)->Name("load_through_pointers/plain");
BENCHMARK(load_through_pointers<bench::instrumented::sum_through_pointers>)
    ->Name("load_through_pointers/instrumented");
BENCHMARK(load_through_pointers<bench::call_floor::sum_through_pointers>)
    ->Name("load_through_pointers/call_floor");
BENCHMARK(atomic_fetch_add<bench::plain::add_atomically>)->Name("atomic_fetch_add/plain");
BENCHMARK(atomic_fetch_add<bench::instrumented::add_atomically>)->Name("atomic_fetch_add/instrumented");
BENCHMARK(atomic_fetch_add<bench::call_floor::add_atomically>)->Name("atomic_fetch_add/call_floor");
BENCHMARK(atomic_load<bench::plain::load_atomically>)->Name("atomic_load/plain");
BENCHMARK(atomic_load<bench::instrumented::load_atomically>)->Name("atomic_load/instrumented");
BENCHMARK(atomic_load<bench::call_floor::load_atomically>)->Name("atomic_load/call_floor");

BENCHMARK_MAIN();
