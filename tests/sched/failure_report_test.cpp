// A failed schedule's report as text: stacks folded like a leak report's unless WEFT_FULL_STACKS=1.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <string>
#include <weft/options.hpp>
#include <weft/sched.hpp>

#include "support/bug_programs.hpp"
#include "support/scoped_environment.hpp"

namespace {

weft::explore_result find_abba_deadlock() {
  return weft::explore(weft_test::abba_deadlock, weft::explore_options()
                                                     .strategy("random")
                                                     .iterations(500)
                                                     .seed(7)
                                                     .time_budget(std::chrono::minutes(30))
                                                     .quiet());
}

TEST(FailureReport, FoldsStacksAndLeavesOutWeftsFrames) {
  const weft::explore_result found = find_abba_deadlock();
  ASSERT_EQ(found.kind, weft::explore_result::failure::deadlock) << found.report;
  EXPECT_NE(found.report.find("abba_deadlock"), std::string::npos) << found.report;
  EXPECT_EQ(found.report.find("run_recorded_thread"), std::string::npos) << found.report;
  EXPECT_EQ(found.report.find("weft::sched::"), std::string::npos) << found.report;
  EXPECT_NE(found.report.find(" frames of "), std::string::npos) << found.report;
}

TEST(FailureReport, ShowsEveryFrameWithWeftFullStacks) {
  const weft::explore_result found = [] {
    const weft_test::scoped_environment full("WEFT_FULL_STACKS", "1");
    return find_abba_deadlock();
  }();
  ASSERT_EQ(found.kind, weft::explore_result::failure::deadlock) << found.report;
  EXPECT_NE(found.report.find("run_recorded_thread"), std::string::npos) << found.report;
  EXPECT_EQ(found.report.find(" frames of "), std::string::npos) << found.report;
}

TEST(FailureReport, MalformedWeftFullStacksIsRefusedBeforeTheFirstRun) {
  const weft_test::scoped_environment malformed("WEFT_FULL_STACKS", "full");
  bool ran = false;
  try {
    (void)weft::explore([&ran] { ran = true; }, weft::explore_options().quiet());
    ADD_FAILURE() << "WEFT_FULL_STACKS=full was accepted";
  } catch (const weft::config_error& error) {
    EXPECT_STREQ(error.what(), "weft: WEFT_FULL_STACKS must be 0 or 1; got \"full\"");
  }
  EXPECT_FALSE(ran);
}

}  // namespace
