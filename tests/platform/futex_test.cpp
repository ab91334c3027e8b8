// wait_for_change and wake_all on a 32-bit atomic.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "eventually.hpp"
#include "platform/threads.hpp"

namespace weft::platform {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// Whether thread `tid` sleeps in the kernel in a futex call: where wait_for_change blocks.
bool blocked_in_futex(int tid) {
  const std::optional<task_status> status = read_task(tid);
  return status && status->state == 'S' && status->syscall_name == "futex";
}

TEST(WaitForChange, ReturnsWhenWokenLongBeforeItsTimeout) {
  std::atomic<std::uint32_t> word{0};
  std::atomic<int> waiter_tid{0};
  clock_type::duration waited{};
  std::thread waiter([&] {
    const auto start = clock_type::now();
    waiter_tid = current_tid();
    // Spurious returns are allowed, so the waiter loops as every caller must.
    while (word.load() == 0 && clock_type::now() - start < 60s) wait_for_change(word, 0, 60s);
    waited = clock_type::now() - start;
  });
  // Woken only once it waits: a wake before the wait would prove nothing.
  EXPECT_TRUE(weft::testing::eventually([&] { return waiter_tid != 0 && blocked_in_futex(waiter_tid); }));
  word = 1;
  wake_all(word);
  waiter.join();
  EXPECT_LT(waited, 30s);
}

TEST(WaitForChange, ReturnsAfterTheTimeoutWhenNothingChanges) {
  std::atomic<std::uint32_t> word{7};
  const auto start = clock_type::now();
  wait_for_change(word, 7, 20ms);
  EXPECT_LT(clock_type::now() - start, 30s);
  EXPECT_EQ(word.load(), 7u);
}

TEST(WaitForChange, ReturnsAtOnceWhenTheWordAlreadyChanged) {
  std::atomic<std::uint32_t> word{5};
  const auto start = clock_type::now();
  wait_for_change(word, 4, 60s);
  EXPECT_LT(clock_type::now() - start, 30s);
}

TEST(WaitForChange, DoesNotBlockForZeroOrNegativeTimeouts) {
  std::atomic<std::uint32_t> word{0};
  const auto start = clock_type::now();
  wait_for_change(word, 0, 0ns);
  wait_for_change(word, 0, -5s);
  EXPECT_LT(clock_type::now() - start, 30s);
}

TEST(WakeAll, WakesEveryWaiter) {
  std::atomic<std::uint32_t> word{0};
  std::atomic<int> woken{0};
  std::vector<std::thread> waiters;
  std::array<std::atomic<int>, 4> tids{};
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&, i] {
      tids[i] = current_tid();
      const auto start = clock_type::now();
      while (word.load() == 0 && clock_type::now() - start < 60s) wait_for_change(word, 0, 60s);
      if (clock_type::now() - start < 30s) ++woken;
    });
  }
  EXPECT_TRUE(weft::testing::eventually([&] {
    return std::all_of(tids.begin(), tids.end(),
                       [](const std::atomic<int>& tid) { return tid != 0 && blocked_in_futex(tid); });
  }));
  word = 1;
  wake_all(word);
  for (auto& waiter : waiters) waiter.join();
  EXPECT_EQ(woken, 4);
}

}  // namespace
}  // namespace weft::platform
