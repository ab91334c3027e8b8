// The test whose schedules bench/ counts: `threads` threads each increment a shared counter
// `steps_per_thread` times under a std::mutex. It uses nothing but the standard library, so the same
// code runs natively, under weft::explore, and as a plain program under `weft explore`.
#pragma once

#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace bench {

inline void counter_test(int threads, int steps_per_thread) {
  std::mutex mutex;
  int counter = 0;
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int s = 0; s < steps_per_thread; ++s) {
        std::lock_guard lock(mutex);
        ++counter;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (counter != threads * steps_per_thread) std::abort();  // cannot happen: the mutex serializes
}

}  // namespace bench
