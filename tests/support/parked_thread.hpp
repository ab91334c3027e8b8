// A thread parked on a condition variable until it is released: the one parked thread of weft's tests
// (leak tests, the suites that leak on purpose). It has parked by the time the constructor returns;
// the destructor releases and joins it, so a test that "leaks" one on purpose leaves nothing behind.
// A leak that must outlive the test goes through leak_parked_thread, and is never destroyed.
#pragma once

#include <pthread.h>
#include <unistd.h>

#include <condition_variable>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

namespace weft_test {

class parked_thread {
 public:
  parked_thread() : parked_thread(nullptr) {}
  // `name`: at most 15 characters, the kernel's limit; nullptr keeps the process's name.
  explicit parked_thread(const char* name) : thread_([this] { wait_for_release(); }) {
    if (name != nullptr) pthread_setname_np(thread_.native_handle(), name);
    started_.wait();
  }
  ~parked_thread() { release(); }
  parked_thread(const parked_thread&) = delete;
  parked_thread& operator=(const parked_thread&) = delete;

  // Lets the thread go and joins it; does nothing the second time.
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  std::thread& thread() { return thread_; }
  int tid() const { return tid_; }

 private:
  [[gnu::noinline]] void wait_for_release() {
    std::unique_lock lock(mutex_);
    tid_ = gettid();
    started_.count_down();
    wake_.wait(lock, [this] { return released_; });
  }

  std::latch started_{1};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool released_ = false;
  int tid_ = 0;
  std::thread thread_;  // last: it starts once the members it waits on exist
};

// Never destroyed: a leaked thread waits on its condition variable until released, possibly never.
inline std::vector<parked_thread*>& leaked_threads() {
  static auto* const threads = new std::vector<parked_thread*>;
  return *threads;
}

// Starts a thread that outlives the caller; release_leaked_threads() ends it, or nothing does.
inline void leak_parked_thread(const char* name = nullptr) {
  leaked_threads().push_back(new parked_thread(name));
}

// Ends every leaked thread; once joined, nothing waits on them and they can go.
inline void release_leaked_threads() {
  for (parked_thread* thread : leaked_threads()) delete thread;
  leaked_threads().clear();
}

}  // namespace weft_test
