// The leak report's text as a user meets it: folded stacks by default, every frame on request, and the
// ignore rule it ends with silencing the leak when pasted.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <weft/weft.hpp>

#include "blocked_threads.hpp"
#include "support/scoped_environment.hpp"

namespace library_singleton {

// A library's process-lifetime background thread, started by the library's own function; stopped
// and joined when the test is done with it.
struct background {
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  ~background() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    thread.join();
  }
};

[[gnu::noinline]] std::unique_ptr<background> start_background_thread() {
  auto started = std::make_unique<background>();
  background& state = *started;
  state.thread = std::thread([&state] {
    std::unique_lock lock(state.mutex);
    state.wake.wait(lock, [&state] { return state.stopping; });
  });
  return started;
}

}  // namespace library_singleton

namespace {

using namespace std::chrono_literals;

weft::options quick() {
  return weft::options().settle_timeout(30ms);
}

// What a user would paste: the quoted value of the report's last line, "  WEFT_IGNORE='...'".
std::string pasted_rule(const std::string& text) {
  const std::string marker = "\n  WEFT_IGNORE='";
  const std::size_t start = text.rfind(marker);
  if (start == std::string::npos || !text.ends_with("'\n")) return {};
  const std::size_t value = start + marker.size();
  return text.substr(value, text.size() - 2 - value);
}

TEST(LeakReportTextInUse, EndsWithAnIgnoreRuleThatSilencesTheLeakWhenPasted) {
  const auto background = library_singleton::start_background_thread();
  const weft::leak_report report = weft::find_leaks(quick());
  ASSERT_EQ(report.thread_count(), 1u);
  const std::string rule = pasted_rule(report.text());
  EXPECT_EQ(rule, "created_by:library_singleton::start_background_thread") << report.text();
  ASSERT_FALSE(rule.empty()) << report.text();

  const weft_test::scoped_environment ignore("WEFT_IGNORE", rule.c_str());
  const weft::leak_report after = weft::find_leaks(quick());
  EXPECT_TRUE(after.empty()) << after.text();
}

TEST(LeakReportTextInUse, TheRuleSilencesOnlyThatCreator) {
  const auto background = library_singleton::start_background_thread();
  const std::string rule = pasted_rule(weft::find_leaks(quick()).text());
  weft_test::parked_thread own_leak;
  const weft_test::scoped_environment ignore("WEFT_IGNORE", rule.c_str());
  const weft::leak_report after = weft::find_leaks(quick());
  ASSERT_EQ(after.thread_count(), 1u) << after.text();
  EXPECT_EQ(after.groups()[0].threads[0].id.tid, own_leak.tid());
}

TEST(LeakReportTextInUse, LeavesOutWeftsFramesUnlessFullStacksAreAsked) {
  weft_test::parked_thread waiter;
  const weft::leak_report folded = weft::find_leaks(quick());
  EXPECT_FALSE(folded.shows_full_stacks());
  EXPECT_EQ(folded.text().find("run_recorded_thread"), std::string::npos) << folded.text();
  EXPECT_NE(folded.text().find(" frames of "), std::string::npos) << folded.text();
  // JSON keeps every frame.
  EXPECT_NE(folded.json().find("run_recorded_thread"), std::string::npos);

  const weft::leak_report full = weft::find_leaks(weft::options(quick()).full_stacks());
  EXPECT_TRUE(full.shows_full_stacks());
  EXPECT_NE(full.text().find("run_recorded_thread"), std::string::npos) << full.text();
  EXPECT_EQ(full.text().find(" frames of "), std::string::npos) << full.text();
}

TEST(LeakReportTextInUse, WeftFullStacksEnvironmentVariableShowsEveryFrame) {
  weft_test::parked_thread waiter;
  const weft::leak_report full = [] {
    const weft_test::scoped_environment stacks("WEFT_FULL_STACKS", "1");
    return weft::find_leaks(quick());
  }();
  const weft::leak_report folded = [] {
    const weft_test::scoped_environment stacks("WEFT_FULL_STACKS", "0");
    return weft::find_leaks(quick());
  }();
  EXPECT_NE(full.text().find("run_recorded_thread"), std::string::npos) << full.text();
  EXPECT_EQ(folded.text().find("run_recorded_thread"), std::string::npos) << folded.text();
}

TEST(LeakReportTextInUse, MalformedWeftFullStacksIsAConfigErrorNamingIt) {
  const weft_test::scoped_environment malformed("WEFT_FULL_STACKS", "yes");
  try {
    (void)weft::find_leaks(quick());
    ADD_FAILURE() << "WEFT_FULL_STACKS=yes was accepted";
  } catch (const weft::config_error& error) {
    EXPECT_STREQ(error.what(), "weft: WEFT_FULL_STACKS must be 0 or 1; got \"yes\"");
  }
}

TEST(LeakReportTextInUse, IgnoreEverywhereRefusesFullStacks) {
  EXPECT_THROW(weft::ignore_everywhere(weft::options().full_stacks()), weft::config_error);
}

}  // namespace
