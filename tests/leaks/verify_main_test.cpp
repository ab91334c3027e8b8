// verify_main turns a clean exit into a failure when a thread leaked, and changes nothing else.
#include <gtest/gtest.h>

#include <string>

#include "support/run_program.hpp"

namespace {

weft_test::program_run run_probe(const std::string& mode, int exit_code) {
  return weft_test::run_program(std::string(WEFT_VERIFY_MAIN_PROBE) + " " + mode + " " +
                                std::to_string(exit_code));
}

TEST(VerifyMain, CleanRunKeepsExitCodeZero) {
  EXPECT_EQ(run_probe("clean", 0).exit_code, 0);
}

TEST(VerifyMain, LeakTurnsZeroIntoOneAndPrintsTheReport) {
  weft_test::program_run result = run_probe("leak", 0);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("weft: found 1 unexpected thread:"), std::string::npos) << result.output;
}

TEST(VerifyMain, LeakKeepsAnExistingFailureCode) {
  EXPECT_EQ(run_probe("leak", 3).exit_code, 3);
}

TEST(VerifyMain, CleanRunKeepsAnExistingFailureCode) {
  EXPECT_EQ(run_probe("clean", 5).exit_code, 5);
}

}  // namespace
