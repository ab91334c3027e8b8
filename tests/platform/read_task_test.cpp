// read_task on threads put into known states: blocked in read, in a condition variable, asleep, busy.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "blocked_threads.hpp"
#include "eventually.hpp"
#include "platform/threads.hpp"

namespace weft::platform {
namespace {

using namespace std::chrono_literals;
using weft::testing::eventually;
using weft::testing::pipe_pair;

// Polls read_task until `accept` holds for the thread, and returns that status.
template <typename Accept>
std::optional<task_status> read_task_when(int tid, Accept accept) {
  std::optional<task_status> status;
  eventually([&] {
    status = read_task(tid);
    return status && accept(*status);
  });
  return status;
}

TEST(ReadTask, NamesReadAndThePipeOfThreadBlockedInRead) {
  pipe_pair pipe;
  std::atomic<int> tid{0};
  std::thread reader([&] {
    tid = current_tid();
    char byte;
    EXPECT_EQ(::read(pipe.read_end(), &byte, 1), 1);
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  const auto status = read_task_when(tid, [](const task_status& s) { return s.call == blocking_call::read; });
  pipe.write_bytes(1);
  reader.join();

  ASSERT_TRUE(status);
  EXPECT_EQ(status->call, blocking_call::read);
  EXPECT_EQ(status->syscall_name, "read");
  EXPECT_EQ(status->fd, pipe.read_end());
  EXPECT_TRUE(status->fd_target.starts_with("pipe:[")) << status->fd_target;
  EXPECT_FALSE(status->running);
  EXPECT_EQ(status->state, 'S');
}

TEST(ReadTask, SaysFutexForConditionVariableWait) {
  std::mutex mutex;
  std::condition_variable changed;
  bool release = false;
  std::atomic<int> tid{0};
  std::thread waiter([&] {
    tid = current_tid();
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return release; });
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  const auto status =
      read_task_when(tid, [](const task_status& s) { return s.call == blocking_call::futex; });
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  waiter.join();

  ASSERT_TRUE(status);
  EXPECT_EQ(status->call, blocking_call::futex);
  EXPECT_EQ(status->syscall_name, "futex");
  EXPECT_EQ(status->fd, -1);
  EXPECT_FALSE(status->running);
}

TEST(ReadTask, SaysSleepForSleepingThread) {
  std::atomic<bool> release{false};
  std::atomic<int> tid{0};
  std::thread sleeper([&] {
    tid = current_tid();
    while (!release) std::this_thread::sleep_for(50ms);
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  const auto status =
      read_task_when(tid, [](const task_status& s) { return s.call == blocking_call::sleep; });
  release = true;
  sleeper.join();

  ASSERT_TRUE(status);
  EXPECT_EQ(status->syscall_name, "clock_nanosleep");
  EXPECT_FALSE(status->running);
}

TEST(ReadTask, SaysRunningForBusyThread) {
  std::atomic<bool> release{false};
  std::atomic<int> tid{0};
  std::thread spinner([&] {
    tid = current_tid();
    while (!release) {
    }
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  const auto status = read_task_when(tid, [](const task_status& s) { return s.running; });
  release = true;
  spinner.join();

  ASSERT_TRUE(status);
  EXPECT_TRUE(status->running);
  EXPECT_EQ(status->call, blocking_call::none);
  EXPECT_TRUE(status->syscall_name.empty());
}

TEST(ReadTask, ReportsTheCallerAsRunning) {
  const auto status = read_task(current_tid());
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->running);
  EXPECT_EQ(status->call, blocking_call::none);
  EXPECT_EQ(status->state, 'R');
}

TEST(ReadTask, ReadsNameStartTimeAndBlockedSignals) {
  std::atomic<int> tid{0};
  std::atomic<bool> release{false};
  std::thread named([&] {
    pthread_setname_np(pthread_self(), "we) ird (na)me");
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
    tid = current_tid();
    while (!release) std::this_thread::sleep_for(1ms);
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  const auto status = read_task(tid);
  const auto caller = read_task(current_tid());
  release = true;
  named.join();

  ASSERT_TRUE(status);
  ASSERT_TRUE(caller);
  EXPECT_EQ(status->name, "we) ird (na)me");
  EXPECT_EQ(status->blocked_signals, std::uint64_t{1} << (SIGUSR2 - 1));
  // A thread started after the test's main thread cannot have started earlier.
  EXPECT_GE(status->start_time, caller->start_time);
  EXPECT_GT(status->start_time, 0u);
}

TEST(ReadTask, ReturnsNulloptForThreadThatExited) {
  std::atomic<int> tid{0};
  std::thread([&] { tid = current_tid(); }).join();
  EXPECT_TRUE(eventually([&] { return !read_task(tid).has_value(); }));
}

TEST(ReadTask, ReturnsNulloptForTidOutsideThisProcess) {
  if (::getpid() == 1) GTEST_SKIP() << "this test binary is pid 1";
  EXPECT_FALSE(read_task(1).has_value());
}

}  // namespace
}  // namespace weft::platform
