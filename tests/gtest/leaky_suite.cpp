// A GoogleTest suite with known verdicts, run as a subprocess by gtest_integration_test.cpp. Linked
// with weft::gtest_main. Leaked threads stay blocked until the process exits: they are owned by
// objects that are never destroyed, because destroying a condition variable with waiters blocks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <weft/gtest.hpp>

#include "support/parked_thread.hpp"

namespace {

[[gnu::noinline]] void leak_stuck_worker() {
  weft_test::leak_parked_thread();
}

TEST(Pool, LeaksWorker) {
  leak_stuck_worker();
}

TEST(Pool, LeaksDetachedSleeper) {
  std::thread([] {
    for (;;) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }).detach();
}

// Run only when asked (--gtest_also_run_disabled_tests): the first breaks WEFT_IGNORE, so its own check
// cannot run; the second mends it before its check.
TEST(Environment, DISABLED_BreaksWeftIgnoreAndLeaks) {
  ::setenv("WEFT_IGNORE", "bogus", 1);
  leak_stuck_worker();
}
TEST(Environment, DISABLED_MendsWeftIgnore) {
  ::unsetenv("WEFT_IGNORE");
}

class JoiningFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_; });
    });
  }
  void TearDown() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    worker_.join();
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread worker_;
};

TEST_F(JoiningFixture, JoinsInTearDown) {
  SUCCEED();
}

// Blame: the thread this test leaks is still alive when the next test ends; only this test fails.
TEST(Blame, LeaksThreadThatOutlivesIt) {
  leak_stuck_worker();
}
TEST(Blame, LaterTestIsNotBlamed) {
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

TEST(Death, DiesInChild) {
  EXPECT_DEATH(
      {
        std::fputs("dying\n", stderr);
        std::abort();
      },
      "dying");
}

TEST(OptOut, LeaksOnPurpose) {
  weft::gtest::allow_leaks_in_this_test();
  leak_stuck_worker();
}

TEST(Macros, NoLeaksHelperSeesALeakAndSaysWhat) {
  weft::gtest::allow_leaks_in_this_test();
  leak_stuck_worker();
  ::testing::AssertionResult result =
      weft::gtest::no_leaks(weft::options().settle_timeout(std::chrono::milliseconds(20)));
  EXPECT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("unexpected thread"), std::string::npos) << result.message();
}

TEST(Macros, ExpectNoLeaksPassesOnCleanCode) {
  const weft::options baseline = weft::options().ignore_current();
  std::thread([] {}).join();
  WEFT_EXPECT_NO_LEAKS(baseline);
  WEFT_ASSERT_NO_LEAKS(baseline);
}

class Params : public ::testing::TestWithParam<bool> {};
TEST_P(Params, LeaksWhenAsked) {
  if (GetParam()) leak_stuck_worker();
}
INSTANTIATE_TEST_SUITE_P(Leak, Params, ::testing::Values(false, true));

template <typename T>
class Typed : public ::testing::Test {};
using typed_params = ::testing::Types<int, long>;
TYPED_TEST_SUITE(Typed, typed_params);
TYPED_TEST(Typed, JoinsItsThread) {
  std::thread([] {
    TypeParam value{};
    (void)value;
  }).join();
}

}  // namespace
