// The bodies of the tests in gtest_bug_suite.cpp and catch2_bug_suite.cpp: each returns whether the
// test's own check holds, so that each suite checks it with its own assertion macro, as a suite that
// knows nothing of weft would.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

namespace cli_cases {

// Two threads increment a counter, each reading it and writing it back under separate locks: one
// increment can be lost when both read before either writes.
inline int lost_update() {
  std::mutex mutex;
  int counter = 0;
  auto increment = [&] {
    int seen = 0;
    {
      std::lock_guard lock(mutex);
      seen = counter;
    }
    std::lock_guard lock(mutex);
    counter = seen + 1;
  };
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  return counter;
}

// Two threads take two locks in opposite orders.
inline void abba_deadlock() {
  std::mutex first, second;
  std::thread a([&] {
    std::lock_guard hold_first(first);
    std::lock_guard hold_second(second);
  });
  std::thread b([&] {
    std::lock_guard hold_second(second);
    std::lock_guard hold_first(first);
  });
  a.join();
  b.join();
}

// A worker that waits forever for a signal nobody sends, left running when the test ends. Never freed:
// destroying a condition variable with a waiter blocks.
inline void leak_a_thread() {
  struct stuck {
    std::mutex mutex;
    std::condition_variable never;
  };
  auto* worker = new stuck;
  std::thread([worker] {
    std::unique_lock lock(worker->mutex);
    worker->never.wait(lock, [] { return false; });
  }).detach();
}

// The correct twin: the increments are whole under one lock.
inline int locked_increments() {
  std::mutex mutex;
  int counter = 0;
  auto increment = [&] {
    std::lock_guard lock(mutex);
    counter = counter + 1;
  };
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  return counter;
}

inline int sum_to(int n) {
  int sum = 0;
  for (int i = 1; i <= n; ++i) sum += i;
  return sum;
}

}  // namespace cli_cases
