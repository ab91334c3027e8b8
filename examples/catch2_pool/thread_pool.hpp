// A small fixed-size thread pool: jobs go into one queue, workers take them in order, and shutdown()
// lets the workers finish the queue, then joins them.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

class thread_pool {
 public:
  // Starts `workers` threads, each named "pool-worker".
  explicit thread_pool(std::size_t workers) : workers_(workers) {
    for (std::thread& worker : workers_) {
      worker = std::thread([this] { work(); });
      pthread_setname_np(worker.native_handle(), "pool-worker");
    }
  }

  // A pool must be shut down before it is destroyed: a joinable std::thread ends the program.
  ~thread_pool() { shutdown(); }

  void submit(std::function<void()> job) {
    {
      std::lock_guard lock(mutex_);
      jobs_.push(std::move(job));
    }
    changed_.notify_one();
  }

  void shutdown() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    for (std::thread& worker : workers_) {
      if (worker.joinable()) worker.join();
    }
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing is left to do
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::queue<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};
