// Runs real Catch2 programs and reads what they print: which test cases weft fails, under the console
// and JUnit reporters and each WEFT_LEAKS value, and what the macros report.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_program.hpp"

namespace {

using weft_test::count_of;
using weft_test::program_run;
using weft_test::run_program;

const std::string never_stopped = "a worker that is never stopped is reported";
const std::string second_leak = "a second leaking test case fails on its own";
const std::string section_leak = "a leak in one section fails that test case once";
const std::set<std::string> leaking_test_cases = {never_stopped, second_leak, section_leak};

std::string quoted(const std::string& argument) {
  return "'" + argument + "'";
}

program_run run_leaky_suite(const std::string& environment = "", const std::string& arguments = "") {
  return run_program(environment + " " + quoted(WEFT_CATCH2_LEAKY_SUITE) + " " + arguments);
}

// Catch2's console reporter wraps messages at 80 columns, anywhere in a line; compare text without
// whitespace so that a wrap cannot hide a match.
std::string without_spaces(const std::string& text) {
  std::string out;
  std::copy_if(text.begin(), text.end(), std::back_inserter(out),
               [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
  return out;
}

bool mentions(const std::string& text, const std::string& part) {
  return without_spaces(text).find(without_spaces(part)) != std::string::npos;
}

// One failed test case as the console reporter prints it: a header naming the test case and its
// location, then the failures.
struct console_failure {
  std::string test_case;
  std::string location;  // "file:line" of the TEST_CASE
  std::string body;
};

std::vector<console_failure> console_failures(const std::string& output) {
  // Catch2 draws its rules one column short of its console width, which weft::catch2_main widens.
  auto is_rule = [](const std::string& line) {
    return line.size() >= 40 && line.find_first_not_of('-') == std::string::npos;
  };
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) lines.push_back(line);

  std::vector<console_failure> failures;
  for (std::size_t i = 0; i + 3 < lines.size(); ++i) {
    if (is_rule(lines[i]) && is_rule(lines[i + 2])) {
      failures.push_back({lines[i + 1], lines[i + 3], ""});
      i += 3;
    } else if (!failures.empty() && lines[i].rfind("=====", 0) != 0) {
      failures.back().body += lines[i] + "\n";
    }
  }
  return failures;
}

std::set<std::string> failed_names(const std::vector<console_failure>& failures) {
  std::set<std::string> names;
  for (const console_failure& failure : failures) names.insert(failure.test_case);
  return names;
}

// The JUnit reporter's <testcase name="..."> elements that hold a <failure>.
std::set<std::string> junit_failed_names(const std::string& xml) {
  std::set<std::string> names;
  for (std::size_t at = xml.find("<testcase "); at != std::string::npos;
       at = xml.find("<testcase ", at + 1)) {
    const std::size_t tag_end = xml.find('>', at);
    const std::size_t name_at = xml.find(" name=\"", at) + 7;
    const std::string name = xml.substr(name_at, xml.find('"', name_at) - name_at);
    if (xml[tag_end - 1] == '/') continue;
    const std::string children = xml.substr(tag_end, xml.find("</testcase>", tag_end) - tag_end);
    if (children.find("<failure") != std::string::npos) names.insert(name);
  }
  return names;
}

// The XML reporter's <TestCase name="..."> elements that hold a <Failure>.
std::set<std::string> xml_failed_names(const std::string& xml) {
  std::set<std::string> names;
  for (std::size_t at = xml.find("<TestCase "); at != std::string::npos;
       at = xml.find("<TestCase ", at + 1)) {
    const std::size_t name_at = xml.find(" name=\"", at) + 7;
    const std::string name = xml.substr(name_at, xml.find('"', name_at) - name_at);
    const std::string children = xml.substr(at, xml.find("</TestCase>", at) - at);
    if (children.find("<Failure") != std::string::npos) names.insert(name);
  }
  return names;
}

TEST(Catch2LeakListener, FailsExactlyTheTestCasesThatLeakInConsoleOutput) {
  const program_run run = run_leaky_suite();
  EXPECT_EQ(run.exit_code, 3) << run.output;  // Catch2 exits with the number of failed assertions
  EXPECT_EQ(failed_names(console_failures(run.output)), leaking_test_cases) << run.output;
  EXPECT_TRUE(mentions(run.output, "test cases: 8 | 5 passed | 3 failed")) << run.output;
}

TEST(Catch2LeakListener, NamesTheLeakingTestCaseAsItsThreadsCreator) {
  const program_run run = run_leaky_suite();
  for (const console_failure& failure : console_failures(run.output)) {
    EXPECT_TRUE(mentions(failure.body, "in test " + failure.test_case)) << failure.body;
  }
}

TEST(Catch2LeakListener, ReportsOnlyTheThreadsEachTestCaseLeaked) {
  const program_run run = run_leaky_suite();
  const std::vector<console_failure> failures = console_failures(run.output);
  ASSERT_EQ(failures.size(), 3u) << run.output;
  EXPECT_TRUE(mentions(failures[0].body, "\"never-stopped\"")) << failures[0].body;
  EXPECT_TRUE(mentions(failures[1].body, "\"second-leak\"")) << failures[1].body;
  EXPECT_FALSE(mentions(failures[1].body, "never-stopped")) << failures[1].body;
  EXPECT_TRUE(mentions(failures[2].body, "\"section-leak\"")) << failures[2].body;
  for (const console_failure& failure : failures) {
    EXPECT_EQ(count_of(failure.body, "weft: found 1 unexpected thread:"), 1u) << failure.body;
  }
}

TEST(Catch2LeakListener, FailureEndsWithAnIgnoreRuleThatPassesTheSuiteWhenPasted) {
  const program_run run = run_leaky_suite();
  const std::vector<console_failure> failures = console_failures(run.output);
  ASSERT_EQ(failures.size(), 3u) << run.output;
  // Every leak of the suite is a parked_thread; the console wraps lines, so read without spaces.
  const std::string rule = "WEFT_IGNORE='created_by:weft_test::parked_thread::parked_thread'";
  for (const console_failure& failure : failures) {
    EXPECT_TRUE(without_spaces(failure.body).ends_with(rule)) << failure.body;
  }
  const program_run pasted = run_leaky_suite(rule);
  EXPECT_EQ(pasted.exit_code, 0) << pasted.output;
  EXPECT_TRUE(mentions(pasted.output, "All tests passed")) << pasted.output;
}

TEST(Catch2LeakListener, LocatesTheFailureAtTheTestCaseLine) {
  const program_run run = run_leaky_suite();
  for (const console_failure& failure : console_failures(run.output)) {
    EXPECT_TRUE(mentions(failure.body, failure.location + ": FAILED:")) << failure.body;
  }
}

TEST(Catch2LeakListener, FailsExactlyTheTestCasesThatLeakInJUnitOutput) {
  const program_run run = run_leaky_suite("", "-r junit");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  // The section's failure belongs to its test case, not to ".../leaks its worker".
  EXPECT_EQ(junit_failed_names(run.output), leaking_test_cases) << run.output;
  EXPECT_NE(run.output.find("failures=\"3\""), std::string::npos) << run.output;
}

TEST(Catch2LeakListener, FailsExactlyTheTestCasesThatLeakInXmlOutput) {
  const program_run run = run_leaky_suite("", "-r xml");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_EQ(xml_failed_names(run.output), leaking_test_cases) << run.output;
}

TEST(Catch2LeakListener, DoesNotCheckATestCaseTaggedAllowLeaks) {
  const program_run run = run_leaky_suite("", quoted("a test case tagged allow_leaks may leak"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("weft"), std::string::npos) << run.output;
}

TEST(Catch2LeakListener, WarnPrintsEachReportAndPasses) {
  const program_run run = run_leaky_suite("WEFT_LEAKS=warn");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("All tests passed"), std::string::npos) << run.output;
  EXPECT_EQ(count_of(run.output, "weft: warning (WEFT_LEAKS=warn)"), 3u) << run.output;
  for (const std::string& name : leaking_test_cases) {
    EXPECT_NE(run.output.find("test case \"" + name + "\" leaked:\nweft: found 1 unexpected thread:"),
              std::string::npos)
        << name << "\n"
        << run.output;
  }
}

TEST(Catch2LeakListener, OffPrintsNothingFromWeftAndPasses) {
  const program_run run = run_leaky_suite("WEFT_LEAKS=off");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("All tests passed"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("weft"), std::string::npos) << run.output;
}

TEST(Catch2LeakListener, RefusesAnUnknownWeftLeaksValueBeforeAnyTestCase) {
  // Registered by the header alone: the listener throws and Catch2 prints why.
  const program_run run = run_program("WEFT_LEAKS=bogus " + quoted(WEFT_CATCH2_HEADER_ONCE));
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("weft: WEFT_LEAKS must be fail, warn or off; got \"bogus\""), std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find("test cases"), std::string::npos) << run.output;
}

TEST(Catch2Main, ExitsWithTwoOnAnUnknownWeftLeaksValue) {
  const program_run run = run_leaky_suite("WEFT_LEAKS=bogus");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("weft: WEFT_LEAKS must be fail, warn or off; got \"bogus\""), std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find("test cases"), std::string::npos) << run.output;
}

TEST(Catch2LeakListener, RefusesAMalformedWeftSignalBeforeAnyTestCase) {
  const program_run run = run_program("WEFT_SIGNAL=abc " + quoted(WEFT_CATCH2_HEADER_ONCE));
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("weft: WEFT_SIGNAL must be a real-time signal number"), std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find("test cases"), std::string::npos) << run.output;
}

TEST(Catch2Main, ExitsWithTwoOnAMalformedWeftSignal) {
  const program_run run = run_leaky_suite("WEFT_SIGNAL=abc");
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("weft: WEFT_SIGNAL must be a real-time signal number"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("got \"abc\""), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("test cases"), std::string::npos) << run.output;
}

TEST(Catch2Registration, IncludingTheHeaderInOneFileRegistersTheListener) {
  const program_run run = run_program(quoted(WEFT_CATCH2_HEADER_ONCE));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(failed_names(console_failures(run.output)),
            std::set<std::string>{"a leak in a file that includes the header is reported"})
      << run.output;
  EXPECT_EQ(count_of(run.output, "weft: found 1 unexpected thread:"), 1u) << run.output;
}

TEST(Catch2Registration, IncludingTheHeaderInTwoFilesReportsALeakOnce) {
  const program_run run = run_program(quoted(WEFT_CATCH2_HEADER_TWICE));
  EXPECT_EQ(run.exit_code, 1) << run.output;  // two listeners would fail two assertions
  EXPECT_EQ(failed_names(console_failures(run.output)),
            std::set<std::string>{"a leak in a file that includes the header is reported"})
      << run.output;
  EXPECT_EQ(count_of(run.output, "weft: found 1 unexpected thread:"), 1u) << run.output;
  EXPECT_TRUE(mentions(run.output, "test cases: 2 | 1 passed | 1 failed")) << run.output;
}

program_run run_macro_case(const std::string& test_case, const std::string& arguments = "") {
  return run_program(quoted(WEFT_CATCH2_MACROS) + " " + quoted(test_case) + " " + arguments);
}

TEST(Catch2Macros, CheckNoLeaksReportsALeakAndTheTestCaseGoesOn) {
  const program_run run = run_macro_case("WEFT_CHECK_NO_LEAKS reports a leak and the test case goes on");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(count_of(run.output, "weft: found 1 unexpected thread:"), 1u) << run.output;
  EXPECT_TRUE(mentions(run.output, "\"checked-leak\"")) << run.output;
  EXPECT_NE(run.output.find("marker: still running after WEFT_CHECK_NO_LEAKS"), std::string::npos)
      << run.output;
}

TEST(Catch2Macros, RequireNoLeaksReportsALeakAndEndsTheTestCase) {
  const program_run run = run_macro_case("WEFT_REQUIRE_NO_LEAKS reports a leak and ends the test case");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(count_of(run.output, "weft: found 1 unexpected thread:"), 1u) << run.output;
  EXPECT_TRUE(mentions(run.output, "\"required-leak\"")) << run.output;
  EXPECT_EQ(run.output.find("marker: still running"), std::string::npos) << run.output;
}

TEST(Catch2Macros, PassWithoutALeakAsOneAssertionEach) {
  const program_run run = run_macro_case("the macros pass when every thread was joined");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("All tests passed (3 assertions in 1 test case)"), std::string::npos)
      << run.output;
}

TEST(Catch2Macros, CheckSchedulesPassesWhenEveryScheduleDoes) {
  const program_run run = run_macro_case("WEFT_CHECK_SCHEDULES passes when every schedule does");
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST(Catch2Macros, CheckSchedulesFailsWithTheReplayLine) {
  const program_run run = run_macro_case("WEFT_CHECK_SCHEDULES fails with the replay line on a lost update");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("weft: check failed: lost update"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("WEFT_REPLAY=w3."), std::string::npos) << run.output;
}

}  // namespace
