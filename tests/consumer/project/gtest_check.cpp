// Built against an installed weft::gtest_main: weft's main() runs the tests and checks each one.
#include <thread>
#include <weft/gtest.hpp>

TEST(InstalledGtestIntegration, TestThatJoinsItsThreadPasses) {
  std::thread worker([] {});
  worker.join();
  WEFT_EXPECT_NO_LEAKS();
}
