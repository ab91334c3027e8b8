// An unmodified GoogleTest suite (GTest::gtest_main, no weft in it) for `weft test`: one test per
// verdict, and the names real suites have (typed, value-parameterized, DISABLED_, a death test).
#include <gtest/gtest.h>

#include <cstdlib>

#include "concurrency_cases.hpp"

namespace {

TEST(Bugs, LostUpdate) {
  EXPECT_EQ(cli_cases::lost_update(), 2);
}

TEST(Bugs, AbbaDeadlock) {
  cli_cases::abba_deadlock();
}

TEST(Bugs, LeakedThread) {
  cli_cases::leak_a_thread();
}

TEST(Correct, LockedIncrements) {
  EXPECT_EQ(cli_cases::locked_increments(), 2);
}

TEST(Correct, SingleThreaded) {
  EXPECT_EQ(cli_cases::sum_to(4), 10);
}

TEST(Bugs, FailsOnItsOwnAssertion) {
  EXPECT_EQ(cli_cases::sum_to(4), 11);
}

TEST(Correct, DISABLED_NeverRuns) {
  std::abort();
}

class Doubling : public testing::TestWithParam<int> {};
TEST_P(Doubling, IsEven) {
  EXPECT_EQ(GetParam() * 2 % 2, 0);
}
INSTANTIATE_TEST_SUITE_P(Small, Doubling, testing::Values(1, 2, 3));

template <typename T>
class Typed : public testing::Test {};
using counter_types = testing::Types<int, long>;
TYPED_TEST_SUITE(Typed, counter_types);
TYPED_TEST(Typed, StartsAtZero) {
  EXPECT_EQ(TypeParam{}, 0);
}

TEST(ExitDeathTest, ExitsWithThree) {
  EXPECT_EXIT(std::exit(3), testing::ExitedWithCode(3), "");
}

}  // namespace
