// Spin loops that yield (sched_yield, std::this_thread::yield, sleep(0)) or load one weft::atomic
// again and again, under every strategy: a correct one ends in every schedule, because a yielder
// waits until another thread has made progress; its buggy twin is still found and replayed; and
// threads that only ever wait for each other are still a livelock.
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>
#include <weft/atomic.hpp>
#include <weft/sched.hpp>

namespace {

using failure = weft::explore_result::failure;

// How a spin loop backs off. Each reaches weft differently: sched_yield directly, std::this_thread::
// yield through libstdc++, sleep(0) as a sleep of no time.
enum class backoff { sched_yield, this_thread_yield, sleep_zero };

void back_off(backoff how) {
  switch (how) {
    case backoff::sched_yield:
      sched_yield();
      return;
    case backoff::this_thread_yield:
      std::this_thread::yield();
      return;
    case backoff::sleep_zero:
      sleep(0);
      return;
  }
}

// A test-and-set lock that yields while it is held.
class yield_spin_lock {
 public:
  explicit yield_spin_lock(backoff how) : how_(how) {}
  void lock() {
    while (held_.exchange(true)) back_off(how_);
  }
  void unlock() { held_.store(false); }

 private:
  backoff how_;
  weft::atomic<bool> held_{false};
};

// Its buggy twin: the test and the set are two steps, so two threads can both see the lock free.
class check_then_set_lock {
 public:
  void lock() {
    while (held_.load()) sched_yield();
    held_.store(true);
  }
  void unlock() { held_.store(false); }

 private:
  weft::atomic<bool> held_{false};
};

// Two threads add to a counter under `Lock`, two steps per increment so that a broken lock loses one.
template <typename Lock, typename... LockArguments>
std::function<void()> counted_under(LockArguments... arguments) {
  return [=] {
    Lock lock(arguments...);
    weft::atomic<int> counter{0};
    auto add = [&] {
      for (int i = 0; i < 2; ++i) {
        lock.lock();
        const int seen = counter.load();
        counter.store(seen + 1);
        lock.unlock();
      }
    };
    std::thread first(add), second(add);
    first.join();
    second.join();
    weft::expect(counter.load() == 4, "lost an increment: " + std::to_string(counter.load()));
  };
}

// A barrier that spins on sched_yield until everyone arrived. With `arrivals_awaited` one short, the
// last thread's write can come after a reader passed: the buggy twin.
std::function<void()> yield_barrier(int arrivals_awaited) {
  return [=] {
    constexpr int threads = 3;
    weft::atomic<int> arrived{0};
    std::vector<weft::atomic<int>> slots(threads);
    auto meet = [&](int me) {
      slots[static_cast<std::size_t>(me)].store(me + 1);
      arrived.fetch_add(1);
      while (arrived.load() < arrivals_awaited) sched_yield();
      for (int other = 0; other < threads; ++other) {
        weft::expect(slots[static_cast<std::size_t>(other)].load() == other + 1,
                     "passed the barrier before thread " + std::to_string(other) + " arrived");
      }
    };
    std::vector<std::thread> team;
    for (int me = 0; me < threads; ++me) team.emplace_back(meet, me);
    for (std::thread& member : team) member.join();
  };
}

// A Treiber stack whose consumer spins with sched_yield while it is empty. With `push_with_cas`
// false a push is a load and a store, and two producers can lose one of their nodes: the buggy twin.
std::function<void()> treiber_stack(bool push_with_cas) {
  return [=] {
    struct node {
      int value = 0;
      node* next = nullptr;
    };
    constexpr int per_producer = 2;
    weft::atomic<node*> head{nullptr};
    weft::atomic<int> producers_done{0};
    std::vector<node> nodes(2 * per_producer);
    auto push = [&](node* pushed) {
      if (push_with_cas) {
        pushed->next = head.load();
        while (!head.compare_exchange_weak(pushed->next, pushed)) sched_yield();
      } else {
        pushed->next = head.load();
        head.store(pushed);
      }
    };
    auto pop = [&]() -> node* {
      node* top = head.load();
      while (top != nullptr && !head.compare_exchange_weak(top, top->next)) sched_yield();
      return top;
    };
    auto produce = [&](int first) {
      for (int i = 0; i < per_producer; ++i) {
        node& pushed = nodes[static_cast<std::size_t>(first + i)];
        pushed.value = first + i + 1;
        push(&pushed);
      }
      producers_done.fetch_add(1);
    };
    int sum = 0;
    std::thread consumer([&] {
      for (int taken = 0; taken < 2 * per_producer;) {
        // Read before the pop: if both producers were done then, an empty stack means a lost push.
        const bool all_pushed = producers_done.load() == 2;
        if (node* popped = pop()) {
          sum += popped->value;
          ++taken;
        } else if (all_pushed) {
          return;
        } else {
          sched_yield();
        }
      }
    });
    std::thread first(produce, 0), second(produce, per_producer);
    first.join();
    second.join();
    consumer.join();
    weft::expect(sum == 1 + 2 + 3 + 4, "a push was lost: the consumer took " + std::to_string(sum));
  };
}

weft::explore_options schedules_of(const std::string& strategy, std::size_t runs) {
  return weft::explore_options().strategy(strategy).iterations(runs).quiet();
}

void expect_every_schedule_passes(const std::function<void()>& program, const std::string& strategy,
                                  std::size_t runs) {
  const weft::explore_result result = weft::explore(program, schedules_of(strategy, runs));
  EXPECT_FALSE(result.failed()) << strategy << ": " << result.report;
  EXPECT_FALSE(result.uncontrolled) << strategy;
  if (strategy != "dfs") {
    EXPECT_EQ(result.schedules, runs) << strategy;
  }
}

// Different byte strings are different schedules; each replays one.
void expect_every_byte_schedule_passes(const std::function<void()>& program, int strings) {
  std::string decisions;
  for (int i = 0; i < strings; ++i) {
    decisions += static_cast<char>((i * 37 + 11) % 256);
    const weft::explore_result result =
        weft::explore(program, schedules_of("bytes", 1).bytes(decisions + decisions + decisions));
    EXPECT_FALSE(result.failed()) << "bytes " << i << ": " << result.report;
    EXPECT_FALSE(result.uncontrolled) << "bytes " << i;
  }
}

void expect_found_and_replayed(const std::function<void()>& program, const std::string& strategy,
                               std::size_t budget) {
  const weft::explore_result found = weft::explore(program, schedules_of(strategy, budget));
  ASSERT_EQ(found.kind, failure::user_check) << strategy << ": " << found.report;
  for (int attempt = 0; attempt < 10; ++attempt) {
    const weft::explore_result again = weft::replay(found.replay, program, weft::explore_options().quiet());
    EXPECT_EQ(again.kind, failure::user_check) << again.report;
    EXPECT_FALSE(again.diverged) << again.divergence;
  }
}

TEST(YieldSpinLock, PassesAThousandPctSchedules) {
  for (backoff how : {backoff::sched_yield, backoff::this_thread_yield, backoff::sleep_zero}) {
    const weft::explore_result result =
        weft::explore(counted_under<yield_spin_lock>(how), schedules_of("pct", 1000));
    EXPECT_FALSE(result.failed()) << static_cast<int>(how) << ": " << result.report;
    EXPECT_EQ(result.schedules, 1000u);
    EXPECT_FALSE(result.uncontrolled);
  }
}

TEST(YieldSpinLock, PassesFiveHundredSchedulesOfEveryOtherStrategy) {
  const std::function<void()> program = counted_under<yield_spin_lock>(backoff::sched_yield);
  for (const char* strategy : {"random", "pos", "dfs", "portfolio"}) {
    expect_every_schedule_passes(program, strategy, 500);
  }
  expect_every_byte_schedule_passes(program, 50);
}

TEST(YieldSpinLock, ItsCheckThenSetTwinLosesAnIncrementAndReplays) {
  expect_found_and_replayed(counted_under<check_then_set_lock>(), "pct", 1000);
  expect_found_and_replayed(counted_under<check_then_set_lock>(), "portfolio", 1000);
}

TEST(YieldBarrier, PassesEveryStrategy) {
  const std::function<void()> program = yield_barrier(3);
  expect_every_schedule_passes(program, "pct", 1000);
  for (const char* strategy : {"random", "pos", "dfs", "portfolio"}) {
    expect_every_schedule_passes(program, strategy, 500);
  }
  expect_every_byte_schedule_passes(program, 50);
}

TEST(YieldBarrier, ItsOffByOneTwinLetsAThreadPassEarlyAndReplays) {
  expect_found_and_replayed(yield_barrier(2), "pct", 1000);
  expect_found_and_replayed(yield_barrier(2), "portfolio", 1000);
}

TEST(YieldTreiberStack, PassesEveryStrategy) {
  const std::function<void()> program = treiber_stack(true);
  expect_every_schedule_passes(program, "pct", 1000);
  for (const char* strategy : {"random", "pos", "dfs", "portfolio"}) {
    expect_every_schedule_passes(program, strategy, 500);
  }
  expect_every_byte_schedule_passes(program, 50);
}

TEST(YieldTreiberStack, ItsPushWithoutCasTwinLosesANodeAndReplays) {
  expect_found_and_replayed(treiber_stack(false), "pct", 1000);
  expect_found_and_replayed(treiber_stack(false), "portfolio", 1000);
}

// The yielder waits for a sleeper: with every runnable thread yielding, time moves to the deadline.
TEST(YieldSpin, WaitingForASleepingThreadEnds) {
  const std::function<void()> program = [] {
    weft::atomic<bool> ready{false};
    std::thread sleeper([&] {
      usleep(1000);
      ready.store(true);
    });
    while (!ready.load()) sched_yield();
    sleeper.join();
  };
  for (const char* strategy : {"pct", "random", "pos", "dfs", "portfolio"}) {
    expect_every_schedule_passes(program, strategy, 100);
  }
}

// A spin without any yield, on a weft::atomic: after two loads of the flag in a row, the next one
// waits for another thread's progress as a yield would.
TEST(SpinOnALoad, WaitingForAFlagEndsUnderEveryStrategy) {
  const std::function<void()> program = [] {
    weft::atomic<bool> ready{false};
    weft::atomic<int> payload{0};
    std::thread producer([&] {
      payload.store(1);
      payload.store(payload.load() + 1);
      ready.store(true);
    });
    while (!ready.load()) {
    }
    weft::expect(payload.load() == 2, "read the payload before it was ready");
    producer.join();
  };
  expect_every_schedule_passes(program, "pct", 1000);
  for (const char* strategy : {"random", "pos", "dfs", "portfolio"}) {
    expect_every_schedule_passes(program, strategy, 500);
  }
  expect_every_byte_schedule_passes(program, 50);
}

TEST(SpinOnALoad, ThreadsThatOnlyLoadWaitingForEachOtherAreStillALivelock) {
  const std::function<void()> program = [] {
    weft::atomic<bool> first_went{false}, second_went{false};
    std::thread first([&] {
      while (!second_went.load()) {
      }
      first_went.store(true);
    });
    while (!first_went.load()) {
    }
    second_went.store(true);
    first.join();
  };
  for (const char* strategy : {"pct", "random", "pos", "dfs", "portfolio"}) {
    const weft::explore_result result = weft::explore(program, schedules_of(strategy, 3).max_steps(2000));
    EXPECT_EQ(result.kind, failure::livelock) << strategy << ": " << result.report;
    EXPECT_NE(result.report.find("no thread made progress"), std::string::npos) << result.report;
  }
}

// Two threads that each wait, yielding, for the other to go first: nothing can ever progress.
TEST(YieldSpin, ThreadsThatOnlyWaitForEachOtherAreStillALivelock) {
  const std::function<void()> program = [] {
    weft::atomic<bool> first_went{false}, second_went{false};
    std::thread first([&] {
      while (!second_went.load()) sched_yield();
      first_went.store(true);
    });
    std::thread second([&] {
      while (!first_went.load()) sched_yield();
      second_went.store(true);
    });
    first.join();
    second.join();
  };
  for (const char* strategy : {"pct", "random", "pos", "dfs", "portfolio"}) {
    const weft::explore_result result = weft::explore(program, schedules_of(strategy, 3).max_steps(2000));
    EXPECT_EQ(result.kind, failure::livelock) << strategy << ": " << result.report;
    EXPECT_NE(result.report.find("no thread made progress"), std::string::npos) << result.report;
  }
}

}  // namespace
