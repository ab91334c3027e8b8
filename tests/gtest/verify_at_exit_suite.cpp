// A suite that checks the whole binary at exit instead of each test (goleak's VerifyTestMain): its
// one test passes, and the thread it leaves behind turns the exit code into 1. Run as a subprocess.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <weft/gtest.hpp>

#include "support/stuck_worker.hpp"

namespace {

using weft_test::stuck_worker;

TEST(AtExit, LeavesAWorkerBehind) {
  (new stuck_worker)->thread.detach();
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int exit_code =
      weft::gtest::run_all_tests_and_verify(weft::options().settle_timeout(std::chrono::milliseconds(50)));
  std::_Exit(exit_code);  // the worker still waits; static destructors would block on its condvar
}
