// libstdc++'s futex-based primitives under control: std::future/promise, std::latch, std::barrier,
// std::counting_semaphore and std::atomic<T>::wait/notify. Without the futex model every wait among
// them costs the watchdog and leaves the run uncontrolled.
#include <atomic>
#include <barrier>
#include <chrono>
#include <future>
#include <latch>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include "support/twin_verdicts.hpp"

namespace {

using failure = weft::explore_result::failure;

// A log line under a lock between two steps of a thread: a scheduling point, where another may run.
void log_step(std::mutex& log) {
  std::lock_guard lock(log);
}

// The consumer reads, after get(), a value the producer writes through a second path: before
// fulfilling the promise in the correct twin, after it in the buggy one.
void future_program(bool written_first) {
  std::promise<int> promise;
  std::future<int> future = promise.get_future();
  std::atomic<int> extra{0};
  std::mutex log;
  std::thread producer([&] {
    if (written_first) extra.store(2);
    promise.set_value(40);
    log_step(log);
    if (!written_first) extra.store(2);
  });
  const int seen = future.get() + extra.load();
  producer.join();
  weft::expect(seen == 42, "read the second value before it was written");
}

TEST(Future, ValueReadBeforeItWasWrittenIsFound) {
  weft_test::found_and_replayed([] { future_program(false); }, failure::user_check, 200);
}

TEST(Future, ValueWrittenBeforeTheResultPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { future_program(true); });
}

// A worker made before the run, so outside it, fulfils each run's promise: the waiter sleeps on a
// futex only that worker wakes. Not a deadlock: the run goes on, uncontrolled.
TEST(Future, FulfilledByAThreadOutsideTheRunIsNoDeadlock) {
  std::atomic<std::promise<int>*> handed{nullptr};
  std::atomic<bool> stop{false};
  std::thread outside([&] {
    while (!stop.load()) {
      if (std::promise<int>* promise = handed.exchange(nullptr)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        promise->set_value(42);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  const weft::explore_result result = weft::explore(
      [&] {
        std::promise<int> promise;
        std::future<int> future = promise.get_future();
        handed.store(&promise);
        weft::expect(future.get() == 42, "wrong value");
      },
      weft::explore_options().strategy("random").iterations(5).quiet());
  stop.store(true);
  outside.join();
  EXPECT_FALSE(result.failed()) << result.report;
}

// Workers count down a latch; the main thread waits on it and sums their results. The buggy workers
// write their result after counting down.
void latch_program(bool written_first) {
  constexpr int workers = 2;
  std::latch done(workers);
  std::atomic<int> results[workers] = {};
  std::mutex log;
  std::vector<std::thread> threads;
  for (int index = 0; index < workers; ++index) {
    threads.emplace_back([&, index] {
      if (written_first) results[index].store(1);
      done.count_down();
      log_step(log);
      if (!written_first) results[index].store(1);
    });
  }
  done.wait();
  const int seen = results[0].load() + results[1].load();
  for (std::thread& thread : threads) thread.join();
  weft::expect(seen == workers, "a result was missing after the latch");
}

TEST(Latch, ResultWrittenAfterCountDownIsFound) {
  weft_test::found_and_replayed([] { latch_program(false); }, failure::user_check, 200);
}

TEST(Latch, ResultsWrittenBeforeCountDownPassEveryStrategy) {
  weft_test::passes_every_strategy([] { latch_program(true); });
}

// Two threads meet at a barrier whose completion function adds their parts. The buggy second thread
// arrives first and writes its part afterwards, before it waits for the phase to end.
void barrier_program(bool written_first) {
  std::atomic<int> parts[2] = {};
  std::atomic<int> total{0};
  std::barrier meeting(2, [&]() noexcept { total.store(parts[0].load() + parts[1].load()); });
  std::mutex log;
  std::thread second([&] {
    if (written_first) {
      parts[1].store(2);
      meeting.arrive_and_wait();
    } else {
      auto token = meeting.arrive();
      log_step(log);
      parts[1].store(2);
      meeting.wait(std::move(token));
    }
  });
  parts[0].store(1);
  meeting.arrive_and_wait();
  second.join();
  weft::expect(total.load() == 3, "the completion function ran before every part was in");
}

TEST(Barrier, PartWrittenAfterArrivingIsFound) {
  weft_test::found_and_replayed([] { barrier_program(false); }, failure::user_check, 200);
}

TEST(Barrier, PartsWrittenBeforeArrivingPassEveryStrategy) {
  weft_test::passes_every_strategy([] { barrier_program(true); });
}

// A semaphore meant to admit one thread at a time into a section; the buggy one starts with 2.
void semaphore_program(std::ptrdiff_t initial) {
  std::counting_semaphore<2> slots(initial);
  std::atomic<int> inside{0};
  std::atomic<bool> crowded{false};
  auto enter = [&] {
    slots.acquire();
    if (inside.fetch_add(1) != 0) crowded.store(true);
    std::this_thread::yield();
    inside.fetch_sub(1);
    slots.release();
  };
  std::thread other(enter);
  enter();
  other.join();
  weft::expect(!crowded.load(), "two threads inside the one-at-a-time section");
}

TEST(CountingSemaphore, WrongInitialCountIsFound) {
  weft_test::found_and_replayed([] { semaphore_program(2); }, failure::user_check, 200);
}

TEST(CountingSemaphore, RightInitialCountPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { semaphore_program(1); });
}

// The buggy waiter sleeps on a word that does not carry the condition: when it is asleep before the
// producer sets the flag, the producer's notification wakes it to find its word unchanged, and
// std::atomic<T>::wait goes back to sleep for good.
void atomic_wait_program(bool wait_on_the_condition) {
  std::atomic<int> ready{0};
  std::atomic<int> word{0};
  std::thread waiter([&] {
    if (wait_on_the_condition) {
      ready.wait(0);
    } else {
      while (ready.load() == 0) word.wait(0);
    }
  });
  std::thread producer([&] {
    ready.store(1);
    if (wait_on_the_condition) {
      ready.notify_one();
    } else {
      word.notify_one();
    }
  });
  producer.join();
  waiter.join();
}

TEST(AtomicWait, LostWakeupIsFoundAsADeadlock) {
  weft_test::found_and_replayed([] { atomic_wait_program(false); }, failure::deadlock, 200);
}

TEST(AtomicWait, WaitingOnTheConditionPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { atomic_wait_program(true); });
}

// A pool whose workers take jobs when a semaphore says there is one: no run needs the watchdog, and
// none is judged hung.
TEST(CountingSemaphore, PoolWorkersWaitingForJobsPassEveryStrategy) {
  weft_test::passes_every_strategy([] {
    constexpr int jobs = 4;
    std::counting_semaphore<jobs + 2> queued(0);
    std::mutex queue_lock;
    std::vector<int> queue;
    std::atomic<int> done{0};
    auto work = [&] {
      for (;;) {
        queued.acquire();
        int job;
        {
          std::lock_guard lock(queue_lock);
          job = queue.back();
          queue.pop_back();
        }
        if (job < 0) return;
        done.fetch_add(job);
      }
    };
    std::thread first(work), second(work);
    for (int job = 1; job <= jobs; ++job) {
      {
        std::lock_guard lock(queue_lock);
        queue.insert(queue.begin(), job);
      }
      queued.release();
    }
    {
      std::lock_guard lock(queue_lock);
      queue.insert(queue.begin(), {-1, -1});
    }
    queued.release(2);
    first.join();
    second.join();
    weft::expect(done.load() == 1 + 2 + 3 + 4, "a job was lost");
  });
}

}  // namespace
