// WEFT_EXPECT_NO_LEAKS and WEFT_ASSERT_NO_LEAKS fire on a leak with the report, and stay silent on
// clean code.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <weft/gtest.hpp>
#include <weft/sched.hpp>

#include "support/bug_programs.hpp"

namespace {

struct waiting_thread {
  std::mutex mutex;
  std::condition_variable wake;
  bool released = false;
  std::thread thread{[this] {
    std::unique_lock lock(mutex);
    wake.wait(lock, [this] { return released; });
  }};
  ~waiting_thread() {
    {
      std::lock_guard lock(mutex);
      released = true;
    }
    wake.notify_all();
    thread.join();
  }
};

weft::options quick() {
  return weft::options().settle_timeout(std::chrono::milliseconds(20));
}

TEST(LeakMacros, ExpectFiresWithTheReport) {
  waiting_thread leaked;
  EXPECT_NONFATAL_FAILURE(WEFT_EXPECT_NO_LEAKS(quick()), "weft: found 1 unexpected thread");
}

TEST(LeakMacros, AssertFiresWithTheReport) {
  waiting_thread leaked;
  EXPECT_FATAL_FAILURE(WEFT_ASSERT_NO_LEAKS(quick()), "weft: found 1 unexpected thread");
}

TEST(LeakMacros, StaySilentOnCleanCode) {
  std::thread([] {}).join();
  WEFT_EXPECT_NO_LEAKS(quick());
  WEFT_ASSERT_NO_LEAKS(quick());
}

}  // namespace

namespace {

TEST(ScheduleMacros, ExpectSchedulesOkFiresWithTheReplayLine) {
  EXPECT_NONFATAL_FAILURE(
      WEFT_EXPECT_SCHEDULES_OK(weft_test::lost_update, weft::explore_options().strategy("random")),
      "WEFT_REPLAY=w3.");
}

TEST(ScheduleMacros, ExpectSchedulesOkStaysSilentOnTheFixedTwin) {
  WEFT_EXPECT_SCHEDULES_OK(weft_test::lost_update_fixed, weft::explore_options().iterations(200));
}

}  // namespace
