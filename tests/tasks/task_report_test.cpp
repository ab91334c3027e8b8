// Leaked tasks as text and JSON, from hand-built values: every field reaches both renderings.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <weft/leaks.hpp>

namespace {

using nlohmann::json;

weft::stack_frame site(const char* function, unsigned line) {
  weft::stack_frame frame;
  frame.function = function;
  frame.file = "/src/jobs.cpp";
  frame.line = line;
  return frame;
}

weft::task_info chain_of_two() {
  weft::task_info task;
  task.id = 7;
  task.name = "read_reply";
  task.state = weft::task_state::suspended;
  task.suspended_at = site("read_reply", 20);
  task.async_stack = {{7, "read_reply", weft::task_state::suspended, site("read_reply", 20)},
                      {6, "fetch", weft::task_state::suspended, site("fetch", 30)}};
  task.created.how = weft::creation_record::origin::register_task;
  task.created.test = "Jobs.WaitForever";
  task.created.creator_tid = 41;
  task.created.creator = site("read_reply(event&)", 19);
  task.created.stack.frames = {task.created.creator};
  return task;
}

TEST(TaskReport, TextShowsStateAsyncStackAndCreation) {
  const weft::leak_report report({}, {weft::task_group{{chain_of_two()}}});
  EXPECT_FALSE(report.empty());
  EXPECT_EQ(report.task_count(), 2u);
  EXPECT_EQ(report.text(),
            "weft: found 2 unexpected tasks:\n"
            "Task 7 \"read_reply\" suspended at read_reply at /src/jobs.cpp:20, awaited by 1 more; async "
            "stack, innermost first:\n"
            "  #0 task 7 \"read_reply\" suspended at read_reply at /src/jobs.cpp:20\n"
            "  #1 task 6 \"fetch\" suspended at fetch at /src/jobs.cpp:30\n"
            "created by read_reply(event&) at /src/jobs.cpp:19 in test Jobs.WaitForever\n"
            "  #0 read_reply(event&) at /src/jobs.cpp:19\n"
            "weft: if these tasks are meant to live as long as the process, ignore them in every check with\n"
            "  WEFT_IGNORE='created_by:read_reply'\n");
}

TEST(TaskReport, TextTitlesAGroupOfLookAlikeTasks) {
  weft::task_info job;
  job.id = 3;
  job.name = "pool job";
  job.async_stack = {{3, "pool job", weft::task_state::created, {}}};
  job.created.how = weft::creation_record::origin::register_task;
  weft::task_info second = job;
  second.id = 4;
  const weft::leak_report report({}, {weft::task_group{{job, second}}});
  EXPECT_NE(
      report.text().find("weft: found 2 unexpected tasks:\n2 tasks (ids 3, 4) \"pool job\" not started\n"
                         "created by an unknown function\n"),
      std::string::npos)
      << report.text();
}

TEST(TaskReport, JsonCarriesEveryFieldOfATaskGroup) {
  const json document = json::parse(weft::leak_report({}, {weft::task_group{{chain_of_two()}}}).json());
  EXPECT_EQ(document.at("thread_count"), 0);
  EXPECT_EQ(document.at("task_count"), 2);
  ASSERT_EQ(document.at("task_groups").size(), 1u);
  const json& group = document.at("task_groups").at(0);
  EXPECT_EQ(group.at("count"), 1);
  EXPECT_EQ(group.at("tasks"), R"([{"id": 7, "name": "read_reply"}])"_json);
  EXPECT_EQ(group.at("state"), "suspended");
  EXPECT_EQ(group.at("suspended_at").at("line"), 20);
  ASSERT_EQ(group.at("async_stack").size(), 2u);
  EXPECT_EQ(group.at("async_stack").at(1).at("id"), 6);
  EXPECT_EQ(group.at("async_stack").at(1).at("name"), "fetch");
  EXPECT_EQ(group.at("async_stack").at(1).at("state"), "suspended");
  EXPECT_EQ(group.at("async_stack").at(1).at("site").at("function"), "fetch");
  EXPECT_EQ(group.at("created_by").at("origin"), "register_task");
  EXPECT_EQ(group.at("created_by").at("test"), "Jobs.WaitForever");
  EXPECT_EQ(group.at("created_by").at("creator_tid"), 41);
}

TEST(TaskReport, JsonGivesNullSitesForTasksThatAreNotSuspended) {
  weft::task_info job;
  job.id = 1;
  job.name = "pool job";
  job.async_stack = {{1, "pool job", weft::task_state::created, {}}};
  const json group =
      json::parse(weft::leak_report({}, {weft::task_group{{job}}}).json()).at("task_groups").at(0);
  EXPECT_EQ(group.at("state"), "created");
  EXPECT_TRUE(group.at("suspended_at").is_null());
  EXPECT_TRUE(group.at("async_stack").at(0).at("site").is_null());
}

TEST(TaskReport, ThreadsAndTasksTogetherPrintBothParts) {
  weft::thread_info thread;
  thread.id.tid = 99;
  thread.name = "worker";
  thread.state = "sleep";
  const weft::leak_report report({weft::leak_group{{thread}}}, {weft::task_group{{chain_of_two()}}});
  const std::string text = report.text();
  const auto threads_at = text.find("weft: found 1 unexpected thread:\nThread 99 \"worker\" in state sleep");
  const auto tasks_at = text.find("\nweft: found 2 unexpected tasks:\n");
  EXPECT_EQ(threads_at, 0u) << text;
  EXPECT_NE(tasks_at, std::string::npos) << text;
}

}  // namespace
