// GoogleTest integration: every test checked for leaked threads. Link weft::gtest_main instead of
// GTest::gtest_main and nothing else changes; or link weft::gtest and call install() yourself.
//
// For each test, in the order gtest fires its events:
//   OnTestStart  the baseline is taken (threads alive now are never this test's leaks) and a
//                weft::test_scope named "Suite.Test" opens, so threads are recorded as created in it;
//   (SetUp, the body, TearDown and the fixture's destructor run)
//   OnTestEnd    weft checks, before gtest prints the verdict; leaks become a failure of this test,
//                located at the test's definition, whose message is the full report. A check that
//                cannot run (an exception such as config_error, for a WEFT_IGNORE the test set
//                wrongly) is a failure of this test too, saying why; the run goes on.
// A thread leaked by one test is in every later test's baseline: the test that created it fails,
// naming itself ("created in test A"); later tests do not.
//
// WEFT_LEAKS=fail (default) | warn (print the report, do not fail) | off (no check). A forked death
// test child never checks.
#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "weft/leaks.hpp"
#include "weft/sched.hpp"

namespace weft::gtest {

// Appends weft's leak listener to gtest's listeners, after the default result printer (gtest fires
// OnTestEnd in reverse order, so weft's failure is recorded before the printer reports the test).
// `opts` is the base of every test's check; its baseline, if any, is replaced per test. Call once,
// after testing::InitGoogleTest and before RUN_ALL_TESTS; calling it again replaces the options.
// Throws weft::config_error for a malformed WEFT_* variable (weft::check_environment: WEFT_LEAKS,
// WEFT_IGNORE, WEFT_SIGNAL, ...); weft::gtest_main then prints it and exits with 2 before the first
// test. gtest owns the listener.
void install(const weft::options& opts = {});

// Call inside a test that leaks threads on purpose: its own check is skipped, and its threads join
// the next tests' baselines like any other. Has no effect outside a test.
void allow_leaks_in_this_test();

// For users who turn the per-test check off: runs RUN_ALL_TESTS(), then checks the whole binary as
// weft::verify_main does, against a baseline taken before the first test. Returns main's exit code;
// with a malformed WEFT_* variable, prints the config_error and returns 2 before running any test.
[[nodiscard]] int run_all_tests_and_verify(const weft::options& opts = {});

// The result of a leak check as a gtest assertion result, for the macros below.
[[nodiscard]] ::testing::AssertionResult no_leaks(const weft::options& opts = {});

// Runs `test` under weft::explore (quietly) and says whether every schedule passed; on failure the
// message is the failing schedule's report, ending with its WEFT_REPLAY line. A GoogleTest assertion
// that fails inside `test`, in any of its threads, fails that schedule too.
[[nodiscard]] ::testing::AssertionResult schedules_ok(const std::function<void()>& test,
                                                      const weft::explore_options& options = {});

}  // namespace weft::gtest

// Explicit checks inside a test: WEFT_EXPECT_NO_LEAKS(weft::options().ignore_current()) or with no
// argument. The failure message is the full report.
#define WEFT_EXPECT_NO_LEAKS(...) EXPECT_TRUE(::weft::gtest::no_leaks(__VA_ARGS__))
#define WEFT_ASSERT_NO_LEAKS(...) ASSERT_TRUE(::weft::gtest::no_leaks(__VA_ARGS__))

// Controlled scheduling inside a test: WEFT_EXPECT_SCHEDULES_OK(test) or (test, explore_options).
// Variadic so that a lambda written in place may contain commas.
#define WEFT_EXPECT_SCHEDULES_OK(...) EXPECT_TRUE(::weft::gtest::schedules_ok(__VA_ARGS__))
