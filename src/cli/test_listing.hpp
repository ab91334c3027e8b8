// `weft test`: which framework a test binary uses, the tests it lists, which of them --filter selects,
// and the arguments that run exactly one of them.
#pragma once

#include <string>
#include <vector>

namespace weft::cli {

enum class test_framework { gtest, catch2 };

struct listed_test {
  std::string name;         // as the framework names it: Prefix/Suite.Test/3, or a Catch2 test case's name
  bool disabled = false;    // gtest's DISABLED_ tests: skipped, as gtest does
  bool death_test = false;  // gtest's *DeathTest suites: run once, not explored
};

struct test_listing {
  test_framework framework = test_framework::gtest;
  int catch2_major = 0;  // 2 or 3 for Catch2
  std::vector<listed_test> tests;
};

// Asks `program` (binary and its arguments) for its tests, giving it `timeout_s` seconds. Throws
// usage_error when the binary is neither a GoogleTest nor a Catch2 binary, or does not list its tests.
[[nodiscard]] test_listing list_tests(const std::vector<std::string>& program, double timeout_s);

// The arguments that make the binary run exactly `test`; for Catch2, one that makes a spec that selects
// nothing a failure (exit 2), not a silent pass.
[[nodiscard]] std::vector<std::string> arguments_selecting(const test_listing& listing,
                                                           const listed_test& test);

// gtest's filter syntax: "POSITIVE[:POSITIVE...][-NEGATIVE[:NEGATIVE...]]", each a glob with * and ?;
// no positive part selects every name.
[[nodiscard]] bool filter_selects(const std::string& filter, const std::string& name);

// Catch2's test spec for exactly the test case `name`: every character its parser would read as
// syntax (, [ ] " * ~ # \) is escaped with a backslash.
[[nodiscard]] std::string catch2_exact_spec(const std::string& name);

}  // namespace weft::cli
