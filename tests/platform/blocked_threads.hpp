// Ways for a test thread to block at a known place. Each records the return address of its own
// frame before it blocks: a stack captured from the thread must hold exactly that address.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace weft::testing {

class pipe_pair {
 public:
  pipe_pair() { EXPECT_EQ(::pipe(fds_), 0); }
  pipe_pair(const pipe_pair&) = delete;
  pipe_pair& operator=(const pipe_pair&) = delete;
  ~pipe_pair() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  [[nodiscard]] int read_end() const { return fds_[0]; }
  void write_bytes(std::size_t count) const {
    const std::vector<char> bytes(count, 'x');
    EXPECT_EQ(::write(fds_[1], bytes.data(), count), static_cast<ssize_t>(count));
  }

 private:
  int fds_[2] = {-1, -1};
};

inline std::uintptr_t return_address_of(void* address) {
  return reinterpret_cast<std::uintptr_t>(address);
}

// Blocks reading one byte from `fd`; `return_address` is where it will return to.
[[gnu::noinline]] inline void read_one_byte(int fd, std::atomic<std::uintptr_t>& return_address) {
  return_address = return_address_of(__builtin_return_address(0));
  char byte;
  EXPECT_EQ(::read(fd, &byte, 1), 1);
}

// A condition that many threads can wait for and one call releases.
class gate {
 public:
  [[gnu::noinline]] void wait(std::atomic<std::uintptr_t>& return_address) {
    return_address = return_address_of(__builtin_return_address(0));
    std::unique_lock lock(mutex_);
    ++waiting_;
    opened_.wait(lock, [&] { return open_; });
  }
  [[nodiscard]] int waiting() {
    std::lock_guard lock(mutex_);
    return waiting_;
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
  int waiting_ = 0;
};

inline bool contains(const std::vector<std::uintptr_t>& pcs, std::uintptr_t pc) {
  return std::ranges::find(pcs, pc) != pcs.end();
}

}  // namespace weft::testing
