// The census in Prometheus's text format: the four metrics, escaped labels and a bounded number of
// site labels. promtool checks the format itself (check_metrics.cmake).
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "census/parked_threads.hpp"
#include "weft/census.hpp"

namespace {

weft::census_thread_site created_site(const std::string& name, std::uint64_t created, std::size_t live) {
  weft::census_thread_site site;
  site.site = name;
  site.created.how = weft::creation_record::origin::pthread_create;
  site.created_total = created;
  site.exited_total = created - live;
  site.live = live;
  if (live > 0) site.states["sleeping"] = live;
  return site;
}

// The distinct values of the site label in the lines of one metric.
std::set<std::string> sites_of(const std::string& text, const std::string& metric) {
  std::set<std::string> sites;
  std::size_t at = 0;
  const std::string start = metric + "{site=\"";
  while ((at = text.find("\n" + start, at)) != std::string::npos) {
    at += start.size() + 1;
    sites.insert(text.substr(at, text.find('"', at) - at));
  }
  return sites;
}

TEST(CensusPrometheus, NamesTheSitesThatCreatedMostAndSumsTheRestAsOther) {
  weft::census_report report;
  report.thread_sites = {created_site("a()", 50, 1), created_site("b()", 40, 2), created_site("c()", 30, 3),
                         created_site("d()", 20, 4), created_site("e()", 10, 5)};
  report.threads_exited_total = 135;
  const std::string text = weft::census_prometheus(report, 2);
  EXPECT_EQ(sites_of(text, "weft_threads_created_total"), (std::set<std::string>{"a()", "b()", "other"}))
      << text;
  EXPECT_EQ(sites_of(text, "weft_threads"), (std::set<std::string>{"a()", "b()", "other"})) << text;
  EXPECT_NE(text.find("weft_threads{site=\"other\",state=\"sleeping\"} 12\n"), std::string::npos) << text;
  EXPECT_NE(text.find("weft_threads_created_total{site=\"other\"} 60\n"), std::string::npos) << text;
  EXPECT_NE(text.find("weft_threads_exited_total 135\n"), std::string::npos) << text;
}

TEST(CensusPrometheus, FewSitesNeedNoOther) {
  weft::census_report report;
  report.thread_sites = {created_site("a()", 5, 1), created_site("b()", 4, 0)};
  const std::string text = weft::census_prometheus(report, 2);
  EXPECT_EQ(sites_of(text, "weft_threads_created_total"), (std::set<std::string>{"a()", "b()"})) << text;
  // A site whose threads all exited keeps its counter and has no gauge line.
  EXPECT_EQ(sites_of(text, "weft_threads"), (std::set<std::string>{"a()"})) << text;
}

TEST(CensusPrometheus, TasksPastTheLimitAreOther) {
  weft::census_report report;
  for (const char* name : {"t1()", "t2()", "t3()"}) {
    weft::census_task_site& site = report.task_sites.emplace_back();
    site.site = name;
    site.live = 1;
    site.states["suspended"] = 1;
  }
  const std::string text = weft::census_prometheus(report, 1);
  EXPECT_EQ(sites_of(text, "weft_tasks"), (std::set<std::string>{"t1()", "other"})) << text;
  EXPECT_NE(text.find("weft_tasks{site=\"other\",state=\"suspended\"} 2\n"), std::string::npos) << text;
}

TEST(CensusPrometheus, EscapesQuotesBackslashesAndLineFeedsInSiteNames) {
  weft::census_report report;
  report.thread_sites = {created_site("f<\"x\\y\">\nz", 1, 1)};
  const std::string text = weft::census_prometheus(report);
  EXPECT_NE(text.find("site=\"f<\\\"x\\\\y\\\">\\nz\""), std::string::npos) << text;
}

TEST(CensusPrometheus, RefusesZeroSites) {
  EXPECT_THROW((void)weft::census_prometheus(weft::census_report{}, 0), std::invalid_argument);
  EXPECT_THROW((void)weft::census_prometheus(0), std::invalid_argument);
}

WEFT_TEST_SITE void park_for_metrics(weft_test::parked_threads& threads) {
  threads.adopt(std::thread(threads.waiter()));
}

TEST(CensusPrometheus, CountsThisProcesssThreads) {
  weft_test::parked_threads threads;
  park_for_metrics(threads);
  const std::string text = weft::census_prometheus();
  EXPECT_NE(text.find("# TYPE weft_threads gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE weft_threads_created_total counter\n"), std::string::npos);
  const std::size_t line = text.find("::park_for_metrics(weft_test::parked_threads&) at ");
  ASSERT_NE(line, std::string::npos) << text;
  EXPECT_NE(text.find(",state=\"sleeping\"} 1\n", line), std::string::npos) << text;
}

}  // namespace
