// verify_main turns a clean exit into a failure when a thread leaked, and changes nothing else.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace {

struct run_result {
  int exit_code;
  std::string stderr_text;
};

run_result run_probe(const std::string& mode, int exit_code) {
  const std::string command = std::string(WEFT_VERIFY_MAIN_PROBE) + " " + mode + " " + std::to_string(exit_code) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  std::size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(VerifyMain, CleanRunKeepsExitCodeZero) { EXPECT_EQ(run_probe("clean", 0).exit_code, 0); }

TEST(VerifyMain, LeakTurnsZeroIntoOneAndPrintsTheReport) {
  run_result result = run_probe("leak", 0);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.stderr_text.find("weft: found 1 unexpected thread:"), std::string::npos) << result.stderr_text;
}

TEST(VerifyMain, LeakKeepsAnExistingFailureCode) { EXPECT_EQ(run_probe("leak", 3).exit_code, 3); }

TEST(VerifyMain, CleanRunKeepsAnExistingFailureCode) { EXPECT_EQ(run_probe("clean", 5).exit_code, 5); }

}  // namespace
