// A GoogleTest suite linked with weft::gtest_main, the recommended setup, for `weft explore` on it:
// every test is checked for leaked threads by weft's listener, inside the controlled run.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "support/parked_thread.hpp"

namespace background_pool {

// A library's process-lifetime thread, started on first use and never stopped: what ignore rules
// are for.
[[gnu::noinline]] void start() {
  static weft_test::parked_thread& pool = *new weft_test::parked_thread;
  (void)pool;
}

}  // namespace background_pool

namespace {

TEST(Threads, LeakAWorkerBlockedForever) {
  weft_test::leak_parked_thread();
}

TEST(Threads, JoinTheirWorker) {
  std::mutex mutex;
  std::condition_variable changed;
  bool stop = false;
  std::thread worker([&] {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return stop; });
  });
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  changed.notify_all();
  worker.join();
}

// The leak check waits for threads that are about to exit, under a schedule as without one.
TEST(Threads, DetachAWorkerThatFinishesSoon) {
  std::thread([] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }).detach();
}

TEST(Threads, StartAProcessLifetimePool) {
  background_pool::start();
}

}  // namespace
