// Which threads exist: current_tid, list_threads, thread_exists.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "eventually.hpp"
#include "platform/threads.hpp"

namespace weft::platform {
namespace {

using weft::testing::eventually;

TEST(CurrentTid, IsTheKernelThreadIdAndDiffersBetweenThreads) {
  EXPECT_EQ(current_tid(), ::gettid());
  int other = 0;
  std::thread([&] { other = current_tid(); }).join();
  EXPECT_NE(other, 0);
  EXPECT_NE(other, current_tid());
}

TEST(ListThreads, AppendsEveryLiveThreadInAscendingOrder) {
  std::atomic<bool> release{false};
  std::vector<std::atomic<int>> tids(3);
  std::vector<std::thread> threads;
  for (auto& tid : tids) {
    threads.emplace_back([&] {
      tid = current_tid();
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  }
  ASSERT_TRUE(eventually([&] { return std::ranges::all_of(tids, [](auto& t) { return t != 0; }); }));

  std::vector<int> listed{-7};  // list_threads appends; what was there stays
  ASSERT_TRUE(list_threads(listed));
  release = true;
  for (auto& thread : threads) thread.join();

  ASSERT_GE(listed.size(), 5u);
  EXPECT_EQ(listed.front(), -7);
  EXPECT_TRUE(std::is_sorted(listed.begin() + 1, listed.end()));
  EXPECT_NE(std::ranges::find(listed, ::getpid()), listed.end());
  EXPECT_NE(std::ranges::find(listed, current_tid()), listed.end());
  for (auto& tid : tids) EXPECT_NE(std::ranges::find(listed, tid.load()), listed.end()) << tid;
}

TEST(ListThreads, LeavesOutThreadsThatExited) {
  int gone = 0;
  std::thread([&] { gone = current_tid(); }).join();
  EXPECT_TRUE(eventually([&] {
    std::vector<int> listed;
    return list_threads(listed) && std::ranges::find(listed, gone) == listed.end();
  }));
}

TEST(ThreadExists, IsTrueForLiveThreadsAndFalseAfterJoin) {
  EXPECT_TRUE(thread_exists(current_tid()));
  std::atomic<int> tid{0};
  std::atomic<bool> release{false};
  std::thread thread([&] {
    tid = current_tid();
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  EXPECT_TRUE(thread_exists(tid));
  release = true;
  thread.join();
  // pthread_join may return a moment before the kernel has removed the task.
  EXPECT_TRUE(eventually([&] { return !thread_exists(tid); }));
}

TEST(ThreadExists, IsFalseForIdsNoThreadCanHave) {
  EXPECT_FALSE(thread_exists(0));
  EXPECT_FALSE(thread_exists(-1));
}

}  // namespace
}  // namespace weft::platform
