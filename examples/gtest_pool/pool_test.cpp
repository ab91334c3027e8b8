// Two tests of the pool; one forgets to shut it down. Linked with weft::gtest_main, so weft checks
// each test for leaked threads with no code here.
#include <gtest/gtest.h>

#include <atomic>

#include "thread_pool.hpp"

TEST(ThreadPool, RunsEveryJobBeforeShutdown) {
  thread_pool pool(2);
  std::atomic<int> done{0};
  for (int i = 0; i < 10; ++i) pool.submit([&] { ++done; });
  pool.shutdown();
  EXPECT_EQ(done, 10);
}

TEST(ThreadPool, ForgetsToShutDown) {
  // The pool's workers outlive the test: never destroyed, because they still wait on its members.
  auto* pool = new thread_pool(2);
  std::atomic<int> done{0};
  pool->submit([&] { ++done; });
  while (done == 0) std::this_thread::yield();
  EXPECT_EQ(done, 1);
}
