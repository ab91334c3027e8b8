// A job queued on the example pool that never runs is a leaked task, reported with the stack that
// submitted it; jobs that all run leave nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <weft/weft.hpp>

#include "task_pool/task_pool.hpp"

namespace {

using namespace std::chrono_literals;

[[gnu::noinline]] void submit_after_shutdown(task_pool& pool, std::atomic<int>& ran) {
  pool.submit([&] { ++ran; });
}

TEST(PoolLeaks, ReportsAJobThatIsNeverRun) {
  const auto baseline = weft::options().ignore_current();
  std::atomic<int> ran{0};
  {
    weft::test_scope scope("PoolLeaks.late_submit");
    task_pool pool(2);
    pool.submit([&] { ++ran; });
    pool.shutdown();
    submit_after_shutdown(pool, ran);
  }
  EXPECT_EQ(ran.load(), 1);
  const weft::leak_report report = weft::find_leaks(weft::options(baseline).settle_timeout(50ms));
  EXPECT_TRUE(report.groups().empty()) << report.text();
  ASSERT_EQ(report.task_groups().size(), 1u) << report.text();
  const weft::task_info& job = report.task_groups()[0].tasks.at(0);
  EXPECT_EQ(job.name, "task_pool job");
  EXPECT_EQ(job.state, weft::task_state::created);
  EXPECT_EQ(job.created.test, "PoolLeaks.late_submit");
  bool submitter_seen = false;
  for (const weft::stack_frame& frame : job.created.stack.frames) {
    submitter_seen |= frame.function.find("submit_after_shutdown") != std::string::npos;
  }
  EXPECT_TRUE(submitter_seen) << report.text();
  EXPECT_NE(report.text().find("\"task_pool job\" not started"), std::string::npos) << report.text();
}

TEST(PoolLeaks, StaysSilentWhenEveryJobRuns) {
  const auto baseline = weft::options().ignore_current();
  std::atomic<int> ran{0};
  {
    task_pool pool(2);
    for (int i = 0; i < 10; ++i) pool.submit([&] { ++ran; });
    pool.shutdown();
  }
  EXPECT_EQ(ran.load(), 10);
  const weft::leak_report report = weft::find_leaks(weft::options(baseline).settle_timeout(50ms));
  EXPECT_TRUE(report.empty()) << report.text();
}

TEST(PoolLeaks, GroupsLookAlikeJobs) {
  const auto baseline = weft::options().ignore_current();
  {
    task_pool pool(1);
    pool.shutdown();
    for (int i = 0; i < 3; ++i) pool.submit([] {});
  }
  const weft::leak_report report = weft::find_leaks(weft::options(baseline).settle_timeout(0ms));
  ASSERT_EQ(report.task_groups().size(), 1u) << report.text();
  EXPECT_EQ(report.task_groups()[0].tasks.size(), 3u);
  EXPECT_NE(report.text().find("3 tasks (ids "), std::string::npos) << report.text();
}

}  // namespace
