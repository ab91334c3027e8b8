// A thread that waits forever on a condition variable nobody signals: the leak a suite leaves on
// purpose. Allocate it with new and never delete it: destroying a condition variable that still has
// a waiter blocks forever.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

namespace weft_test {

struct stuck_worker {
  std::mutex mutex;
  std::condition_variable never;
  std::thread thread{[this] {
    std::unique_lock lock(mutex);
    never.wait(lock, [] { return false; });
  }};
};

}  // namespace weft_test
