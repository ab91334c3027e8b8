// Built against an installed weft::gtest_main: a test that leaves a thread running fails with weft's
// report. The thread outlives the test on purpose and is joined when all tests are done.
#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace {

std::promise<void> release;
std::thread worker;

class join_worker_after_all_tests : public ::testing::Environment {
 public:
  void TearDown() override {
    release.set_value();
    if (worker.joinable()) worker.join();
  }
};

[[maybe_unused]] ::testing::Environment* const joiner =
    ::testing::AddGlobalTestEnvironment(new join_worker_after_all_tests);

}  // namespace

TEST(InstalledGtestIntegration, TestThatLeavesAThreadRunningFails) {
  worker = std::thread([done = release.get_future()] { done.wait(); });
}
