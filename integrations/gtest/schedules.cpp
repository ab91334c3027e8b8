// WEFT_EXPECT_SCHEDULES_OK: weft::explore as a GoogleTest assertion.
#include <stdexcept>

#include "weft/gtest.hpp"

namespace weft::gtest {
namespace {

// GoogleTest records only failures (and skips) as parts of a test's result; counting them tells
// whether an assertion failed during one schedule, from whichever thread it ran in.
int failed_parts() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  if (test == nullptr) return 0;
  int failed = 0;
  for (int i = 0; i < test->result()->total_part_count(); ++i)
    failed += test->result()->GetTestPartResult(i).failed();
  return failed;
}

}  // namespace

::testing::AssertionResult schedules_ok(const std::function<void()>& test,
                                        const weft::explore_options& options) {
  const weft::explore_result explored = weft::explore(
      [&] {
        const int before = failed_parts();
        test();
        if (failed_parts() > before)
          throw std::runtime_error("a GoogleTest assertion failed in this schedule");
      },
      weft::explore_options(options).quiet());
  if (!explored.failed()) {
    return ::testing::AssertionSuccess() << "every one of " << explored.schedules << " schedules passed";
  }
  return ::testing::AssertionFailure() << explored.report;
}

}  // namespace weft::gtest
