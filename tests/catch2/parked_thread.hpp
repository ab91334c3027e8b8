// A thread that waits until it is released: the leak the Catch2 test programs make on purpose.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace weft_test {

class parked_thread {
 public:
  // `name` is at most 15 characters, the kernel's limit.
  explicit parked_thread(const char* name) : thread_([this] { wait_for_release(); }) {
    pthread_setname_np(thread_.native_handle(), name);
  }

  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

 private:
  void wait_for_release() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return released_; });
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool released_ = false;
  std::thread thread_;  // last: it starts once the members it waits on exist
};

// Never destroyed: a leaked thread waits on its condition variable, and destroying a condition
// variable with a waiter blocks forever.
inline std::vector<parked_thread*>& leaked_threads() {
  static auto* const threads = new std::vector<parked_thread*>;
  return *threads;
}

// Starts a thread that outlives the caller; release_leaked_threads() ends it.
inline void leak_parked_thread(const char* name) {
  leaked_threads().push_back(new parked_thread(name));
}

// Ends every leaked thread; once joined, nothing waits on them and they can go.
inline void release_leaked_threads() {
  for (parked_thread* thread : leaked_threads()) {
    thread->release();
    delete thread;
  }
  leaked_threads().clear();
}

}  // namespace weft_test
