// A coroutine suspended on an event that never fires is a leaked task; one whose event fires and whose
// frame is destroyed is not.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <weft/weft.hpp>

#include "tasks/coro_task.hpp"

namespace {

using namespace std::chrono_literals;
using tasks_test::event;
using tasks_test::task;

constexpr unsigned wait_line = __LINE__ + 2;
task wait_for(event& fired) {
  co_await fired;
}

weft::options quick(const weft::options& baseline) {
  return weft::options(baseline).settle_timeout(50ms);
}

TEST(CoroutineLeaks, ReportsCoroutineSuspendedOnEventThatNeverFires) {
  const auto baseline = weft::options().ignore_current();
  event never;
  task waiting = [&] {
    weft::test_scope scope("CoroutineLeaks.never_fires");
    task made = wait_for(never);
    made.start();
    return made;
  }();

  const weft::leak_report report = weft::find_leaks(quick(baseline));
  ASSERT_EQ(report.task_groups().size(), 1u) << report.text();
  EXPECT_TRUE(report.groups().empty()) << report.text();
  EXPECT_EQ(report.task_count(), 1u);
  const weft::task_info& leaked = report.task_groups()[0].tasks.at(0);
  EXPECT_EQ(leaked.name, "wait_for");
  EXPECT_EQ(leaked.state, weft::task_state::suspended);
  EXPECT_EQ(leaked.suspended_at.line, wait_line);
  EXPECT_TRUE(leaked.suspended_at.file.ends_with("coroutine_leak_test.cpp")) << leaked.suspended_at.file;
  ASSERT_EQ(leaked.async_stack.size(), 1u);
  EXPECT_EQ(leaked.created.how, weft::creation_record::origin::register_task);
  EXPECT_EQ(leaked.created.test, "CoroutineLeaks.never_fires");
  EXPECT_NE(leaked.created.creator.function.find("wait_for"), std::string::npos)
      << leaked.created.creator.location();

  const std::string text = report.text();
  EXPECT_NE(text.find("weft: found 1 unexpected task:"), std::string::npos) << text;
  EXPECT_NE(text.find("\"wait_for\" suspended at wait_for at "), std::string::npos) << text;
  EXPECT_NE(text.find("coroutine_leak_test.cpp:" + std::to_string(wait_line)), std::string::npos) << text;
  EXPECT_NE(text.find("in test CoroutineLeaks.never_fires"), std::string::npos) << text;
  const std::string json = report.json();
  EXPECT_NE(json.find("\"task_groups\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"origin\": \"register_task\""), std::string::npos) << json;

  never.set();  // lets the coroutine finish, then destroys its frame: nothing is left behind
  { task finished = std::move(waiting); }
  EXPECT_TRUE(weft::find_leaks(quick(baseline)).task_groups().empty());
}

TEST(CoroutineLeaks, StaysSilentWhenTheEventFiresAndTheFrameIsDestroyed) {
  const auto baseline = weft::options().ignore_current();
  {
    event fires;
    task waiting = wait_for(fires);
    waiting.start();
    fires.set();
    EXPECT_TRUE(waiting.done());
  }
  const weft::leak_report report = weft::find_leaks(quick(baseline));
  EXPECT_TRUE(report.empty()) << report.text();
}

TEST(CoroutineLeaks, ReportsAFinishedFrameThatIsNeverDestroyed) {
  const auto baseline = weft::options().ignore_current();
  event fires;
  task waiting = wait_for(fires);
  waiting.start();
  fires.set();
  const weft::leak_report report = weft::find_leaks(quick(baseline));
  ASSERT_EQ(report.task_groups().size(), 1u) << report.text();
  EXPECT_EQ(report.task_groups()[0].tasks.at(0).state, weft::task_state::done);
  EXPECT_NE(report.text().find("finished but never destroyed"), std::string::npos) << report.text();
}

TEST(CoroutineLeaks, TasksBeforeTheBaselineAreNotTheTests) {
  event never;
  task older = wait_for(never);
  older.start();
  const auto baseline = weft::options().ignore_current();
  const weft::leak_report report = weft::find_leaks(quick(baseline));
  EXPECT_TRUE(report.empty()) << report.text();
  never.set();
}

TEST(CoroutineLeaks, IgnoreRulesApplyToTasks) {
  const auto baseline = weft::options().ignore_current();
  event never;
  task waiting = wait_for(never);
  waiting.start();
  EXPECT_TRUE(weft::find_leaks(quick(baseline).ignore_thread_name("wait_*")).empty());
  EXPECT_TRUE(weft::find_leaks(quick(baseline).ignore_created_by("*wait_for*")).empty());
  EXPECT_TRUE(weft::find_leaks(quick(baseline).ignore_top_function("wait_for")).empty());
  EXPECT_FALSE(weft::find_leaks(quick(baseline).ignore_thread_name("other")).empty());
  never.set();
}

TEST(CoroutineLeaks, SnapshotListsLiveTasks) {
  event never;
  task waiting = wait_for(never);
  waiting.start();
  const weft::snapshot now = weft::take_snapshot();
  ASSERT_EQ(now.tasks.size(), 1u);
  EXPECT_EQ(now.tasks[0].state, weft::task_state::suspended);
  EXPECT_NE(now.text().find("Task " + std::to_string(now.tasks[0].id) + " \"wait_for\" suspended"),
            std::string::npos)
      << now.text();
  never.set();
}

TEST(CoroutineLeaks, VerifyNoneThrowsForALeakedTask) {
  const auto baseline = weft::options().ignore_current();
  event never;
  task waiting = wait_for(never);
  waiting.start();
  EXPECT_THROW(weft::verify_none(quick(baseline)), weft::leak_error);
  never.set();
}

}  // namespace
