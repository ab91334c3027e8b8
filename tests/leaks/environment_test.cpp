// Every WEFT_* variable is checked when weft starts, with a config_error that names it and the value
// seen, whichever code path would have needed it first. Each case runs in its own process (ctest runs
// every test alone), so a check that passed once cannot hide a later one.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>
#include <string>
#include <weft/weft.hpp>

#include "config/check_environment.hpp"
#include "support/scoped_environment.hpp"

namespace {

struct malformed {
  const char* variable;
  const char* value;
  const char* quoted;  // how the message quotes the value
};

std::ostream& operator<<(std::ostream& out, const malformed& each) {
  return out << each.variable << "=" << each.value;
}

class MalformedVariable : public ::testing::TestWithParam<malformed> {};

TEST_P(MalformedVariable, IsRefusedByCheckEnvironmentNamingItAndTheValue) {
  const malformed& given = GetParam();
  const weft_test::scoped_environment set(given.variable, given.value);
  try {
    weft::check_environment();
    FAIL() << given << " was accepted";
  } catch (const weft::config_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(given.variable), std::string::npos) << message;
    EXPECT_NE(message.find(given.quoted), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryVariable, MalformedVariable,
                         ::testing::Values(malformed{"WEFT_LEAKS", "sometimes", "\"sometimes\""},
                                           malformed{"WEFT_IGNORE", "name:ok;topp:x", "\"topp:x\""},
                                           malformed{"WEFT_SIGNAL", "abc", "\"abc\""},
                                           malformed{"WEFT_FULL_STACKS", "yes", "\"yes\""},
                                           malformed{"WEFT_REPLAY", "not-a-schedule", "\"not-a-schedule\""},
                                           malformed{"WEFT_SEED", " -1", "\" -1\""},
                                           malformed{"WEFT_ITERATIONS", "many", "\"many\""},
                                           malformed{"WEFT_STRATEGY", "pcts", "\"pcts\""},
                                           malformed{"WEFT_RACES", "sometimes", "\"sometimes\""}),
                         [](const ::testing::TestParamInfo<malformed>& info) {
                           return std::string(info.param.variable);
                         });

TEST(Environment, EveryCheckedVariableHasACaseAboveAndIsDocumented) {
  std::ifstream file(WEFT_OPTIONS_DOC);
  std::stringstream text;
  text << file.rdbuf();
  for (std::string_view name : weft::config::checked_environment_variables()) {
    EXPECT_NE(text.str().find("| `" + std::string(name) + "` |"), std::string::npos)
        << name << " is checked but not in the environment table of docs/options.md";
  }
  EXPECT_EQ(weft::config::checked_environment_variables().size(), 9u)
      << "a variable was added to check_environment: add its malformed case above";
}

TEST(Environment, ALeakCheckRefusesAMalformedWeftSignalEvenWithNoStackToTake) {
  const weft_test::scoped_environment malformed("WEFT_SIGNAL", "abc");
  try {
    (void)weft::find_leaks();
    FAIL() << "WEFT_SIGNAL=abc was accepted by a check that found nothing";
  } catch (const weft::config_error& error) {
    EXPECT_NE(std::string(error.what()).find("WEFT_SIGNAL must be a real-time signal number"),
              std::string::npos)
        << error.what();
  }
}

TEST(Environment, VerifyMainSaysWhatIsMalformedAndFails) {
  const weft_test::scoped_environment malformed("WEFT_SIGNAL", "abc");
  testing::internal::CaptureStderr();
  const int code = weft::verify_main(0);
  const std::string printed = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 1);
  EXPECT_NE(printed.find("WEFT_SIGNAL"), std::string::npos) << printed;
}

TEST(Environment, ExploreRefusesAMalformedLeakVariableBeforeItsFirstRun) {
  const weft_test::scoped_environment malformed("WEFT_IGNORE", "bogus");
  bool ran = false;
  EXPECT_THROW((void)weft::explore([&] { ran = true; }, weft::explore_options().quiet()), weft::config_error);
  EXPECT_FALSE(ran);
}

TEST(Environment, ASnapshotRefusesAMalformedWeftSignal) {
  const weft_test::scoped_environment malformed("WEFT_SIGNAL", "99999");
  EXPECT_THROW((void)weft::take_snapshot(), weft::config_error);
}

TEST(Environment, ACheckThatPassedIsNotRepeatedButEachVariableIsStillCheckedWhereItIsUsed) {
  weft::check_environment();
  const weft_test::scoped_environment malformed("WEFT_IGNORE", "bogus");
  EXPECT_NO_THROW(weft::check_environment());
  EXPECT_THROW((void)weft::find_leaks(), weft::config_error);
}

}  // namespace
