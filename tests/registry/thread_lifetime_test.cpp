// A record lives from pthread_create until its thread leaves the start routine, however it leaves.
#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <future>
#include <thread>
#include <vector>

#include "parked_thread.hpp"
#include "registry/registry.hpp"

namespace weft::registry_test {
namespace {

[[noreturn]] void exit_from_nested_frame() {
  pthread_exit(nullptr);
}

void* exit_through_pthread_exit(void* held) {
  static_cast<parking*>(held)->park();
  exit_from_nested_frame();
}

// Reports its tid without parking: a cancellation inside the parking's condition variable wait would
// unwind through a noexcept frame and terminate the process.
void* wait_for_cancellation(void* tid_promise) {
  static_cast<std::promise<int>*>(tid_promise)->set_value(platform::current_tid());
  // pause() is a cancellation point: pthread_cancel ends the thread here, by a forced unwind.
  for (;;) pause();
}

}  // namespace

TEST(ThreadLifetime, FindsRunningThreadUntilItIsJoined) {
  parking held;
  std::thread thread([&held] { held.park(); });
  int tid = held.wait_for_tid();
  ASSERT_NE(tid, 0);

  EXPECT_TRUE(registry::is_live(tid));
  std::optional<registry::thread_record> record = registry::find_live(tid);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->tid, tid);

  held.release();
  thread.join();
  EXPECT_FALSE(registry::is_live(tid));
  EXPECT_FALSE(registry::find_live(tid).has_value());
}

TEST(ThreadLifetime, CountsLiveThreadsBornAfterEachBirth) {
  std::uint64_t before_both = registry::last_birth();
  parking first_held;
  std::thread first([&first_held] { first_held.park(); });
  std::uint64_t after_first = registry::last_birth();
  parking second_held;
  std::thread second([&second_held] { second_held.park(); });

  EXPECT_EQ(after_first, before_both + 1);
  EXPECT_EQ(registry::last_birth(), before_both + 2);
  EXPECT_EQ(registry::count_live_born_after(before_both), 2u);
  EXPECT_EQ(registry::count_live_born_after(after_first), 1u);
  EXPECT_EQ(registry::count_live_born_after(registry::last_birth()), 0u);

  first_held.release();
  first.join();
  EXPECT_EQ(registry::count_live_born_after(before_both), 1u);
  EXPECT_EQ(registry::count_live_born_after(after_first), 1u);

  second_held.release();
  second.join();
  EXPECT_EQ(registry::count_live_born_after(before_both), 0u);
}

TEST(ThreadLifetime, ListsLiveRecordsBornAfterABirthInBirthOrder) {
  std::uint64_t before = registry::last_birth();
  std::vector<parking> held(3);
  std::vector<std::thread> threads;
  for (parking& one : held) threads.emplace_back([&one] { one.park(); });
  std::vector<int> tids;
  for (parking& one : held) tids.push_back(one.wait_for_tid());

  held[1].release();
  threads[1].join();
  std::vector<registry::thread_record> live;
  registry::live_born_after(before, live);
  held[0].release();
  held[2].release();
  for (std::thread& thread : threads) {
    if (thread.joinable()) thread.join();
  }

  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].tid, tids[0]);
  EXPECT_EQ(live[1].tid, tids[2]);
  EXPECT_EQ(live[0].birth, before + 1);
  EXPECT_EQ(live[1].birth, before + 3);
}

TEST(ThreadLifetime, MarksThreadThatCallsPthreadExitFinished) {
  parking held;
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, nullptr, &exit_through_pthread_exit, &held), 0);
  int tid = held.wait_for_tid();
  ASSERT_TRUE(registry::is_live(tid));
  std::uint32_t epoch = registry::exit_epoch();

  held.release();
  registry::wait_for_exit(epoch, std::chrono::steady_clock::now() + patience);
  EXPECT_NE(registry::exit_epoch(), epoch) << "wait_for_exit returned without an exit event";
  pthread_join(thread, nullptr);
  EXPECT_FALSE(registry::is_live(tid));
}

TEST(ThreadLifetime, MarksCancelledThreadFinished) {
#if defined(__SANITIZE_ADDRESS__)
  // Here GCC 12's AddressSanitizer trips over its own sigaltstack call as the cancelled thread ends
  // (a CHECK in GetStackFrameAccessByAddr). A plain cancelled thread under ASan with weft linked
  // ends cleanly, so the cause lies in how this test's frames are unwound; not yet understood.
  GTEST_SKIP() << "this cancellation trips an AddressSanitizer CHECK; see the comment";
#endif
  std::promise<int> tid_promise;
  std::future<int> reported = tid_promise.get_future();
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, nullptr, &wait_for_cancellation, &tid_promise), 0);
  ASSERT_EQ(reported.wait_for(patience), std::future_status::ready);
  int tid = reported.get();
  EXPECT_TRUE(registry::is_live(tid));
  std::uint32_t epoch = registry::exit_epoch();

  ASSERT_EQ(pthread_cancel(thread), 0);
  registry::wait_for_exit(epoch, std::chrono::steady_clock::now() + patience);
  EXPECT_NE(registry::exit_epoch(), epoch) << "wait_for_exit returned without an exit event";
  void* result = nullptr;
  pthread_join(thread, &result);
  EXPECT_EQ(result, PTHREAD_CANCELED);
  EXPECT_FALSE(registry::is_live(tid));
}

TEST(ThreadLifetime, FailedPthreadCreateLeavesNoRecord) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  // Half the address space: accepted by the attribute, refused when the stack is mapped.
  ASSERT_EQ(pthread_attr_setstacksize(&attr, SIZE_MAX / 2), 0);
  std::uint64_t before = registry::last_birth();
  std::atomic<bool> ran = false;
  pthread_t thread;

  int error = pthread_create(
      &thread, &attr,
      [](void* flag) -> void* {
        static_cast<std::atomic<bool>*>(flag)->store(true);
        return nullptr;
      },
      &ran);
  pthread_attr_destroy(&attr);

  ASSERT_NE(error, 0) << "a thread with a stack of " << SIZE_MAX / 2 << " bytes was created";
  EXPECT_EQ(registry::count_live_born_after(before), 0u);
  std::vector<registry::thread_record> live;
  registry::live_born_after(before, live);
  EXPECT_TRUE(live.empty());
  EXPECT_FALSE(ran.load());
}

TEST(ExistedAtLoad, KnowsTheMainThreadButNotThreadsStartedLater) {
  EXPECT_TRUE(registry::existed_at_load(getpid()));
  parking held;
  std::thread thread([&held] { held.park(); });
  int tid = held.wait_for_tid();
  held.release();
  thread.join();
  EXPECT_FALSE(registry::existed_at_load(tid));
}

}  // namespace weft::registry_test
