// The human leak report against approved texts in approved/. When a text changes on purpose, the
// failing test writes the new one under the build's tests/report/received/: read it, and copy it over
// the approved file if it is right.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sample_threads.hpp"
#include "weft/leaks.hpp"

namespace {

using weft::creation_record;
using weft::leak_group;
using weft::leak_report;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void expect_approved(const std::string& name, const std::string& received) {
  const std::filesystem::path approved = std::filesystem::path(WEFT_APPROVED_DIR) / name;
  const std::string expected = read_file(approved);
  if (received == expected) return;
  const std::filesystem::path received_path = std::filesystem::path(WEFT_RECEIVED_DIR) / name;
  std::filesystem::create_directories(received_path.parent_path());
  std::ofstream(received_path, std::ios::binary) << received;
  ADD_FAILURE() << "the report differs from " << approved << "; the new text is in " << received_path
                << "\n--- approved ---\n"
                << expected << "--- received ---\n"
                << received;
}

TEST(LeakReportText, RendersOneThreadWithStackAndCreation) {
  expect_approved("one_thread.txt", report_samples::one_group({report_samples::worker(4242)}).text());
}

TEST(LeakReportText, RendersGroupOfTwoHundredThreadsOnceWithTenTids) {
  expect_approved("two_hundred_threads.txt",
                  report_samples::one_group(report_samples::pool_of(200, 4242)).text());
}

TEST(LeakReportText, ListsEveryTidOfASmallGroup) {
  const std::string text = report_samples::one_group(report_samples::pool_of(3, 10)).text();
  EXPECT_TRUE(
      text.starts_with("weft: found 3 unexpected threads:\n"
                       "3 threads (tids 10, 11, 12) \"worker\" in state condition_variable wait, "
                       "with worker_loop() on top of the stack:\n"))
      << text;
}

TEST(LeakReportText, SaysOtherNamesWhenNamesDifferInsideAGroup) {
  const std::string text =
      report_samples::one_group({report_samples::worker(10), report_samples::worker(11, "worker-2")}).text();
  EXPECT_NE(text.find("2 threads (tids 10, 11) \"worker\" and other names in state"), std::string::npos)
      << text;
}

TEST(LeakReportText, RendersUnavailableStackWithItsReasonInsteadOfFrames) {
  expect_approved("stack_unavailable.txt",
                  report_samples::one_group({report_samples::signal_blocker()}).text());
}

TEST(LeakReportText, RendersThreadsCreatedBeforeWeftAndUnseenWithoutCreationStack) {
  const leak_report report({
      leak_group{{report_samples::uncreated(31, "early", creation_record::origin::before_weft_loaded)}},
      leak_group{{report_samples::uncreated(32, "cloned", creation_record::origin::unseen)}},
  });
  expect_approved("other_origins.txt", report.text());
}

TEST(LeakReportText, RendersEveryFrameWithFullStacks) {
  expect_approved("one_thread_full_stacks.txt",
                  report_samples::one_group({report_samples::worker(4242)}).show_full_stacks().text());
}

TEST(LeakReportText, EndsWithTheIgnoreRuleOfEveryCreatorOnce) {
  weft::thread_info refresher = report_samples::worker(50, "refresher");
  refresher.created.creator = report_samples::frame(
      0x55d0c0a05000, "void (anonymous namespace)::Cache<int>::refresh<char>(int) const",
      report_samples::test_binary, 0x5000);
  refresher.created.stack.frames[1] = refresher.created.creator;
  const leak_report report({leak_group{report_samples::pool_of(2, 10)}, leak_group{{refresher}},
                            leak_group{{report_samples::worker(60, "other")}}});
  EXPECT_TRUE(report.text().ends_with(
      "\n  WEFT_IGNORE='created_by:Pool::start;created_by:(anonymous namespace)::Cache::refresh'\n"))
      << report.text();
}

TEST(LeakReportText, EscapesGlobCharactersAndQuotesInTheRule) {
  weft::thread_info thread = report_samples::worker(10);
  thread.created.creator =
      report_samples::frame(0x1000, "Grid::operator[](int)", report_samples::test_binary, 0);
  EXPECT_TRUE(
      report_samples::one_group({thread}).text().ends_with("WEFT_IGNORE='created_by:Grid::operator\\[]'\n"));
  thread.created.creator =
      report_samples::frame(0x1000, "Grid::operator Cell<'x'>()", report_samples::test_binary, 0);
  EXPECT_TRUE(report_samples::one_group({thread}).text().ends_with(
      "WEFT_IGNORE='created_by:Grid::operator Cell<'\\''x'\\''>'\n"))
      << report_samples::one_group({thread}).text();
}

TEST(LeakReportText, SuggestsNoRuleWhenNoCreatorIsKnown) {
  weft::thread_info thread = report_samples::worker(10);
  thread.created.creator = {};
  EXPECT_EQ(report_samples::one_group({thread}).text().find("WEFT_IGNORE"), std::string::npos);
  const leak_report unseen(
      {leak_group{{report_samples::uncreated(32, "cloned", creation_record::origin::unseen)}}});
  EXPECT_EQ(unseen.text().find("WEFT_IGNORE"), std::string::npos);
}

TEST(LeakReportText, RendersEmptyReportAsEmptyText) {
  EXPECT_EQ(leak_report().text(), "");
  EXPECT_EQ(leak_report().thread_count(), 0u);
}

TEST(LeakReportText, CountsThreadsOfEveryGroup) {
  const leak_report report(
      {leak_group{report_samples::pool_of(200, 4242)}, leak_group{{report_samples::signal_blocker()}}});
  EXPECT_EQ(report.thread_count(), 201u);
  EXPECT_TRUE(report.text().starts_with("weft: found 201 unexpected threads:\n"));
}

}  // namespace
