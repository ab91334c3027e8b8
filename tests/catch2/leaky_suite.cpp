// A Catch2 suite with known verdicts, linked with weft::catch2_main. It fails by design, so
// catch2_integration_tests runs it and reads its output; ctest does not run it directly.
// Test cases run in declaration order, which the verdicts below depend on:
//   fails:  "a worker that is never stopped is reported"
//           "a second leaking test case fails on its own"
//           "a leak in one section fails that test case once"
//   passes: every other test case.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "support/parked_thread.hpp"

using weft_test::leak_parked_thread;

TEST_CASE("a worker that is never stopped is reported") {
  leak_parked_thread("never-stopped");
  CHECK(true);
}

TEST_CASE("a worker joined before the end passes") {
  int result = 0;
  std::thread worker([&result] { result = 42; });
  worker.join();
  CHECK(result == 42);
}

TEST_CASE("a detached thread that exits just after the end passes") {
  std::thread([] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); }).detach();
  CHECK(true);
}

TEST_CASE("a second leaking test case fails on its own") {
  leak_parked_thread("second-leak");
  CHECK(true);
}

// Runs while the threads leaked above are still alive: they are in its baseline.
TEST_CASE("a test case after a leak is not blamed for it") {
  REQUIRE(weft_test::leaked_threads().size() == 2);
}

TEST_CASE("a leak in one section fails that test case once") {
  SECTION("joins its worker") {
    weft_test::parked_thread worker("joined");
    worker.release();
    CHECK(true);
  }
  SECTION("leaks its worker") {
    leak_parked_thread("section-leak");
    CHECK(true);
  }
}

TEST_CASE("a test case tagged allow_leaks may leak", "[weft::allow_leaks]") {
  leak_parked_thread("allowed-leak");
  CHECK(true);
}

TEST_CASE("the last test case releases every leaked thread") {
  weft_test::release_leaked_threads();
  CHECK(weft_test::leaked_threads().empty());
}
