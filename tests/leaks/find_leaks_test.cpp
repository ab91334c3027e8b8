// find_leaks on each way a thread can be left behind, and on the correct code next to it.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>
#include <vector>
#include <weft/weft.hpp>

#include "blocked_threads.hpp"
#include "platform/eventually.hpp"

namespace {

using namespace std::chrono_literals;

bool has_function(const weft::stack_trace& stack, std::string_view part) {
  for (const weft::stack_frame& frame : stack.frames) {
    if (frame.function.find(part) != std::string::npos) return true;
  }
  return false;
}

const weft::thread_info& only_leak(const weft::leak_report& report) {
  EXPECT_EQ(report.thread_count(), 1u) << report.text();
  return report.groups().at(0).threads.at(0);
}

weft::options quick() {
  return weft::options().settle_timeout(50ms);
}

// The report once the one leaked thread has reached a state starting with `expected`: a thread just
// started may not have blocked yet, and a napping thread is briefly running between naps. Gives up
// after 10 s and returns the last report, so the assertion that follows shows what was seen.
weft::leak_report report_once_state_is(std::string_view expected) {
  weft::leak_report report;
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  do {
    report = weft::find_leaks(quick());
    if (report.thread_count() == 1 && report.groups()[0].threads[0].state.starts_with(expected)) break;
    std::this_thread::sleep_for(5ms);
  } while (std::chrono::steady_clock::now() < give_up);
  return report;
}

TEST(FindLeaks, ReportsThreadWaitingOnConditionVariable) {
  weft::test_scope scope("FindLeaks.CondvarWaiter");
  weft_test::parked_thread waiter;
  weft::leak_report report = report_once_state_is("condition_variable wait");
  const weft::thread_info& leak = only_leak(report);
  EXPECT_EQ(leak.state, "condition_variable wait");
  EXPECT_TRUE(has_function(leak.stack, "wait_for_release")) << report.text();
  EXPECT_EQ(leak.created.how, weft::creation_record::origin::pthread_create);
  EXPECT_EQ(leak.created.test, "FindLeaks.CondvarWaiter");
  EXPECT_TRUE(has_function(leak.created.stack, "parked_thread")) << report.text();
  EXPECT_NE(report.text().find("in test FindLeaks.CondvarWaiter"), std::string::npos) << report.text();
}

TEST(FindLeaks, ReportsThreadBlockedOnHeldMutex) {
  weft_test::mutex_locker locker;
  weft::leak_report report = report_once_state_is("mutex lock");
  const weft::thread_info& leak = only_leak(report);
  EXPECT_EQ(leak.state, "mutex lock") << report.text();
  EXPECT_TRUE(has_function(leak.stack, "lock_held_mutex")) << report.text();
}

TEST(FindLeaks, ReportsSleepingThread) {
  weft_test::sleeper sleeper;
  weft::leak_report report = report_once_state_is("sleep");
  EXPECT_EQ(only_leak(report).state, "sleep") << report.text();
}

TEST(FindLeaks, ReportsThreadReadingFromPipe) {
  weft_test::pipe_reader reader;
  const std::string expected = "read(fd " + std::to_string(reader.read_fd()) + ": pipe:[";
  weft::leak_report report = report_once_state_is(expected);
  EXPECT_EQ(only_leak(report).state.rfind(expected, 0), 0u) << report.text();
}

TEST(FindLeaks, ReportsThreadInPoll) {
  weft_test::poller poller;
  weft::leak_report report = report_once_state_is("poll");
  EXPECT_EQ(only_leak(report).state.rfind("poll", 0), 0u) << report.text();
}

TEST(FindLeaks, ReportsBusyLoopingThread) {
  weft_test::spinner spinner;
  weft::leak_report report = report_once_state_is("running");
  const weft::thread_info& leak = only_leak(report);
  EXPECT_EQ(leak.state, "running") << report.text();
  EXPECT_TRUE(has_function(leak.stack, "spin_until_released")) << report.text();
}

TEST(FindLeaks, ReportsDetachedThread) {
  std::atomic<bool> released{false};
  std::atomic<bool> finished{false};
  std::thread([&] {
    while (!released) std::this_thread::sleep_for(5ms);
    finished = true;
  }).detach();
  weft::leak_report report = weft::find_leaks(quick());
  EXPECT_EQ(report.thread_count(), 1u) << report.text();
  released = true;
  while (!finished) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(weft::find_leaks(weft::options().settle_timeout(5s)).empty());
}

TEST(FindLeaks, ReportsLiveJthread) {
  std::jthread worker([](std::stop_token stop) {
    while (!stop.stop_requested()) std::this_thread::sleep_for(5ms);
  });
  weft::leak_report report = weft::find_leaks(quick());
  EXPECT_EQ(only_leak(report).created.how, weft::creation_record::origin::pthread_create);
}

TEST(FindLeaks, StaysSilentWhenThreadsAreJoined) {
  { weft_test::parked_thread waiter; }
  { weft_test::pipe_reader reader; }
  { weft_test::mutex_locker locker; }
  {
    std::jthread worker([] {});
  }
  weft::leak_report report = weft::find_leaks(weft::options().settle_timeout(0ms));
  EXPECT_TRUE(report.empty()) << report.text();
  EXPECT_EQ(report.text(), "");
}

TEST(FindLeaks, WaitsForThreadThatExitsShortlyAfterTheTestAndNoLonger) {
  std::thread([] { std::this_thread::sleep_for(50ms); }).detach();
  const auto began = std::chrono::steady_clock::now();
  weft::leak_report report = weft::find_leaks(weft::options().settle_timeout(10s));
  const auto waited = std::chrono::steady_clock::now() - began;
  EXPECT_TRUE(report.empty()) << report.text();
  // Event-driven: the check ends when the thread exits, far from the 10 s deadline.
  EXPECT_LT(waited, 5s);
}

TEST(FindLeaks, ReportsThreadThatBlocksEverySignalWithoutHanging) {
  std::atomic<bool> released{false};
  std::latch blocked{1};
  std::thread blocker([&] {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    blocked.count_down();
    while (!released) std::this_thread::sleep_for(5ms);
  });
  blocked.wait();
  const auto began = std::chrono::steady_clock::now();
  weft::leak_report report = weft::find_leaks(quick());
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
  const weft::thread_info& leak = only_leak(report);
  EXPECT_FALSE(leak.stack.available());
  EXPECT_NE(leak.stack.unavailable_reason.find("blocks signal"), std::string::npos) << report.text();
  EXPECT_NE(report.text().find("stack unavailable"), std::string::npos) << report.text();
  released = true;
  blocker.join();
}

TEST(FindLeaks, GroupsAThousandLikeThreadsIntoOne) {
  std::mutex mutex;
  std::condition_variable wake;
  bool released = false;
  int waiting = 0;
  std::vector<std::thread> pool;
  for (int i = 0; i < 1000; ++i) {
    pool.emplace_back([&] {
      std::unique_lock lock(mutex);
      ++waiting;
      wake.wait(lock, [&] { return released; });
    });
  }
  // Each has taken the lock and gone to wait (the wait releases the lock it counted under).
  EXPECT_TRUE(weft::testing::eventually([&] {
    std::lock_guard lock(mutex);
    return waiting == 1000;
  }));
  weft::leak_report report = weft::find_leaks(weft::options().settle_timeout(10ms));
  EXPECT_EQ(report.thread_count(), 1000u);
  EXPECT_LE(report.groups().size(), 3u) << "like threads must group; got " << report.groups().size();
  EXPECT_NE(report.text().find("threads (tids"), std::string::npos);
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  wake.notify_all();
  for (std::thread& thread : pool) thread.join();
}

TEST(FindLeaks, SurvivesThreadsExitingWhileItLooks) {
  std::atomic<bool> stop{false};
  std::thread churner([&] {
    while (!stop) {
      std::vector<std::thread> batch;
      for (int i = 0; i < 8; ++i)
        batch.emplace_back([] { std::this_thread::sleep_for(std::chrono::microseconds(300)); });
      for (std::thread& thread : batch) thread.join();
    }
  });
  for (int i = 0; i < 30; ++i) {
    weft::leak_report report = weft::find_leaks(weft::options().settle_timeout(0ms));
    for (const weft::leak_group& group : report.groups()) {
      for (const weft::thread_info& thread : group.threads) EXPECT_GT(thread.id.tid, 0);
    }
  }
  stop = true;
  churner.join();
}

TEST(FindLeaks, SnapshotLeavesOutTheCallerUnlessAsked) {
  weft_test::parked_thread waiter;
  weft::snapshot without = weft::take_snapshot();
  weft::snapshot with = weft::take_snapshot({.include_caller = true});
  EXPECT_EQ(with.threads.size(), without.threads.size() + 1);
  EXPECT_NE(with.text().find("FindLeaks_SnapshotLeavesOutTheCallerUnlessAsked"), std::string::npos)
      << with.text();
}

}  // namespace

namespace {

TEST(CreationOrigin, MainThreadWasCreatedBeforeWeftWasLoaded) {
  weft::leak_report report;
  const int main_tid = gettid();
  std::thread([&] { report = weft::find_leaks(weft::options().settle_timeout(0ms)); }).join();
  ASSERT_EQ(report.thread_count(), 1u) << report.text();
  const weft::thread_info& main_thread = report.groups()[0].threads[0];
  EXPECT_EQ(main_thread.id.tid, main_tid);
  EXPECT_EQ(main_thread.created.how, weft::creation_record::origin::before_weft_loaded);
  EXPECT_NE(report.text().find("created before weft was loaded"), std::string::npos) << report.text();
}

void* wait_for_flag(void* flag) {
  while (!static_cast<std::atomic<bool>*>(flag)->load()) std::this_thread::sleep_for(1ms);
  return nullptr;
}

TEST(CreationOrigin, ThreadCreatedBehindWeftsBackIsUnseen) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "a thread AddressSanitizer did not see created crashes in its runtime";
#endif
  // libc's own pthread_create, reached through its handle rather than the global lookup that weft's
  // interposer wins.
  void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(libc, nullptr);
  using create_function = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  auto real_create = reinterpret_cast<create_function>(dlsym(libc, "pthread_create"));
  ASSERT_NE(real_create, nullptr);
  std::atomic<bool> release{false};
  pthread_t thread;
  ASSERT_EQ(real_create(&thread, nullptr, wait_for_flag, &release), 0);
  const auto began = std::chrono::steady_clock::now();
  weft::leak_report report = weft::find_leaks(weft::options().settle_timeout(100ms));
  EXPECT_GE(std::chrono::steady_clock::now() - began, 100ms)
      << "an unseen thread must be polled until the deadline";
  ASSERT_EQ(report.thread_count(), 1u) << report.text();
  EXPECT_EQ(report.groups()[0].threads[0].created.how, weft::creation_record::origin::unseen);
  release = true;
  pthread_join(thread, nullptr);
  dlclose(libc);
}

// A thread started by glibc's clone() wrapper, which no interposer of weft sees: the check after a
// baseline must still find it (the kernel's thread count changed), though nothing weft counts did.
int spin_until_released(void* flag) {
  // Shares the creator's TLS: touches nothing of libc, only the flag.
  while (!static_cast<std::atomic<bool>*>(flag)->load()) __builtin_ia32_pause();
  return 0;
}

bool threads_listed_include(int tid) {
  return std::filesystem::exists("/proc/self/task/" + std::to_string(tid));
}

// Starts a thread with raw clone(), checks with `baseline` while it runs, and returns the report once
// the thread has exited (its stack must outlive it).
weft::leak_report check_with_a_raw_clone_running(const weft::options& baseline, int& tid) {
  std::vector<char> stack(256 * 1024);
  std::atomic<bool> release{false};
  tid = clone(spin_until_released, stack.data() + stack.size(),
              CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM, &release);
  if (tid <= 0) return {};
  weft::leak_report report = weft::find_leaks(baseline);
  release = true;
  for (int waited = 0; waited < 5000 && threads_listed_include(tid); ++waited)
    std::this_thread::sleep_for(1ms);
  EXPECT_FALSE(threads_listed_include(tid));
  return report;
}

TEST(Baseline, ARawCloneAfterItIsFoundThoughWeftDidNotSeeItCreated) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "a thread AddressSanitizer did not see created crashes in its runtime";
#endif
  const weft::options baseline = weft::options().settle_timeout(50ms).ignore_current();
  EXPECT_TRUE(weft::find_leaks(baseline).empty());
  int tid = 0;
  const weft::leak_report report = check_with_a_raw_clone_running(baseline, tid);
  ASSERT_GT(tid, 0);
  ASSERT_EQ(report.thread_count(), 1u) << report.text();
  EXPECT_EQ(report.groups()[0].threads[0].id.tid, tid);
  EXPECT_EQ(report.groups()[0].threads[0].created.how, weft::creation_record::origin::unseen);
}

TEST(Baseline, KeptAfterACleanCheckStillFindsARawCloneOfTheNextTest) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "a thread AddressSanitizer did not see created crashes in its runtime";
#endif
  weft::options baseline = weft::options().settle_timeout(50ms).ignore_current();
  ASSERT_TRUE(weft::find_leaks(baseline).empty());  // the last test's end
  baseline.ignore_current_after_clean_check();      // the next test's start
  int tid = 0;
  const weft::leak_report report = check_with_a_raw_clone_running(baseline, tid);
  ASSERT_GT(tid, 0);
  ASSERT_EQ(report.thread_count(), 1u) << report.text();
  EXPECT_EQ(report.groups()[0].threads[0].id.tid, tid);
}

TEST(Baseline, AfterACleanCheckIsTakenAgainWhenAThreadWasCreatedSince) {
  weft::options baseline = weft::options().settle_timeout(50ms).ignore_current();
  ASSERT_TRUE(weft::find_leaks(baseline).empty());
  std::atomic<bool> release{false};
  std::thread between([&] {
    while (!release.load()) std::this_thread::sleep_for(1ms);
  });
  // Alive before the next test starts: that test did not leak it.
  baseline.ignore_current_after_clean_check();
  const weft::leak_report report = weft::find_leaks(baseline);
  release = true;
  between.join();
  EXPECT_TRUE(report.empty()) << report.text();
}

}  // namespace
