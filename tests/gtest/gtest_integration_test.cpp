// weft::gtest_main on a suite with known verdicts: exactly the leaking tests fail, in the console, in
// the XML report and in the exit code, whatever the order, repetition or sharding.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "support/run_program.hpp"

namespace {

using weft_test::count_of;
using weft_test::run_program;

const std::string suite = WEFT_LEAKY_SUITE;
const std::set<std::string> leaking_tests = {"Pool.LeaksWorker", "Pool.LeaksDetachedSleeper",
                                             "Blame.LeaksThreadThatOutlivesIt",
                                             "Leak/Params.LeaksWhenAsked/1"};

// Names of the tests gtest's summary lists as failed ("[  FAILED  ] Suite.Name" lines without timing).
std::set<std::string> failed_tests(const std::string& output) {
  std::set<std::string> failed;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    const std::string marker = "[  FAILED  ] ";
    if (line.rfind(marker, 0) != 0) continue;
    std::string name = line.substr(marker.size());
    if (name.find(' ') != std::string::npos || name.find(',') != std::string::npos) {
      name = name.substr(0, name.find_first_of(" ,"));
    }
    if (name.find('.') != std::string::npos) failed.insert(name);
  }
  return failed;
}

// How many per-test "[  FAILED  ] <test> ... (N ms)" lines the output has; the summary lines without
// a time are left out. Parameterized tests print ", where GetParam() = ..." before the time.
std::size_t verdict_lines(const std::string& output, const std::string& test) {
  std::size_t count = 0;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    const std::string start = "[  FAILED  ] " + test;
    if (line.rfind(start, 0) == 0 && line.size() > start.size() &&
        (line[start.size()] == ' ' || line[start.size()] == ',') && line.ends_with(" ms)")) {
      ++count;
    }
  }
  return count;
}

TEST(GtestIntegration, FailsExactlyTheLeakingTests) {
  weft_test::program_run run = run_program(suite);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(failed_tests(run.output), leaking_tests) << run.output;
  EXPECT_NE(run.output.find("[       OK ] JoiningFixture.JoinsInTearDown"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("[       OK ] Blame.LaterTestIsNotBlamed"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("[       OK ] Death.DiesInChild"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("[       OK ] OptOut.LeaksOnPurpose"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("[       OK ] Typed/1.JoinsItsThread"), std::string::npos) << run.output;
}

TEST(GtestIntegration, BlamesTheTestThatCreatedTheThreadInItsFailure) {
  weft_test::program_run run = run_program(suite + " --gtest_filter='Blame.*'");
  EXPECT_EQ(failed_tests(run.output), std::set<std::string>{"Blame.LeaksThreadThatOutlivesIt"}) << run.output;
  EXPECT_NE(run.output.find("in test Blame.LeaksThreadThatOutlivesIt"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("weft: found 1 unexpected thread:"), std::string::npos) << run.output;
}

TEST(GtestIntegration, FailureEndsWithAnIgnoreRuleThatPassesTheTestWhenPasted) {
  const weft_test::program_run run = run_program(suite + " --gtest_filter=Pool.LeaksWorker");
  ASSERT_EQ(run.exit_code, 1) << run.output;
  // The failure message's last line, just before gtest's verdict.
  const std::size_t verdict = run.output.find("\n\n[  FAILED  ] Pool.LeaksWorker");
  ASSERT_NE(verdict, std::string::npos) << run.output;
  const std::size_t line_start = run.output.rfind('\n', verdict - 1) + 1;
  const std::string last_line = run.output.substr(line_start, verdict - line_start);
  ASSERT_TRUE(last_line.starts_with("  WEFT_IGNORE='created_by:")) << run.output;

  const weft_test::program_run pasted =
      run_program(last_line + " " + suite + " --gtest_filter=Pool.LeaksWorker");
  EXPECT_EQ(pasted.exit_code, 0) << last_line << "\n" << pasted.output;
  EXPECT_EQ(pasted.output.find("weft: found"), std::string::npos) << pasted.output;
}

TEST(GtestIntegration, XmlReportAgreesWithTheConsole) {
  const std::string xml_path = testing::TempDir() + "weft_gtest_report.xml";
  weft_test::program_run run = run_program(suite + " --gtest_output=xml:" + xml_path);
  EXPECT_EQ(run.exit_code, 1);
  std::ifstream file(xml_path);
  std::stringstream xml;
  xml << file.rdbuf();
  const std::string text = xml.str();
  ASSERT_FALSE(text.empty()) << "no XML written at " << xml_path;
  // Each <testcase ...> element, and whether a <failure> follows before the next testcase.
  std::set<std::string> failed;
  for (std::size_t at = text.find("<testcase "); at != std::string::npos;) {
    const std::size_t next = text.find("<testcase ", at + 1);
    const std::string element = text.substr(at, next == std::string::npos ? std::string::npos : next - at);
    auto attribute = [&](const std::string& name) {
      const std::size_t start = element.find(" " + name + "=\"") + name.size() + 3;
      return element.substr(start, element.find('"', start) - start);
    };
    if (element.find("<failure") != std::string::npos)
      failed.insert(attribute("classname") + "." + attribute("name"));
    at = next;
  }
  EXPECT_EQ(failed, leaking_tests) << text;
  EXPECT_NE(text.find("weft: found 1 unexpected thread"), std::string::npos);
  std::remove(xml_path.c_str());
}

TEST(GtestIntegration, RepeatedAndShuffledRunsGiveTheSameVerdicts) {
  weft_test::program_run run = run_program(suite + " --gtest_repeat=3 --gtest_shuffle --gtest_random_seed=7");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(failed_tests(run.output), leaking_tests) << run.output;
  for (const std::string& test : leaking_tests) EXPECT_EQ(verdict_lines(run.output, test), 3u) << test;
  EXPECT_EQ(count_of(run.output, "[       OK ] Blame.LaterTestIsNotBlamed ("), 3u) << run.output;
}

TEST(GtestIntegration, ShardsTogetherFailTheSameTests) {
  std::set<std::string> failed;
  for (int shard = 0; shard < 2; ++shard) {
    weft_test::program_run run =
        run_program("GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=" + std::to_string(shard) + " " + suite);
    const std::set<std::string> in_shard = failed_tests(run.output);
    failed.insert(in_shard.begin(), in_shard.end());
  }
  EXPECT_EQ(failed, leaking_tests);
}

TEST(GtestIntegration, ThreadsafeDeathTestChildDoesNotCheck) {
  weft_test::program_run run =
      run_program(suite + " --gtest_filter='Death.*' --gtest_death_test_style=threadsafe");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("weft:"), std::string::npos) << run.output;
}

TEST(GtestIntegration, WarnModePrintsTheReportButPasses) {
  weft_test::program_run run = run_program("WEFT_LEAKS=warn " + suite);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(failed_tests(run.output).empty()) << run.output;
  EXPECT_NE(run.output.find("weft: warning (WEFT_LEAKS=warn), test Pool.LeaksWorker leaked"),
            std::string::npos)
      << run.output;
}

TEST(GtestIntegration, OffModeChecksNothing) {
  weft_test::program_run run = run_program("WEFT_LEAKS=off " + suite + " --gtest_filter='-Macros.*'");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("weft:"), std::string::npos) << run.output;
}

TEST(GtestIntegration, MalformedWeftLeaksIsAClearError) {
  weft_test::program_run run = run_program("WEFT_LEAKS=sometimes " + suite);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("WEFT_LEAKS must be fail, warn or off; got \"sometimes\""), std::string::npos)
      << run.output;
}

TEST(GtestIntegration, MalformedWeftSignalIsRefusedBeforeTheFirstTest) {
  weft_test::program_run run = run_program("WEFT_SIGNAL=abc " + suite);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("weft: WEFT_SIGNAL must be a real-time signal number"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("got \"abc\""), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
}

TEST(GtestIntegration, ACheckThatCannotRunFailsItsTestSayingWhyAndTheRunGoesOn) {
  weft_test::program_run run =
      run_program(suite + " --gtest_also_run_disabled_tests --gtest_filter='Environment.*:JoiningFixture.*'");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(failed_tests(run.output), std::set<std::string>{"Environment.DISABLED_BreaksWeftIgnoreAndLeaks"})
      << run.output;
  EXPECT_NE(run.output.find("weft: could not check test Environment.DISABLED_BreaksWeftIgnoreAndLeaks for "
                            "leaked threads: weft: WEFT_IGNORE entry 1 \"bogus\""),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("[       OK ] Environment.DISABLED_MendsWeftIgnore"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("[       OK ] JoiningFixture.JoinsInTearDown"), std::string::npos) << run.output;
}

}  // namespace

namespace {

TEST(GtestIntegration, AssertionInsideExploredTestFailsWithTheReplayLine) {
  weft_test::program_run run = run_program(WEFT_SCHEDULES_SUITE);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("a GoogleTest assertion failed in this schedule"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("WEFT_REPLAY=w3."), std::string::npos) << run.output;
}

}  // namespace

namespace {

TEST(GtestIntegration, WholeBinaryCheckAtExitFailsTheRunAfterPassingTests) {
  weft_test::program_run run = run_program(WEFT_VERIFY_AT_EXIT_SUITE);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("[  PASSED  ] 1 test."), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("weft: found 1 unexpected thread:"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("in test AtExit.LeavesAWorkerBehind"), std::string::npos) << run.output;
}

TEST(GtestIntegration, WholeBinaryCheckRefusesAMalformedVariableBeforeTheFirstTest) {
  weft_test::program_run run = run_program("WEFT_SIGNAL=abc " + std::string(WEFT_VERIFY_AT_EXIT_SUITE));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("weft: WEFT_SIGNAL must be a real-time signal number"), std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
}

}  // namespace
