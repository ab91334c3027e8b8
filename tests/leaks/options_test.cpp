// Every ignore option: it hides the thread it names, and only that thread.
#include <gtest/gtest.h>
#include <pthread.h>
#include <stdlib.h>

#include <chrono>
#include <weft/weft.hpp>

#include "blocked_threads.hpp"
#include "support/scoped_environment.hpp"

namespace {

using namespace std::chrono_literals;

weft::options quick() {
  return weft::options().settle_timeout(30ms);
}

[[gnu::noinline]] std::unique_ptr<weft_test::parked_thread> start_waiter_from_named_site() {
  return std::make_unique<weft_test::parked_thread>();
}

TEST(IgnoreOptions, IgnoreCurrentCoversThreadsAliveAtTheBaselineOnly) {
  weft_test::parked_thread before;
  const weft::options baseline = weft::options(quick()).ignore_current();
  EXPECT_TRUE(weft::find_leaks(baseline).empty());
  weft_test::parked_thread after;
  weft::leak_report report = weft::find_leaks(baseline);
  ASSERT_EQ(report.thread_count(), 1u) << report.text();
  EXPECT_EQ(report.groups()[0].threads[0].id.tid, after.tid());
}

TEST(IgnoreOptions, IgnoreThreadNameHidesOnlyMatchingNames) {
  weft_test::parked_thread named;
  pthread_setname_np(named.thread().native_handle(), "io-worker-3");
  weft_test::parked_thread other;
  EXPECT_EQ(weft::find_leaks(weft::options(quick()).ignore_thread_name("io-worker-*")).thread_count(), 1u);
  EXPECT_EQ(weft::find_leaks(weft::options(quick()).ignore_thread_name("db-*")).thread_count(), 2u);
}

TEST(IgnoreOptions, IgnoreTopFunctionMatchesTheFunctionShownOnTop) {
  weft_test::parked_thread waiter;
  EXPECT_TRUE(weft::find_leaks(weft::options(quick()).ignore_top_function("*parked_thread::wait_for_release"))
                  .empty());
  EXPECT_EQ(weft::find_leaks(weft::options(quick()).ignore_top_function("main")).thread_count(), 1u);
}

TEST(IgnoreOptions, IgnoreAnyFunctionMatchesAnyFrame) {
  weft_test::sleeper sleeper;
  EXPECT_TRUE(
      weft::find_leaks(weft::options(quick()).ignore_any_function("*sleeper::nap_until_released")).empty());
  EXPECT_EQ(weft::find_leaks(weft::options(quick()).ignore_any_function("nothing::here*")).thread_count(),
            1u);
}

TEST(IgnoreOptions, IgnoreCreatedByMatchesTheCreationStack) {
  auto waiter = start_waiter_from_named_site();
  weft_test::parked_thread other;
  weft::leak_report report =
      weft::find_leaks(weft::options(quick()).ignore_created_by("*start_waiter_from_named_site*"));
  EXPECT_EQ(report.thread_count(), 1u) << report.text();
}

TEST(IgnoreOptions, SettleTimeoutZeroLooksOnceAndNegativeIsRefused) {
  EXPECT_THROW(weft::options().settle_timeout(-1ms), weft::config_error);
  weft_test::parked_thread waiter;
  EXPECT_EQ(weft::find_leaks(weft::options().settle_timeout(0ms)).thread_count(), 1u);
}

TEST(IgnoreOptions, EmptyPatternIsRefused) {
  EXPECT_THROW(weft::options().ignore_thread_name(""), weft::config_error);
}

TEST(IgnoreOptions, CleanupRunsOnceWithTheVerdictAndFindLeaksRefusesIt) {
  int calls = 0;
  bool saw_leak = false;
  auto options = weft::options(quick()).cleanup([&](bool leaked) {
    ++calls;
    saw_leak = leaked;
  });
  EXPECT_THROW((void)weft::find_leaks(options), weft::config_error);
  weft::verify_none(options);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(saw_leak);
  weft_test::parked_thread waiter;
  EXPECT_THROW(weft::verify_none(options), weft::leak_error);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(saw_leak);
}

TEST(IgnoreOptions, VerifyNoneThrowsTheReportText) {
  weft_test::parked_thread waiter;
  try {
    weft::verify_none(quick());
    FAIL() << "verify_none did not throw";
  } catch (const weft::leak_error& error) {
    EXPECT_EQ(std::string(error.what()), error.report().text());
    EXPECT_EQ(std::string(error.what()).rfind("weft: found 1 unexpected thread:", 0), 0u) << error.what();
  }
}

TEST(IgnoreOptions, IgnoreEverywhereAppliesToEveryLaterCheck) {
  weft_test::parked_thread named;
  pthread_setname_np(named.thread().native_handle(), "lib-background");
  EXPECT_EQ(weft::find_leaks(quick()).thread_count(), 1u);
  weft::ignore_everywhere(weft::options().ignore_thread_name("lib-background"));
  EXPECT_TRUE(weft::find_leaks(quick()).empty());
  EXPECT_THROW(weft::ignore_everywhere(weft::options().settle_timeout(1ms)), weft::config_error);
}

TEST(IgnoreOptions, WeftIgnoreEnvironmentVariableAddsRules) {
  weft_test::parked_thread named;
  pthread_setname_np(named.thread().native_handle(), "env-ignored");
  {
    const weft_test::scoped_environment ignore("WEFT_IGNORE", "name:env-ignored;top:nothing*");
    EXPECT_TRUE(weft::find_leaks(quick()).empty());
  }
  EXPECT_EQ(weft::find_leaks(quick()).thread_count(), 1u);
}

TEST(IgnoreOptions, MalformedWeftIgnoreNamesTheEntry) {
  const weft_test::scoped_environment malformed("WEFT_IGNORE", "name:ok;topp:foo");
  try {
    (void)weft::find_leaks(quick());
    FAIL() << "a malformed WEFT_IGNORE was accepted";
  } catch (const weft::config_error& error) {
    EXPECT_NE(std::string(error.what()).find("WEFT_IGNORE entry 2 \"topp:foo\""), std::string::npos)
        << error.what();
  }
}

}  // namespace
