// Catch2 integration: every test case checked for leaked threads. Include this header in one test
// file (including it in more is harmless: the listener is registered once per program), or link
// weft::catch2_main, which is Catch2's main() with this header in it.
//
// For each test case, in the order Catch2 fires its events:
//   testCaseStarting         the name and the tags are noted;
//   sectionStarting          (the outermost one: the test case itself) a run starts. Catch2 enters a
//                            test case once per leaf section path, so each run is checked on its own.
//                            The baseline is taken (threads alive now, leaked by earlier test cases or
//                            runs included, are never this run's leaks) and a weft::test_scope named
//                            after the test case opens, so threads are recorded as created in it;
//   (the body and the sections of this run)
//   sectionEnded             (the outermost one) the scope closes and weft checks. Leaks become a
//                            failed assertion of this test case, located at its TEST_CASE line, whose
//                            message is the full report. Listeners hear of the section's end before
//                            the reporter and before the test case's totals are summed, so console,
//                            JUnit and XML output all count the failure for this test case;
//   testCaseEnded.
// The check waits at most the default settle timeout (500 ms), and only while an unexpected thread
// is alive. Ignore threads meant to outlive tests with weft::ignore_everywhere or WEFT_IGNORE.
//
// WEFT_LEAKS=fail (default) | warn (print the report to stderr, do not fail) | off (no check; test
// scopes still name the threads). Any other value, or any other malformed WEFT_* variable
// (weft::check_environment), stops the run before the first test case: the listener's constructor
// throws weft::config_error, which Catch2 prints before exiting with 255 (weft::catch2_main prints it
// and exits with 2). A check that cannot run during the suite fails its test case, saying why.
// Tag a test case [weft::allow_leaks] when it leaks threads on purpose: it is not checked, and its
// threads join the next runs' baselines like any other.
//
// Catch2 v2 (single header <catch2/catch.hpp>) and v3 (<catch2/...> headers, EventListenerBase) are
// both supported; the version is taken from whichever Catch2 header came first, else from what is
// installed.
#pragma once

#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "weft/leaks.hpp"
#include "weft/options.hpp"
#include "weft/sched.hpp"
#include "weft/test_scope.hpp"

#if !defined(CATCH_VERSION_MAJOR) && __has_include(<catch2/catch_version_macros.hpp>)
#include <catch2/catch_version_macros.hpp>
#endif

#if defined(CATCH_VERSION_MAJOR) && CATCH_VERSION_MAJOR >= 3
#include <catch2/catch_test_case_info.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#else
// v2 declares listener bases and registrars only for files that ask for its external interfaces,
// and only on its first inclusion.
#if defined(TWOBLUECUBES_SINGLE_INCLUDE_CATCH_HPP_INCLUDED) && !defined(CATCH_CONFIG_EXTERNAL_INTERFACES) && \
    !defined(CATCH_CONFIG_ENABLE_BENCHMARKING)
#error \
    "<weft/catch2.hpp> must come before <catch2/catch.hpp>, or define CATCH_CONFIG_EXTERNAL_INTERFACES first"
#endif
#ifndef CATCH_CONFIG_EXTERNAL_INTERFACES
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#endif
#include <catch2/catch.hpp>
#endif

namespace weft::catch2 {

// The tag that exempts a test case from the check; compared case-insensitively, as Catch2 does.
inline constexpr std::string_view allow_leaks_tag = "weft::allow_leaks";

namespace detail {

// What the listener does, without Catch2's types, so v2 and v3 share it. One per listener.
class test_case_check {
 public:
  // Reports printed under leak_policy::warn go to `warnings`, which must outlive this object.
  test_case_check(leak_policy policy, std::ostream& warnings);

  void test_case_starting(std::string_view name, bool allows_leaks);
  // The outermost section starts a run: the baseline is taken (unless nothing will be checked) and
  // the test scope opens.
  void section_starting();
  // The outermost section ends the run: the scope closes, then weft checks, blocking at most the
  // settle timeout. Returns the failure to record for this run; empty when there is none (no leak,
  // leak_policy::warn, off, the allow-leaks tag, or after a fatal error).
  [[nodiscard]] std::string section_ended();
  // Catch2 is dying of a signal and ends the sections from its handler: check nothing.
  void fatal_error();

 private:
  [[nodiscard]] std::string check_run(const options& baseline);

  leak_policy policy_;
  std::ostream* warnings_;
  std::string test_name_;
  bool allows_leaks_ = false;
  bool fatal_error_seen_ = false;
  int depth_ = 0;                    // sections open; 0 between runs
  std::optional<options> baseline_;  // set while a checked run is open
  // The last run's baseline when its check found nothing: the next run's, if no thread came or went.
  std::optional<options> clean_baseline_;
  std::optional<test_scope> scope_;  // set while a run is open
};

[[nodiscard]] bool is_allow_leaks_tag(std::string_view tag);

// The outcome of a find_leaks as one assertion of the running test case, for the macros below.
inline void check_no_leaks(Catch::AssertionHandler& handler, const options& opts) {
  try {
    const leak_report report = find_leaks(opts);
    if (report.empty()) {
      handler.handleMessage(Catch::ResultWas::Ok, std::string("no leaked threads"));
    } else {
      handler.handleMessage(Catch::ResultWas::ExplicitFailure, report.text());
    }
  } catch (...) {
    handler.handleUnexpectedInflightException();
  }
}

// Runs `test` under weft::explore and records one assertion: its report, which ends with the
// WEFT_REPLAY line, when a schedule failed. Use weft::expect inside `test` (Catch2 v2 assertions are
// not safe from other threads).
inline void check_schedules(Catch::AssertionHandler& handler, const std::function<void()>& test,
                            const explore_options& options = {}) {
  try {
    const explore_result explored = explore(test, explore_options(options).quiet());
    if (explored.failed()) {
      handler.handleMessage(Catch::ResultWas::ExplicitFailure, explored.report);
    } else {
      handler.handleMessage(Catch::ResultWas::Ok, std::string("every schedule passed"));
    }
  } catch (...) {
    handler.handleUnexpectedInflightException();
  }
}

}  // namespace detail

#if CATCH_VERSION_MAJOR >= 3
using listener_base = Catch::EventListenerBase;
#else
using listener_base = Catch::TestEventListenerBase;
#endif

// Catch2 creates one per session (each Catch::Session::run) and owns it; the inline variable below
// registers it.
class leak_listener final : public listener_base {
 public:
#if CATCH_VERSION_MAJOR >= 3
  explicit leak_listener(const Catch::IConfig* config)
#else
  explicit leak_listener(const Catch::ReporterConfig& config)
#endif
      : listener_base(config), check_(checked_policy(), std::cerr) {
  }

  void testCaseStarting(const Catch::TestCaseInfo& test_case) override {
    listener_base::testCaseStarting(test_case);
    test_case_ = &test_case;
    check_.test_case_starting(test_case.name, allows_leaks(test_case));
  }

  void sectionStarting(const Catch::SectionInfo& section) override {
    listener_base::sectionStarting(section);
    check_.section_starting();
  }

  void sectionEnded(const Catch::SectionStats& stats) override {
    listener_base::sectionEnded(stats);
    std::string failure = check_.section_ended();
    if (!failure.empty() && test_case_ != nullptr) record_failure(std::move(failure));
  }

  void fatalErrorEncountered(Catch::StringRef message) override {
    listener_base::fatalErrorEncountered(message);
    check_.fatal_error();
  }

  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    listener_base::testCaseEnded(stats);
    test_case_ = nullptr;
  }

 private:
  // Every WEFT_* variable is checked before the first test case, not only WEFT_LEAKS: one that is
  // malformed would otherwise surface only when a check first needs it.
  static leak_policy checked_policy() {
    check_environment();
    return leak_policy_from_environment();
  }

  static bool allows_leaks(const Catch::TestCaseInfo& test_case) {
    for (const auto& tag : test_case.tags) {
#if CATCH_VERSION_MAJOR >= 3
      if (detail::is_allow_leaks_tag(std::string_view(tag.original.data(), tag.original.size()))) return true;
#else
      if (detail::is_allow_leaks_tag(tag)) return true;
#endif
    }
    return false;
  }

  // Recorded as FAIL_CHECK records a failure, at the TEST_CASE line. Marked complete without
  // reacting: a reaction throws once --abortx failures are reached, and nothing may throw out of a
  // listener.
  void record_failure(std::string message) {
    Catch::AssertionHandler handler(Catch::StringRef("weft leak check"), test_case_->lineInfo,
                                    Catch::StringRef(), Catch::ResultDisposition::ContinueOnFailure);
    handler.handleMessage(Catch::ResultWas::ExplicitFailure, std::move(message));
    handler.setCompleted();
  }

  detail::test_case_check check_;
  const Catch::TestCaseInfo* test_case_ = nullptr;  // Catch2's; lives while its test case runs
};

#if !defined(CATCH_CONFIG_DISABLE)
// `inline`: one registrar per program however many files include this header.
#if CATCH_VERSION_MAJOR >= 3
inline const Catch::ListenerRegistrar<leak_listener> leak_listener_registrar{"weft::catch2::leak_listener"};
#else
inline const Catch::ListenerRegistrar<leak_listener> leak_listener_registrar;
#endif
#endif

}  // namespace weft::catch2

// Explicit checks inside a test case, with the options find_leaks takes (no argument: every thread
// but the caller is unexpected, so pass a baseline taken at the start of the test case):
//   const auto baseline = weft::options().ignore_current();
//   ...
//   WEFT_CHECK_NO_LEAKS(weft::options(baseline).settle_timeout(200ms));
// One assertion each; a failure's message is the full report. WEFT_CHECK_NO_LEAKS goes on after a
// failure, as CHECK does; WEFT_REQUIRE_NO_LEAKS ends the test case, as REQUIRE does. Blocks as
// find_leaks does; an exception from it (config_error) is reported as an unexpected exception.
#define WEFT_CHECK_NO_LEAKS(...) \
  WEFT_CATCH2_NO_LEAKS_("WEFT_CHECK_NO_LEAKS", ::Catch::ResultDisposition::ContinueOnFailure, __VA_ARGS__)
#define WEFT_REQUIRE_NO_LEAKS(...) \
  WEFT_CATCH2_NO_LEAKS_("WEFT_REQUIRE_NO_LEAKS", ::Catch::ResultDisposition::Normal, __VA_ARGS__)

#define WEFT_CATCH2_NO_LEAKS_(macro_name, disposition, ...)                                                \
  do {                                                                                                     \
    ::Catch::AssertionHandler weft_catch2_handler(::Catch::StringRef(macro_name), CATCH_INTERNAL_LINEINFO, \
                                                  ::Catch::StringRef(), disposition);                      \
    ::weft::catch2::detail::check_no_leaks(weft_catch2_handler, ::weft::options(__VA_ARGS__));             \
    INTERNAL_CATCH_REACT(weft_catch2_handler)                                                              \
  } while (false)

// Explores a callable under controlled schedules, with explore_options or none:
//   WEFT_CHECK_SCHEDULES(transfer_test, weft::explore_options().strategy("pct").iterations(500));
// One assertion; a failing schedule's report, with its WEFT_REPLAY line, is the failure message.
// Variadic so that a lambda written in place may contain commas.
#define WEFT_CHECK_SCHEDULES(...)                                                                  \
  do {                                                                                             \
    ::Catch::AssertionHandler weft_catch2_handler(::Catch::StringRef("WEFT_CHECK_SCHEDULES"),      \
                                                  CATCH_INTERNAL_LINEINFO, ::Catch::StringRef(""), \
                                                  ::Catch::ResultDisposition::ContinueOnFailure);  \
    ::weft::catch2::detail::check_schedules(weft_catch2_handler, __VA_ARGS__);                     \
    INTERNAL_CATCH_REACT(weft_catch2_handler)                                                      \
  } while (false)
