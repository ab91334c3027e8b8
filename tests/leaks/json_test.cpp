// The JSON report parses with a real JSON parser and carries what the text carries.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <weft/weft.hpp>

#include "blocked_threads.hpp"

namespace {

TEST(LeakJson, ParsesAndDescribesTheLeakedThread) {
  weft::test_scope scope("LeakJson.Parses");
  weft_test::parked_thread waiter;
  // The waiter may still be on its way into the wait when the constructor returns.
  weft::leak_report report;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    report = weft::find_leaks(weft::options().settle_timeout(std::chrono::milliseconds(30)));
    if (report.thread_count() == 1 && report.groups()[0].threads[0].state == "condition_variable wait") break;
  }
  ASSERT_EQ(report.thread_count(), 1u);
  const nlohmann::json parsed = nlohmann::json::parse(report.json());
  EXPECT_EQ(parsed.at("schema"), "weft.leak_report");
  EXPECT_EQ(parsed.at("version"), 1);
  EXPECT_EQ(parsed.at("thread_count"), 1);
  const nlohmann::json& group = parsed.at("groups").at(0);
  EXPECT_EQ(group.at("threads").at(0).at("tid"), report.groups()[0].threads[0].id.tid);
  EXPECT_EQ(group.at("state"), "condition_variable wait");
  EXPECT_TRUE(group.at("stack").at("available").get<bool>());
  EXPECT_FALSE(group.at("stack").at("frames").empty());
  EXPECT_EQ(group.at("created_by").at("origin"), "pthread_create");
  EXPECT_EQ(group.at("created_by").at("test"), "LeakJson.Parses");
}

TEST(LeakJson, EmptyReportHasNoGroups) {
  const nlohmann::json parsed = nlohmann::json::parse(weft::leak_report().json());
  EXPECT_EQ(parsed.at("thread_count"), 0);
  EXPECT_TRUE(parsed.at("groups").empty());
}

}  // namespace
