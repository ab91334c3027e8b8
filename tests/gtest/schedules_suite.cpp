// A GoogleTest assertion that fails inside an explored test fails that schedule: run as a subprocess
// by gtest_integration_test.cpp, because the failure is real and ends the program with exit code 1.
#include <gtest/gtest.h>

#include <thread>
#include <weft/gtest.hpp>

TEST(Schedules, GtestAssertionInsideTheExploredTestFailsTheSchedule) {
  WEFT_EXPECT_SCHEDULES_OK(
      [] {
        int counter = 0;
        auto increment = [&] {
          const int seen = counter;
          weft::yield_point();
          counter = seen + 1;
        };
        std::thread a(increment), b(increment);
        a.join();
        b.join();
        EXPECT_EQ(counter, 2);
      },
      weft::explore_options().strategy("random").seed(3));
}
