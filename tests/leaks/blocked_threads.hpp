// Threads that block in one particular way until released, for leak tests. Each releases and joins
// its thread when destroyed, so a test that "leaks" one on purpose leaves nothing behind. A thread
// parked on a condition variable is support/parked_thread.hpp's, the one all of weft's tests use.
#pragma once

#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <latch>
#include <mutex>
#include <thread>

#include "support/parked_thread.hpp"

namespace weft_test {

// Blocks in read() on an empty pipe until the write end closes.
class pipe_reader {
 public:
  pipe_reader() {
    if (pipe(fds_) != 0) std::abort();
    thread_ = std::thread([this] { read_until_closed(); });
  }
  ~pipe_reader() {
    close(fds_[1]);
    thread_.join();
    close(fds_[0]);
  }
  int read_fd() const { return fds_[0]; }

 private:
  [[gnu::noinline]] void read_until_closed() {
    char byte;
    while (read(fds_[0], &byte, 1) != 0) {
    }
  }
  int fds_[2];
  std::thread thread_;
};

// Blocks in poll() on an empty pipe until a byte arrives.
class poller {
 public:
  poller() {
    if (pipe(fds_) != 0) std::abort();
    thread_ = std::thread([this] { poll_until_readable(); });
  }
  ~poller() {
    if (write(fds_[1], "x", 1) != 1) std::abort();
    thread_.join();
    close(fds_[0]);
    close(fds_[1]);
  }

 private:
  [[gnu::noinline]] void poll_until_readable() {
    pollfd wanted{fds_[0], POLLIN, 0};
    while (poll(&wanted, 1, -1) != 1) {
    }
  }
  int fds_[2];
  std::thread thread_;
};

// Sleeps in short naps until released.
class sleeper {
 public:
  sleeper() : thread_([this] { nap_until_released(); }) { started_.wait(); }
  ~sleeper() {
    released_ = true;
    thread_.join();
  }

 private:
  [[gnu::noinline]] void nap_until_released() {
    started_.count_down();
    while (!released_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::latch started_{1};
  std::atomic<bool> released_{false};
  std::thread thread_;
};

// Spins without blocking until released.
class spinner {
 public:
  spinner() : thread_([this] { spin_until_released(); }) { started_.wait(); }
  ~spinner() {
    released_ = true;
    thread_.join();
  }

 private:
  [[gnu::noinline]] void spin_until_released() {
    started_.count_down();
    while (!released_.load(std::memory_order_relaxed)) {
    }
  }
  std::latch started_{1};
  std::atomic<bool> released_{false};
  std::thread thread_;
};

// Blocks in a mutex that the owner holds until released.
class mutex_locker {
 public:
  mutex_locker() {
    held_.lock();
    thread_ = std::thread([this] { lock_held_mutex(); });
  }
  ~mutex_locker() {
    held_.unlock();
    thread_.join();
  }

 private:
  [[gnu::noinline]] void lock_held_mutex() { std::lock_guard lock(held_); }
  std::mutex held_;
  std::thread thread_;
};

}  // namespace weft_test
