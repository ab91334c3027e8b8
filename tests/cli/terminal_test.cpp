// What `weft test` shows on a terminal (a progress bar redrawn in place over the whole suite) and in CI
// (plain lines, no terminal control sequences). script(1) gives the command a pseudo-terminal.
#include <gtest/gtest.h>

#include <string>

#include "support/run_program.hpp"

namespace {

using weft_test::run_program;

const std::string weft = WEFT_COMMAND;
const std::string redraw = "\r\033[K[";

TEST(WeftTestOutput, DrawsAProgressBarOnATerminal) {
  const std::string command = weft + " test -n 200 --jobs 2 -- " + GTEST_BUG_SUITE;
  const auto on_terminal = run_program("script -qefc '" + command + "' /dev/null");
  EXPECT_EQ(on_terminal.exit_code, 1) << on_terminal.output;
  const std::size_t bar = on_terminal.output.find(redraw);
  ASSERT_NE(bar, std::string::npos) << on_terminal.output;
  const std::string drawn = on_terminal.output.substr(bar, on_terminal.output.find('\r', bar + 1) - bar);
  EXPECT_NE(drawn.find("/13 tests, "), std::string::npos) << drawn;
  EXPECT_NE(drawn.find(" failing, "), std::string::npos) << drawn;
  EXPECT_NE(drawn.find(" schedules/s, ETA "), std::string::npos) << drawn;
  // Each test's line replaces the bar and the bar comes back under it.
  EXPECT_NE(on_terminal.output.find("weft test: fail Bugs.AbbaDeadlock (deadlock)"), std::string::npos)
      << on_terminal.output;

  const auto in_a_pipe = run_program(command);
  EXPECT_EQ(in_a_pipe.exit_code, 1) << in_a_pipe.output;
  EXPECT_EQ(in_a_pipe.output.find("\033["), std::string::npos) << in_a_pipe.output;
  EXPECT_NE(in_a_pipe.output.find("weft test: fail Bugs.AbbaDeadlock (deadlock)"), std::string::npos)
      << in_a_pipe.output;
}

}  // namespace
