// A GoogleTest suite of 2,000 value-parameterized tests, as large suites have: `weft test` lists and
// runs every one.
#include <gtest/gtest.h>

namespace {

class Many : public testing::TestWithParam<int> {};

TEST_P(Many, IsNotNegative) {
  EXPECT_GE(GetParam(), 0);
}

INSTANTIATE_TEST_SUITE_P(Thousands, Many, testing::Range(0, 2000));

}  // namespace
