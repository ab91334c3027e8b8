// capture_stacks with many threads at once, and with threads that exit while they are captured.
#include <gtest/gtest.h>
#include <pthread.h>

#include <chrono>
#include <memory>
#include <thread>

#include "blocked_threads.hpp"
#include "eventually.hpp"
#include "platform/threads.hpp"

namespace weft::platform {
namespace {

using namespace std::chrono_literals;
using weft::testing::contains;
using weft::testing::eventually;
using weft::testing::gate;
using weft::testing::pipe_pair;
using weft::testing::read_one_byte;

struct thread_marks {
  std::atomic<int> tid{0};
  std::atomic<std::uintptr_t> return_address{0};
};

TEST(CaptureStacks, CapturesThousandThreadsWaitingOnOneConditionVariable) {
  constexpr int count = 1000;
  gate gate;
  std::vector<thread_marks> marks(count);
  std::vector<std::thread> threads;
  for (auto& mark : marks) {
    threads.emplace_back([&] {
      mark.tid = current_tid();
      gate.wait(mark.return_address);
    });
  }
  ASSERT_TRUE(eventually([&] { return gate.waiting() == count; }, 120s));
  std::vector<int> tids;
  for (const auto& mark : marks) tids.push_back(mark.tid);

  const auto stacks = capture_stacks(tids, 60s);
  gate.open();
  for (auto& thread : threads) thread.join();

  ASSERT_EQ(stacks.size(), tids.size());
  int captured = 0;
  for (int i = 0; i < count; ++i) {
    EXPECT_EQ(stacks[i].unavailable_reason, "") << "thread " << i;
    captured += contains(stacks[i].pcs, marks[i].return_address) ? 1 : 0;
  }
  EXPECT_EQ(captured, count);
}

// Threads with small stacks so that five thousand fit in a test's memory.
class small_thread {
 public:
  small_thread(int fd, thread_marks& marks) : fd_(fd), marks_(marks) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 128 * 1024);
    started_ = pthread_create(&thread_, &attr, &small_thread::run, this) == 0;
    pthread_attr_destroy(&attr);
  }
  ~small_thread() {
    if (started_) pthread_join(thread_, nullptr);
  }
  [[nodiscard]] bool started() const { return started_; }

 private:
  static void* run(void* self) {
    auto* me = static_cast<small_thread*>(self);
    me->marks_.tid = current_tid();
    read_one_byte(me->fd_, me->marks_.return_address);
    return nullptr;
  }
  int fd_;
  thread_marks& marks_;
  pthread_t thread_{};
  bool started_ = false;
};

TEST(CaptureStacks, CapturesFiveThousandThreadsInOneCall) {
  constexpr int count = 5000;
  pipe_pair pipe;
  std::vector<thread_marks> marks(count);
  std::vector<std::unique_ptr<small_thread>> threads;
  for (auto& mark : marks) threads.push_back(std::make_unique<small_thread>(pipe.read_end(), mark));
  const bool all_started = std::ranges::all_of(threads, [](auto& thread) { return thread->started(); });
  const bool all_marked =
      all_started &&
      eventually(
          [&] { return std::ranges::all_of(marks, [](auto& mark) { return mark.return_address != 0; }); },
          120s);
  std::vector<int> tids;
  for (const auto& mark : marks) tids.push_back(mark.tid);
  const auto stacks = all_marked ? capture_stacks(tids, 60s) : std::vector<captured_stack>{};
  // Every started thread needs its byte before it can be joined.
  pipe.write_bytes(
      static_cast<std::size_t>(std::ranges::count_if(threads, [](auto& t) { return t->started(); })));
  threads.clear();

  ASSERT_TRUE(all_started) << "could not start " << count << " threads";
  ASSERT_TRUE(all_marked);
  int captured = 0;
  for (int i = 0; i < count; ++i) captured += contains(stacks[i].pcs, marks[i].return_address) ? 1 : 0;
  EXPECT_EQ(captured, count);
}

// A thread that finishes right as it is signalled may be inside glibc's exit path with every signal
// blocked; it must come back captured or exited, never hang the call or crash the process.
TEST(CaptureStacks, NeverHangsOnThreadsExitingWhileCaptured) {
  constexpr int rounds = 300;
  constexpr int per_round = 4;
  int captured = 0;
  int exited = 0;
  for (int round = 0; round < rounds; ++round) {
    std::atomic<int> tids[per_round] = {};
    std::vector<std::thread> threads;
    for (auto& tid : tids) threads.emplace_back([&tid] { tid = current_tid(); });
    ASSERT_TRUE(eventually([&] { return std::ranges::all_of(tids, [](auto& tid) { return tid != 0; }); }));
    const std::vector<int> wanted(std::begin(tids), std::end(tids));
    const auto start = std::chrono::steady_clock::now();
    const auto stacks = capture_stacks(wanted, 60s);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    for (auto& thread : threads) thread.join();

    ASSERT_LT(elapsed, 30s) << "round " << round;
    for (const auto& stack : stacks) {
      const bool answered = stack.unavailable_reason.empty() && !stack.pcs.empty();
      ASSERT_TRUE(answered != stack.exited) << "round " << round << ": reason \"" << stack.unavailable_reason
                                            << "\", " << stack.pcs.size() << " pcs, exited " << stack.exited;
      captured += answered ? 1 : 0;
      exited += stack.exited ? 1 : 0;
    }
  }
  EXPECT_EQ(captured + exited, rounds * per_round);
}

}  // namespace
}  // namespace weft::platform
