// A suite that checks the whole binary at exit instead of each test (goleak's VerifyTestMain): its
// one test passes, and the thread it leaves behind turns the exit code into 1. Run as a subprocess.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <weft/gtest.hpp>

#include "support/parked_thread.hpp"

namespace {

TEST(AtExit, LeavesAWorkerBehind) {
  weft_test::leak_parked_thread();
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const int exit_code =
      weft::gtest::run_all_tests_and_verify(weft::options().settle_timeout(std::chrono::milliseconds(50)));
  std::_Exit(exit_code);  // the worker still waits; static destructors would block on its condvar
}
