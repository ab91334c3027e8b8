// WEFT_CHECK_NO_LEAKS and WEFT_REQUIRE_NO_LEAKS, one behaviour per test case; catch2_integration_tests
// runs each test case on its own. Every leaked thread is released before its test case ends, so the
// per-test-case check never adds a failure of its own.
#include <chrono>
#include <cstdio>
#include <thread>
#include <weft/catch2.hpp>

#include "support/bug_programs.hpp"
#include "support/parked_thread.hpp"

namespace {

using namespace std::chrono_literals;

// Releases the threads a test case leaked even when WEFT_REQUIRE_NO_LEAKS ends it by throwing.
struct release_on_exit {
  ~release_on_exit() { weft_test::release_leaked_threads(); }
};

}  // namespace

TEST_CASE("WEFT_CHECK_NO_LEAKS reports a leak and the test case goes on") {
  const release_on_exit release;
  const auto baseline = weft::options().ignore_current();
  weft_test::leak_parked_thread("checked-leak");
  WEFT_CHECK_NO_LEAKS(weft::options(baseline).settle_timeout(50ms));
  std::puts("marker: still running after WEFT_CHECK_NO_LEAKS");
}

TEST_CASE("WEFT_REQUIRE_NO_LEAKS reports a leak and ends the test case") {
  const release_on_exit release;
  const auto baseline = weft::options().ignore_current();
  weft_test::leak_parked_thread("required-leak");
  WEFT_REQUIRE_NO_LEAKS(weft::options(baseline).settle_timeout(50ms));
  std::puts("marker: still running after WEFT_REQUIRE_NO_LEAKS");
}

TEST_CASE("the macros pass when every thread was joined") {
  const auto baseline = weft::options().ignore_current();
  std::thread worker([] { std::this_thread::sleep_for(10ms); });
  worker.join();
  WEFT_CHECK_NO_LEAKS(baseline);
  WEFT_REQUIRE_NO_LEAKS(baseline);
  WEFT_CHECK_NO_LEAKS();
}

TEST_CASE("WEFT_CHECK_SCHEDULES passes when every schedule does") {
  WEFT_CHECK_SCHEDULES(weft_test::lost_update_fixed, weft::explore_options().iterations(100));
}

TEST_CASE("WEFT_CHECK_SCHEDULES fails with the replay line on a lost update") {
  WEFT_CHECK_SCHEDULES([] { weft_test::lost_update(); });
}
