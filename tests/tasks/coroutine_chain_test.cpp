// Three coroutines awaiting each other, the innermost on an event that never fires: one leaked task
// whose async stack lists inner, middle, outer, each at its co_await.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <weft/weft.hpp>

#include "tasks/coro_task.hpp"

namespace {

using namespace std::chrono_literals;
using tasks_test::event;
using tasks_test::task;

constexpr unsigned inner_line = __LINE__ + 2;
task inner(event& fired) {
  co_await fired;
}

constexpr unsigned middle_line = __LINE__ + 2;
task middle(event& fired) {
  co_await inner(fired);
}

constexpr unsigned outer_line = __LINE__ + 2;
task outer(event& fired) {
  co_await middle(fired);
}

TEST(CoroutineChains, ReportsTheAsyncStackInnermostFirst) {
  const auto baseline = weft::options().ignore_current();
  event never;
  task root = outer(never);
  root.start();

  const weft::leak_report report = weft::find_leaks(weft::options(baseline).settle_timeout(50ms));
  ASSERT_EQ(report.task_groups().size(), 1u) << report.text();
  EXPECT_EQ(report.task_count(), 3u);
  const weft::task_info& leaked = report.task_groups()[0].tasks.at(0);
  EXPECT_EQ(leaked.name, "inner");
  ASSERT_EQ(leaked.async_stack.size(), 3u) << report.text();
  const char* names[] = {"inner", "middle", "outer"};
  const unsigned lines[] = {inner_line, middle_line, outer_line};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(leaked.async_stack[i].name, names[i]);
    EXPECT_EQ(leaked.async_stack[i].state, weft::task_state::suspended);
    EXPECT_EQ(leaked.async_stack[i].site.line, lines[i]) << names[i];
  }
  const std::string text = report.text();
  EXPECT_NE(text.find("weft: found 3 unexpected tasks:"), std::string::npos) << text;
  const auto at_inner = text.find("#0 task " + std::to_string(leaked.async_stack[0].task_id) + " \"inner\"");
  const auto at_middle =
      text.find("#1 task " + std::to_string(leaked.async_stack[1].task_id) + " \"middle\"");
  const auto at_outer = text.find("#2 task " + std::to_string(leaked.async_stack[2].task_id) + " \"outer\"");
  ASSERT_NE(at_inner, std::string::npos) << text;
  EXPECT_LT(at_inner, at_middle) << text;
  EXPECT_LT(at_middle, at_outer) << text;
  EXPECT_NE(text.find("coroutine_chain_test.cpp:" + std::to_string(middle_line)), std::string::npos) << text;
  never.set();
  EXPECT_TRUE(root.done());
}

TEST(CoroutineChains, StaysSilentWhenTheChainCompletes) {
  const auto baseline = weft::options().ignore_current();
  {
    event fires;
    task root = outer(fires);
    root.start();
    fires.set();
    EXPECT_TRUE(root.done());
  }
  const weft::leak_report report = weft::find_leaks(weft::options(baseline).settle_timeout(50ms));
  EXPECT_TRUE(report.empty()) << report.text();
}

}  // namespace
