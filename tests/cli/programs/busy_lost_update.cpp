// One lost update among threads that do unrelated locked work, for the command's shrinking: a random
// schedule preempts everywhere, and the bug needs one preemption, in bump between its load and its
// store. tests/cli/cli_test.cpp names the lines below.
#include <mutex>
#include <thread>
#include <vector>
#include <weft/atomic.hpp>
#include <weft/sched.hpp>

void bump(weft::atomic<int>& counter) {
  const int seen = counter.load();  // line 11
  counter.store(seen + 1);          // line 12
}

void start_bumper(std::vector<std::thread>& threads, weft::atomic<int>& counter) {
  threads.emplace_back([&counter] { bump(counter); });  // line 16
}

int main() {
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
  start_bumper(threads, counter);
  start_bumper(threads, counter);
  for (std::thread& thread : threads) thread.join();
  weft::expect(counter.load() == 2, "an increment was lost");
  return 0;
}
