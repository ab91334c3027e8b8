// Shrinking a failing schedule and telling it as a story: the reported schedule has the fewest
// preemptions that still fail the same way, replays that failure, and its story names the functions
// and lines where the preemptions fell.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>
#include <weft/atomic.hpp>
#include <weft/sched.hpp>

namespace {

using failure = weft::explore_result::failure;

weft::explore_options random_runs(std::size_t runs) {
  return weft::explore_options()
      .strategy("random")
      .seed(3)
      .iterations(runs)
      .time_budget(std::chrono::minutes(10))
      .quiet();
}

void bump(weft::atomic<int>& counter) {
  const int seen = counter.load();  // the line of the first operation
  counter.store(seen + 1);          // the line of the second
}

// One lost update among threads that do unrelated locked work: a random schedule preempts
// everywhere, and one preemption (in bump, between the load and the store) is all the bug needs.
void lost_update_among_busy_threads() {
  weft::atomic<int> counter{0};
  std::mutex busy_lock;
  int busy_work = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 3; ++k) {
        std::lock_guard lock(busy_lock);
        ++busy_work;
      }
    });
  }
  threads.emplace_back([&] { bump(counter); });
  threads.emplace_back([&] { bump(counter); });
  for (std::thread& thread : threads) thread.join();
  weft::expect(counter.load() == 2, "an increment was lost");
}

std::size_t preemptions_found_before_shrinking(const std::string& report) {
  std::smatch found;
  if (!std::regex_search(report, found, std::regex("shrunk from ([0-9]+)"))) return 0;
  return std::stoul(found[1]);
}

TEST(Shrink, ALostUpdateAmongBusyThreadsShrinksToOnePreemption) {
  const weft::explore_result result = weft::explore(lost_update_among_busy_threads, random_runs(500));
  ASSERT_TRUE(result.failed());
  EXPECT_EQ(result.kind, failure::user_check) << result.report;
  EXPECT_GT(preemptions_found_before_shrinking(result.report), 1u) << result.report;
  EXPECT_EQ(result.preemptions, 1u) << result.report;
  std::puts(result.report.c_str());
}

}  // namespace
