// Each intercepted primitive under control: correct programs pass every schedule dfs can reach, and
// the failure kinds that need no bug program (livelock, timeouts) are reported as such.
#include <gtest/gtest.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <weft/atomic.hpp>
#include <weft/sched.hpp>

#include "support/scoped_environment.hpp"

namespace {

using namespace std::chrono_literals;
using failure = weft::explore_result::failure;

weft::explore_result exhaustively(const std::function<void()>& program) {
  return weft::explore(program, weft::explore_options().strategy("dfs").iterations(200'000).quiet());
}

TEST(SharedMutex, ReadersAndAWriterPassEverySchedule) {
  weft::explore_result result = exhaustively([] {
    std::shared_mutex guard;
    int value = 0;
    std::thread writer([&] {
      std::unique_lock lock(guard);
      value = 1;
    });
    std::thread reader([&] {
      std::shared_lock lock(guard);
      weft::expect(value == 0 || value == 1, "torn value");
    });
    writer.join();
    reader.join();
  });
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_TRUE(result.space_covered);
}

TEST(Semaphore, HandOffPassesEverySchedule) {
  weft::explore_result result = exhaustively([] {
    sem_t ready;
    sem_init(&ready, 0, 0);
    int payload = 0;
    std::thread consumer([&] {
      sem_wait(&ready);
      weft::expect(payload == 42, "consumed before it was produced");
    });
    payload = 42;
    sem_post(&ready);
    consumer.join();
    sem_destroy(&ready);
  });
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_TRUE(result.space_covered);
}

TEST(Barrier, ThreeThreadsMeetInEverySchedule) {
  weft::explore_result result = exhaustively([] {
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, nullptr, 3);
    int arrived = 0;
    int serial = 0;
    auto meet = [&] {
      ++arrived;
      if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD) ++serial;
      weft::expect(arrived == 3, "left the barrier before everyone arrived");
    };
    std::thread a(meet), b(meet);
    meet();
    a.join();
    b.join();
    weft::expect(serial == 1, "exactly one thread is the serial one");
    pthread_barrier_destroy(&barrier);
  });
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_TRUE(result.space_covered);
}

TEST(RecursiveMutex, RelockingByTheOwnerDoesNotBlock) {
  weft::explore_result result = exhaustively([] {
    std::recursive_mutex mutex;
    std::thread other([&] { std::lock_guard lock(mutex); });
    {
      std::lock_guard outer(mutex);
      std::lock_guard inner(mutex);
    }
    other.join();
  });
  EXPECT_FALSE(result.failed()) << result.report;
}

TEST(TimedMutex, TryLockForTimesOutInVirtualTime) {
  const auto began = std::chrono::steady_clock::now();
  weft::explore_result result = weft::explore(
      [] {
        std::timed_mutex mutex;
        std::unique_lock held(mutex);
        std::thread other([&] { weft::expect(!mutex.try_lock_for(60s), "got a mutex its owner holds"); });
        other.join();
      },
      weft::explore_options().strategy("random").iterations(5).quiet());
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_LT(std::chrono::steady_clock::now() - began, 30s);
}

TEST(Livelock, SpinningOnAYieldPointPastTheStepBoundIsALivelock) {
  weft::explore_result result = weft::explore(
      [] {
        weft::atomic<bool> never{false};
        while (!never.load()) weft::yield_point();
      },
      weft::explore_options().strategy("random").iterations(1).max_steps(1000).quiet());
  EXPECT_EQ(result.kind, failure::livelock) << result.report;
  EXPECT_NE(result.report.find("livelock"), std::string::npos);
}

TEST(Livelock, ALoopThatEndsWithinTheStepBoundIsNoLivelock) {
  weft::explore_result result = weft::explore(
      [] {
        weft::atomic<int> turns{0};
        while (turns.fetch_add(1) < 200) weft::yield_point();
      },
      weft::explore_options().strategy("random").iterations(1).max_steps(1000).quiet());
  EXPECT_FALSE(result.failed()) << result.report;
}

TEST(Environment, SeedAndIterationsComeFromTheEnvironment) {
  const weft_test::scoped_environment iterations("WEFT_ITERATIONS", "7");
  const weft_test::scoped_environment seed("WEFT_SEED", "99");
  weft::explore_result result = weft::explore([] {}, weft::explore_options().strategy("random").quiet());
  EXPECT_EQ(result.schedules, 7u);
}

TEST(Environment, MalformedIterationsIsAClearError) {
  const weft_test::scoped_environment iterations("WEFT_ITERATIONS", "many");
  try {
    (void)weft::explore([] {}, weft::explore_options().quiet());
    ADD_FAILURE() << "WEFT_ITERATIONS=many was accepted";
  } catch (const weft::config_error& error) {
    EXPECT_NE(std::string(error.what()).find("WEFT_ITERATIONS must be a non-negative integer; got \"many\""),
              std::string::npos)
        << error.what();
  }
}

}  // namespace

namespace {

TEST(Fork, ChildOfAControlledThreadRunsUncontrolled) {
  weft::explore_result result = weft::explore(
      [] {
        const pid_t child = fork();
        if (child == 0) {
          // Would hang handing the baton to threads the child does not have, were it still controlled.
          std::mutex mutex;
          std::thread([&] { std::lock_guard lock(mutex); }).join();
          std::this_thread::sleep_for(1ms);
          _exit(0);
        }
        int status = -1;
        waitpid(child, &status, 0);
        weft::expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child ended normally");
      },
      weft::explore_options().strategy("random").iterations(3).quiet());
  EXPECT_FALSE(result.failed()) << result.report;
}

}  // namespace
