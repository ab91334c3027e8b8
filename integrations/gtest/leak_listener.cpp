// The listener behind weft::gtest::install.
#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>

#include "weft/gtest.hpp"
#include "weft/test_scope.hpp"

namespace weft::gtest {
namespace {

// How many times this process is a fork()ed child of the one that installed the listener: a death
// test's child (forked in the test body) that reaches OnTestEnd is another process, and the parent
// checks. Read twice per test instead of two getpid() system calls.
std::atomic<unsigned> forked_children{0};

void count_forked_child() {
  forked_children.fetch_add(1, std::memory_order_relaxed);
}

class leak_listener final : public ::testing::EmptyTestEventListener {
 public:
  leak_listener(weft::options opts, leak_policy policy) : opts_(std::move(opts)), policy_(policy) {}

  void allow_leaks() { allowed_ = true; }

  void OnTestStart(const ::testing::TestInfo& test) override {
    allowed_ = false;
    forks_at_start_ = forked_children.load(std::memory_order_relaxed);
    scope_.emplace(std::string(test.test_suite_name()) + "." + test.name());
    // After a clean test, most tests start no thread: the last baseline usually still holds.
    if (last_check_clean_) {
      baseline_.ignore_current_after_clean_check();
    } else {
      baseline_ = weft::options(opts_).ignore_current();
    }
    last_check_clean_ = false;
  }

  void OnTestEnd(const ::testing::TestInfo& test) override {
    if (!scope_) return;
    // A death test's child that somehow reaches here is another process: the parent checks.
    const bool checks = !allowed_ && forked_children.load(std::memory_order_relaxed) == forks_at_start_;
    leak_report report;
    std::string check_error;
    try {
      if (checks) report = find_leaks(baseline_);
    } catch (const std::exception& error) {
      // An exception leaving a listener would end the whole run with std::terminate and lose every
      // later test: a check that cannot run (a WEFT_IGNORE the test itself broke, for one) fails
      // this test instead, as the Catch2 listener does.
      check_error = error.what();
    }
    scope_.reset();
    last_check_clean_ = checks && check_error.empty() && report.empty();
    const char* file = test.file() != nullptr ? test.file() : "unknown file";
    if (!check_error.empty()) {
      ADD_FAILURE_AT(file, test.line()) << "weft: could not check test " << test.test_suite_name() << "."
                                        << test.name() << " for leaked threads: " << check_error;
      return;
    }
    if (report.empty()) return;
    if (policy_ == leak_policy::warn) {
      std::fprintf(stderr, "weft: warning (WEFT_LEAKS=warn), test %s.%s leaked:\n%s", test.test_suite_name(),
                   test.name(), report.text().c_str());
      return;
    }
    ADD_FAILURE_AT(file, test.line()) << report.text();
  }

 private:
  const weft::options opts_;
  const leak_policy policy_;
  weft::options baseline_;
  std::optional<test_scope> scope_;
  bool allowed_ = false;
  bool last_check_clean_ = false;  // the last test's check ran and found nothing
  unsigned forks_at_start_ = 0;
};

// Only names the running test, so that a whole-binary check at exit can still say which test created
// each thread it finds.
class test_naming_listener final : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo& test) override {
    scope_.emplace(std::string(test.test_suite_name()) + "." + test.name());
  }
  void OnTestEnd(const ::testing::TestInfo&) override { scope_.reset(); }

 private:
  std::optional<test_scope> scope_;
};

leak_listener* installed = nullptr;  // owned by gtest's listener list

bool is_death_test_child() {
  return !GTEST_FLAG_GET(internal_run_death_test).empty();
}

}  // namespace

void install(const weft::options& opts) {
  if (opts.cleanup()) {
    throw config_error(
        "weft: weft::gtest::install runs a check per test and takes no cleanup; pass the "
        "cleanup to run_all_tests_and_verify or verify_main");
  }
  check_environment();
  const leak_policy policy = leak_policy_from_environment();
  ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
  if (installed != nullptr) {
    delete listeners.Release(installed);
    installed = nullptr;
  }
  if (policy == leak_policy::off || is_death_test_child()) return;
  static const bool forks_counted = pthread_atfork(nullptr, nullptr, &count_forked_child) == 0;
  (void)forks_counted;
  installed = new leak_listener(opts, policy);
  listeners.Append(installed);
}

void allow_leaks_in_this_test() {
  if (installed != nullptr) installed->allow_leaks();
}

int run_all_tests_and_verify(const weft::options& opts) {
  try {
    check_environment();
  } catch (const config_error& error) {
    // Before the first test, as weft::gtest_main refuses it, rather than after the whole suite ran.
    std::fprintf(stderr, "%s\n", error.what());
    return 2;
  }
  if (installed == nullptr) ::testing::UnitTest::GetInstance()->listeners().Append(new test_naming_listener);
  const weft::options baseline = weft::options(opts).ignore_current();
  const int exit_code = RUN_ALL_TESTS();
  if (is_death_test_child()) return exit_code;
  return verify_main(exit_code, baseline);
}

::testing::AssertionResult no_leaks(const weft::options& opts) {
  leak_report report = find_leaks(opts);
  if (report.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << report.text();
}

}  // namespace weft::gtest
