#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sample_threads.hpp"
#include "weft/leaks.hpp"

namespace {

using nlohmann::json;
using weft::creation_record;
using weft::leak_group;
using weft::leak_report;

void expect_frame(const json& actual, const char* pc, const char* function, const char* file, unsigned line,
                  const char* module, const char* module_offset) {
  EXPECT_EQ(actual.size(), 6u) << actual;
  EXPECT_EQ(actual.at("pc"), pc);
  EXPECT_EQ(actual.at("function"), function);
  EXPECT_EQ(actual.at("file"), file);
  EXPECT_EQ(actual.at("line"), line);
  EXPECT_EQ(actual.at("module"), module);
  EXPECT_EQ(actual.at("module_offset"), module_offset);
}

TEST(LeakReportJson, CarriesEveryFieldOfAGroup) {
  const json report = json::parse(report_samples::one_group(report_samples::pool_of(2, 4242)).json());
  EXPECT_EQ(report.size(), 6u);
  EXPECT_EQ(report.at("schema"), "weft.leak_report");
  EXPECT_EQ(report.at("version"), 1);
  EXPECT_EQ(report.at("thread_count"), 2);
  EXPECT_EQ(report.at("task_count"), 0);
  EXPECT_EQ(report.at("task_groups"), json::array());
  ASSERT_EQ(report.at("groups").size(), 1u);

  const json& group = report.at("groups").at(0);
  EXPECT_EQ(group.size(), 7u);
  EXPECT_EQ(group.at("count"), 2);
  EXPECT_EQ(group.at("threads"), json::parse(R"([{"tid": 4242, "start_time": 885476, "name": "worker"},
                                                 {"tid": 4243, "start_time": 885477, "name": "worker"}])"));
  EXPECT_EQ(group.at("kernel_state"), "S");
  EXPECT_EQ(group.at("state"), "condition_variable wait");
  EXPECT_EQ(group.at("top_function"), "worker_loop()");

  const json& stack = group.at("stack");
  EXPECT_EQ(stack.size(), 2u);
  EXPECT_EQ(stack.at("available"), true);
  // Every frame, weft's own trampoline included: JSON is never folded.
  ASSERT_EQ(stack.at("frames").size(), 6u);
  expect_frame(stack.at("frames").at(0), "0x7f3a10091e96", "pthread_cond_wait", "", 0, report_samples::libc,
               "0x91e96");
  expect_frame(stack.at("frames").at(2), "0x55d0c0a01342", "worker_loop()", "/src/pool.cpp", 42,
               report_samples::test_binary, "0x1342");
  expect_frame(stack.at("frames").at(3), "0x7f3a10500a10",
               "weft::intercept::(anonymous namespace)::run_recorded_thread(void*)",
               "../src/intercept/thread.cpp", 139, report_samples::libweft, "0x40a10");

  const json& created = group.at("created_by");
  EXPECT_EQ(created.size(), 5u);
  EXPECT_EQ(created.at("origin"), "pthread_create");
  EXPECT_EQ(created.at("test"), "PoolTest.LeaksWorker");
  expect_frame(created.at("creator"), "0x55d0c0a01234", "Pool::start()", "/src/pool.cpp", 20,
               report_samples::test_binary, "0x1234");
  EXPECT_EQ(created.at("creator_tid"), 4241);
  EXPECT_EQ(created.at("stack").at("available"), true);
  ASSERT_EQ(created.at("stack").at("frames").size(), 3u);
  expect_frame(created.at("stack").at("frames").at(2), "0x55d0c0a00f10",
               "PoolTest_LeaksWorker_Test::TestBody()", "/src/pool_test.cpp", 12, report_samples::test_binary,
               "0xf10");
}

TEST(LeakReportJson, GivesReasonForUnavailableStack) {
  const json report = json::parse(report_samples::one_group({report_samples::signal_blocker()}).json());
  const json& stack = report.at("groups").at(0).at("stack");
  EXPECT_EQ(stack, json::parse(R"json({"available": false,
                                   "reason": "thread blocks signal 40 (SigBlk 0000008000000000)"})json"));
  EXPECT_EQ(report.at("groups").at(0).at("top_function"), "");
}

TEST(LeakReportJson, NamesOriginAndLeavesCreatorNullForThreadsWeftDidNotSeeCreated) {
  const leak_report report({
      leak_group{{report_samples::uncreated(31, "early", creation_record::origin::before_weft_loaded)}},
      leak_group{{report_samples::uncreated(32, "cloned", creation_record::origin::unseen)}},
  });
  const json parsed = json::parse(report.json());
  ASSERT_EQ(parsed.at("groups").size(), 2u);
  const json expected_creation = R"({"origin": "?", "test": "", "creator": null, "creator_tid": 0,
                                     "stack": {"available": true, "frames": []}})"_json;
  json before = expected_creation;
  before["origin"] = "before_weft_loaded";
  json unseen = expected_creation;
  unseen["origin"] = "unseen";
  EXPECT_EQ(parsed.at("groups").at(0).at("created_by"), before);
  EXPECT_EQ(parsed.at("groups").at(1).at("created_by"), unseen);
  EXPECT_EQ(parsed.at("groups").at(1).at("top_function"), "pool_tests+0x2000");
}

TEST(LeakReportJson, RendersEmptyReportWithNoGroups) {
  EXPECT_EQ(json::parse(leak_report().json()),
            R"({"schema": "weft.leak_report", "version": 1, "thread_count": 0, "groups": [],
                "task_count": 0, "task_groups": []})"_json);
}

TEST(LeakReportJson, ReplacesInvalidUtf8InNamesInsteadOfThrowing) {
  weft::thread_info thread = report_samples::worker(5);
  thread.name = "bad\xff\xfename";
  std::string text;
  ASSERT_NO_THROW(text = report_samples::one_group({thread}).json());
  EXPECT_EQ(json::parse(text).at("groups").at(0).at("threads").at(0).at("name"),
            "bad\xEF\xBF\xBD\xEF\xBF\xBDname");
}

}  // namespace
