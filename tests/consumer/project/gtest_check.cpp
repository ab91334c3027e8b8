// Built against an installed weft::gtest_main: weft's main() runs the tests and checks each one.
#include <mutex>
#include <string>
#include <thread>
#include <weft/gtest.hpp>

// The suite is C++17 (CMakeLists.txt): linking weft::gtest_main must not switch it to C++20.
static_assert(__cplusplus == 201703L, "weft's targets changed this C++17 suite's language standard");

TEST(InstalledGtestIntegration, TestThatJoinsItsThreadPasses) {
  std::thread worker([] {});
  worker.join();
  WEFT_EXPECT_NO_LEAKS();
}

TEST(InstalledGtestIntegration, SchedulesOfALockedCounterPass) {
  WEFT_EXPECT_SCHEDULES_OK(
      [] {
        std::mutex mutex;
        int counter = 0;
        auto increment = [&] {
          std::lock_guard<std::mutex> hold(mutex);
          ++counter;
        };
        std::thread a(increment), b(increment);
        a.join();
        b.join();
        weft::expect(counter == 2, "lost update: counter is " + std::to_string(counter));
      },
      weft::explore_options().iterations(50));
}
