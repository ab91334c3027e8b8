// Which signal stack capture takes, and how it installs its handler. Each case runs in a fresh
// process (a "threadsafe" death test re-executes the binary), since the choice is made once.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "platform/threads.hpp"
#include "weft/options.hpp"

namespace weft::platform {
namespace {

void ignore_signal(int) {}

// Runs `check` in a fresh process; the test passes when it exits 0. A failure prints why on stderr.
template <typename Check>
void expect_in_fresh_process(Check check) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::exit(check() ? 0 : 1), ::testing::ExitedWithCode(0), "");
}

TEST(StackSignal, TakesSixAboveSigrtminWhenNothingHandlesIt) {
  expect_in_fresh_process([] {
    ::unsetenv("WEFT_SIGNAL");
    return stack_signal() == SIGRTMIN + 6;
  });
}

TEST(StackSignal, SkipsRealtimeSignalsThatAlreadyHaveAHandler) {
  expect_in_fresh_process([] {
    ::unsetenv("WEFT_SIGNAL");
    ::signal(SIGRTMIN + 6, ignore_signal);
    return stack_signal() == SIGRTMIN + 7;
  });
}

// Deferring: a request that reaches a thread still in the handler for the previous capture must wait
// for it to return, or the thread's stack would be captured from inside weft's handler.
TEST(StackSignal, InstallsADeferringSiginfoHandlerThatRestartsCallsOnTheThreadsOwnStack) {
  expect_in_fresh_process([] {
    struct sigaction installed {};
    ::sigaction(stack_signal(), nullptr, &installed);
    const int flags = installed.sa_flags;
    return (flags & SA_SIGINFO) && (flags & SA_RESTART) && !(flags & SA_NODEFER) && !(flags & SA_ONSTACK);
  });
}

TEST(StackSignal, UsesTheSignalNamedByWeftSignal) {
  expect_in_fresh_process([] {
    const int wanted = SIGRTMAX - 1;
    ::setenv("WEFT_SIGNAL", std::to_string(wanted).c_str(), 1);
    const int self[] = {current_tid()};
    return stack_signal() == wanted && !capture_stacks(self, std::chrono::seconds(1))[0].pcs.empty();
  });
}

// Exits 0 when stack_signal refuses `value` with a config_error, as every malformed WEFT_* variable
// is refused, whose message names WEFT_SIGNAL and quotes the value.
bool refuses(const char* value) {
  ::setenv("WEFT_SIGNAL", value, 1);
  try {
    (void)stack_signal();
  } catch (const config_error& error) {
    const std::string message = error.what();
    std::fprintf(stderr, "%s\n", error.what());
    return message.find("WEFT_SIGNAL") != std::string::npos &&
           message.find("\"" + std::string(value) + "\"") != std::string::npos;
  }
  return false;
}

TEST(StackSignal, RefusesWeftSignalThatIsNotANumber) {
  expect_in_fresh_process([] { return refuses("banana"); });
}

TEST(StackSignal, RefusesWeftSignalBelowTheRealtimeRange) {
  expect_in_fresh_process([] { return refuses("10"); });
}

TEST(StackSignal, RefusesWeftSignalAboveTheRealtimeRange) {
  expect_in_fresh_process([] { return refuses(std::to_string(SIGRTMAX + 1).c_str()); });
}

TEST(StackSignal, RefusesEmptyWeftSignal) {
  expect_in_fresh_process([] { return refuses(""); });
}

}  // namespace
}  // namespace weft::platform
