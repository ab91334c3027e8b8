// Waiting for exit events: woken by the event itself, bounded by the deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "parked_thread.hpp"
#include "platform/threads.hpp"
#include "registry/registry.hpp"

namespace weft::registry_test {

using std::chrono::steady_clock;
using namespace std::chrono_literals;

TEST(ExitWait, WakesWellBeforeTheDeadlineWhenAThreadFinishes) {
  std::uint32_t epoch = registry::exit_epoch();
  std::thread thread([] { std::this_thread::sleep_for(50ms); });

  auto deadline = steady_clock::now() + 5s;
  registry::wait_for_exit(epoch, deadline);
  auto left = deadline - steady_clock::now();
  thread.join();

  EXPECT_NE(registry::exit_epoch(), epoch);
  // Generous: only a wait that ignored the exit event would use up four of the five seconds.
  EXPECT_GT(left, 1s) << "wait_for_exit returned "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(5s - left).count()
                      << " ms after it began, not when the thread finished";
}

TEST(ExitWait, ReturnsAtTheDeadlineWhenNothingFinishes) {
  std::uint32_t epoch = registry::exit_epoch();
  auto deadline = steady_clock::now() + 100ms;

  registry::wait_for_exit(epoch, deadline);

  EXPECT_GE(steady_clock::now(), deadline);
  EXPECT_EQ(registry::exit_epoch(), epoch);
}

TEST(ExitWait, ReturnsAtOnceWhenTheEpochAlreadyMoved) {
  std::uint32_t epoch = registry::exit_epoch();
  std::thread([] {}).join();
  ASSERT_NE(registry::exit_epoch(), epoch);

  auto deadline = steady_clock::now() + 5s;
  registry::wait_for_exit(epoch, deadline);

  EXPECT_GT(deadline - steady_clock::now(), 1s);
}

TEST(ExitWait, ReturnsAtOnceWhenTheDeadlineHasPassed) {
  auto start = steady_clock::now();
  registry::wait_for_exit(registry::exit_epoch(), start - 1s);
  EXPECT_LT(steady_clock::now() - start, 1s);
}

// A thread that left its routine may still be listed by the kernel for a moment; the registry knows it
// is leaving, so a leak check does not take it for a thread it never saw created.
TEST(ExitWait, KnowsWhichTidsFinishedLately) {
  int tid = 0;
  std::thread thread([&] { tid = platform::current_tid(); });
  thread.join();
  EXPECT_TRUE(registry::finished_recently(tid));
  EXPECT_FALSE(registry::finished_recently(platform::current_tid())) << "the caller is alive";
  EXPECT_FALSE(registry::finished_recently(0));
}

}  // namespace weft::registry_test
