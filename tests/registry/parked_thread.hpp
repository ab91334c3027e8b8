// A thread a test starts and holds: it reports its tid, then waits until the test releases it. Every
// wait is bounded, so a broken behaviour fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <mutex>

#include "platform/threads.hpp"
#include "registry/registry.hpp"

namespace weft::registry_test {

constexpr std::chrono::seconds patience{10};

// Opens once and stays open.
class gate {
 public:
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  // Whether the gate opened within `timeout`.
  bool wait_open(std::chrono::milliseconds timeout = patience) {
    std::unique_lock lock(mutex_);
    return opened_.wait_for(lock, timeout, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// The meeting point between a test and the thread it holds.
class parking {
 public:
  // Run by the held thread.
  void park() {
    tid_.set_value(platform::current_tid());
    release_.wait_open();
  }
  // The held thread's tid, or 0 if it did not report in time.
  int wait_for_tid() {
    auto reported = tid_.get_future();
    return reported.wait_for(patience) == std::future_status::ready ? reported.get() : 0;
  }
  void release() { release_.open(); }

 private:
  std::promise<int> tid_;
  gate release_;
};

// A pthread start routine that parks on the `parking` it is given.
inline void* park_routine(void* parking_slot) {
  static_cast<parking*>(parking_slot)->park();
  return nullptr;
}

// Waits, through the registry's exit events, until `tid` has no live record; false after `timeout`.
inline bool wait_until_finished(int tid, std::chrono::milliseconds timeout = patience) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::uint32_t epoch = registry::exit_epoch();
    if (!registry::is_live(tid)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    registry::wait_for_exit(epoch, deadline);
  }
}

}  // namespace weft::registry_test
