// wait_for_change and wake_all on a 32-bit atomic.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "platform/threads.hpp"

namespace weft::platform {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

TEST(WaitForChange, ReturnsWhenWokenLongBeforeItsTimeout) {
  std::atomic<std::uint32_t> word{0};
  std::atomic<bool> waiting{false};
  clock_type::duration waited{};
  std::thread waiter([&] {
    const auto start = clock_type::now();
    waiting = true;
    // Spurious returns are allowed, so the waiter loops as every caller must.
    while (word.load() == 0 && clock_type::now() - start < 60s) wait_for_change(word, 0, 60s);
    waited = clock_type::now() - start;
  });
  while (!waiting) std::this_thread::yield();
  std::this_thread::sleep_for(20ms);
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
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&] {
      const auto start = clock_type::now();
      while (word.load() == 0 && clock_type::now() - start < 60s) wait_for_change(word, 0, 60s);
      if (clock_type::now() - start < 30s) ++woken;
    });
  }
  std::this_thread::sleep_for(20ms);
  word = 1;
  wake_all(word);
  for (auto& waiter : waiters) waiter.join();
  EXPECT_EQ(woken, 4);
}

}  // namespace
}  // namespace weft::platform
