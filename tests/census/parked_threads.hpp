// Threads that wait on one condition variable until released: the live threads a census counts.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

// Marks a function that must stay a creation site of its own: neither inlined into its caller nor
// folded with an identical function (GCC's -fipa-icf would fold them; clang has no noipa and does not
// fold at compile time).
#if defined(__clang__)
#define WEFT_TEST_SITE [[gnu::noinline]]
#else
#define WEFT_TEST_SITE [[gnu::noipa]]
#endif

namespace weft_test {

class parked_threads {
 public:
  parked_threads() = default;
  parked_threads(const parked_threads&) = delete;
  parked_threads& operator=(const parked_threads&) = delete;
  ~parked_threads() { release(); }

  // What a parked thread runs: it waits until release(). The thread is created by the caller, who is
  // then its creator: `threads.adopt(std::thread(threads.waiter()))`.
  [[nodiscard]] auto waiter() {
    return [this] {
      std::unique_lock lock(mutex_);
      ++parked_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    };
  }

  // Keeps the thread to join it, and returns once every adopted thread waits (or is about to).
  void adopt(std::thread thread) {
    threads_.push_back(std::move(thread));
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return parked_ == threads_.size(); });
  }

  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    changed_.notify_all();
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t parked_ = 0;
  bool released_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace weft_test
