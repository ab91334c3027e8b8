// The census counts live threads and tasks by creation site, with their states, ages and counters.
#include "weft/census.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "census/parked_threads.hpp"
#include "weft/tasks.hpp"

namespace {

using weft_test::parked_threads;

// Two creation sites: each function below is the creator of the threads it starts.
WEFT_TEST_SITE void park_at_first_site(parked_threads& threads, int count) {
  for (int i = 0; i < count; ++i) threads.adopt(std::thread(threads.waiter()));
}
WEFT_TEST_SITE void park_at_second_site(parked_threads& threads, int count) {
  for (int i = 0; i < count; ++i) threads.adopt(std::thread(threads.waiter()));
}

const weft::census_thread_site* site_named(const weft::census_report& report, const std::string& function) {
  for (const weft::census_thread_site& site : report.thread_sites) {
    if (site.site.find(function) != std::string::npos) return &site;
  }
  return nullptr;
}

const weft::census_task_site* task_site_named(const weft::census_report& report,
                                              const std::string& function) {
  for (const weft::census_task_site& site : report.task_sites) {
    if (site.site.find(function) != std::string::npos) return &site;
  }
  return nullptr;
}

TEST(Census, CountsParkedThreadsBySiteWithStatesAndAges) {
  const auto test_start = std::chrono::steady_clock::now();
  parked_threads first;
  parked_threads second;
  park_at_first_site(first, 3);
  park_at_second_site(second, 2);

  const weft::census_report report = weft::census();
  const weft::census_thread_site* a = site_named(report, "park_at_first_site");
  const weft::census_thread_site* b = site_named(report, "park_at_second_site");
  ASSERT_NE(a, nullptr) << report.text();
  ASSERT_NE(b, nullptr) << report.text();
  EXPECT_NE(a, b);
  EXPECT_EQ(a->live, 3u);
  EXPECT_EQ(b->live, 2u);
  EXPECT_EQ(a->created_total, 3u);
  EXPECT_EQ(a->exited_total, 0u);
  // Parked on a condition variable: the kernel says sleeping for every one.
  EXPECT_EQ(a->states, (std::map<std::string, std::size_t>{{"sleeping", 3}})) << report.text();
  EXPECT_EQ(b->states, (std::map<std::string, std::size_t>{{"sleeping", 2}})) << report.text();
  EXPECT_EQ(a->tids.size(), 3u);
  EXPECT_TRUE(std::is_sorted(a->tids.begin(), a->tids.end()));
  // The first site's threads started first; no thread is older than the test (plus one clock tick of
  // /proc's start time rounding).
  EXPECT_GE(a->oldest_age, b->oldest_age);
  EXPECT_LE(a->oldest_age, std::chrono::steady_clock::now() - test_start + std::chrono::milliseconds(20));
  EXPECT_EQ(a->created.how, weft::creation_record::origin::pthread_create);
  ASSERT_FALSE(a->created.stack.frames.empty());
  EXPECT_NE(a->created.creator.function.find("park_at_first_site"), std::string::npos);
  // No stacks unless asked.
  EXPECT_TRUE(a->stacks.empty());
  // The main thread was alive before any pthread_create weft saw.
  EXPECT_GE(report.thread_count, 6u);
}

TEST(Census, ExitedThreadsLeaveOnlyTheirCounters) {
  parked_threads first;
  park_at_first_site(first, 3);
  const std::uint64_t exited_before = weft::census().threads_exited_total;
  first.release();

  const weft::census_report report = weft::census();
  const weft::census_thread_site* a = site_named(report, "park_at_first_site");
  ASSERT_NE(a, nullptr) << report.text();
  EXPECT_EQ(a->live, 0u);
  EXPECT_TRUE(a->states.empty());
  EXPECT_EQ(a->created_total, 3u);
  EXPECT_EQ(a->exited_total, 3u);
  EXPECT_EQ(report.threads_exited_total, exited_before + 3);
  EXPECT_EQ(site_named(report, "park_at_second_site"), nullptr);
}

TEST(Census, StacksWhenAskedAreGroupedAsInLeakReports) {
  parked_threads first;
  park_at_first_site(first, 2);
  const weft::census_report report = weft::census({.stacks = true});
  const weft::census_thread_site* a = site_named(report, "park_at_first_site");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->stacks.size(), 1u) << report.text();
  EXPECT_EQ(a->stacks.front().threads.size(), 2u);
  EXPECT_EQ(a->stacks.front().threads.front().state, "condition_variable wait");
  const std::string text = report.text();
  EXPECT_NE(text.find("2 threads like Thread"), std::string::npos) << text;
  EXPECT_NE(text.find("condition_variable wait"), std::string::npos) << text;
}

WEFT_TEST_SITE weft::task_id register_at_first_site(const char* name) {
  const weft::task_id id = weft::register_task(name);
  asm volatile("" : : "r"(id) : "memory");  // not a tail call: this function stays on the stack
  return id;
}
WEFT_TEST_SITE weft::task_id register_at_second_site(const char* name) {
  const weft::task_id id = weft::register_task(name);
  asm volatile("" : : "r"(id) : "memory");  // not a tail call: this function stays on the stack
  return id;
}

TEST(Census, CountsTasksBySiteAndState) {
  const weft::task_id one = register_at_first_site("job");
  const weft::task_id two = register_at_first_site("job");
  const weft::task_id three = register_at_second_site("other job");
  weft::mark_running(two);

  weft::census_report report = weft::census();
  const weft::census_task_site* a = task_site_named(report, "register_at_first_site");
  const weft::census_task_site* b = task_site_named(report, "register_at_second_site");
  ASSERT_NE(a, nullptr) << report.text();
  ASSERT_NE(b, nullptr) << report.text();
  EXPECT_EQ(a->live, 2u);
  EXPECT_EQ(a->states, (std::map<std::string, std::size_t>{{"created", 1}, {"running", 1}}));
  EXPECT_EQ(a->ids, (std::vector<std::uint64_t>{one, two}));
  EXPECT_EQ(b->live, 1u);
  // The first site's tasks were registered first.
  EXPECT_GE(a->oldest_age, b->oldest_age);
  EXPECT_GT(a->oldest_age, std::chrono::nanoseconds(0));
  EXPECT_EQ(report.task_count, 3u);

  weft::unregister_task(one);
  weft::unregister_task(two);
  weft::unregister_task(three);
  report = weft::census();
  EXPECT_EQ(report.task_count, 0u);
  EXPECT_TRUE(report.task_sites.empty());
}

TEST(Census, JsonCarriesSitesCountsAndCreationStacks) {
  parked_threads first;
  park_at_first_site(first, 2);
  const nlohmann::json document = nlohmann::json::parse(weft::census().json());
  EXPECT_EQ(document["schema"], "weft.census");
  EXPECT_EQ(document["version"], 1);
  bool found = false;
  for (const nlohmann::json& site : document["thread_sites"]) {
    if (site["site"].get<std::string>().find("park_at_first_site") == std::string::npos) continue;
    found = true;
    EXPECT_EQ(site["count"], 2);
    EXPECT_EQ(site["states"]["sleeping"], 2);
    EXPECT_EQ(site["created_total"], 2);
    EXPECT_EQ(site["created_by"]["origin"], "pthread_create");
    EXPECT_TRUE(site["created_by"]["stack"]["available"].get<bool>());
  }
  EXPECT_TRUE(found);
}

}  // namespace
