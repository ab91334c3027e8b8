// An unmodified Catch2 v2 suite (CATCH_CONFIG_MAIN, no weft in it) for `weft test`: one test case per
// verdict, named as real suites name them (spaces, commas, brackets, quotes, [tags]).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "concurrency_cases.hpp"

TEST_CASE("lost update, two increments", "[bugs]") {
  CHECK(cli_cases::lost_update() == 2);
}

TEST_CASE("ABBA deadlock", "[bugs][locks]") {
  cli_cases::abba_deadlock();
}

TEST_CASE("leaked thread", "[bugs]") {
  cli_cases::leak_a_thread();
}

TEST_CASE("locked increments [a, b] are \"whole\"", "[correct]") {
  CHECK(cli_cases::locked_increments() == 2);
}

TEST_CASE("single-threaded sum", "[correct]") {
  CHECK(cli_cases::sum_to(4) == 10);
}

TEST_CASE("fails on its own assertion", "[bugs]") {
  CHECK(cli_cases::sum_to(4) == 11);
}

// Every character Catch2's test spec reads as syntax: listed in quotes, selected escaped.
TEST_CASE("#3 ~not *a* pattern\\ really, [x]") {
  CHECK(cli_cases::sum_to(2) == 3);
}
