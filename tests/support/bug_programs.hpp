// Small concurrent programs with a known bug, each beside a correct twin. Every program is a
// function a controlled run can execute; the bug shows as a failed weft::expect, a deadlock or a
// leaked (forever blocked) thread.
#pragma once

#include <sched.h>

#include <condition_variable>
#include <mutex>
#include <string_view>
#include <thread>
#include <weft/atomic.hpp>
#include <weft/sched.hpp>

namespace weft_test {

// Two threads increment a counter with a read and a write separated by a scheduling point.
inline void lost_update() {
  int counter = 0;
  auto increment = [&] {
    const int seen = counter;
    weft::yield_point();
    counter = seen + 1;
  };
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  weft::expect(counter == 2, "lost update: counter is " + std::to_string(counter));
}

// The lost update at the start of a run of about 200,000 scheduling points (66,000 locked
// increments: the lock, the unlock and the point after the unlock), seen by the check at the end: a
// schedule far too long to print or to pass in the environment uncompressed.
inline void long_lost_update() {
  std::mutex mutex;
  long total = 0;
  int started = 0;
  auto work = [&] {
    const int seen = started;
    weft::yield_point();
    started = seen + 1;
    for (int i = 0; i < 33'000; ++i) {
      std::lock_guard lock(mutex);
      ++total;
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  weft::expect(started == 2, "lost update after " + std::to_string(total) + " locked increments");
}

inline void lost_update_fixed() {
  int counter = 0;
  std::mutex mutex;
  auto increment = [&] {
    std::lock_guard lock(mutex);
    const int seen = counter;
    weft::yield_point();
    counter = seen + 1;
  };
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  weft::expect(counter == 2, "lost update: counter is " + std::to_string(counter));
}

// Both threads see the flag clear and both claim the one slot.
inline void check_then_act() {
  weft::atomic<int> claimed{0};
  int winners = 0;
  auto claim = [&] {
    if (claimed.load() == 0) {
      claimed.store(1);
      ++winners;
    }
  };
  std::thread a(claim), b(claim);
  a.join();
  b.join();
  weft::expect(winners == 1, "check-then-act: " + std::to_string(winners) + " winners");
}

inline void check_then_act_fixed() {
  weft::atomic<int> claimed{0};
  int winners = 0;
  auto claim = [&] {
    int expected = 0;
    if (claimed.compare_exchange_strong(expected, 1)) ++winners;
  };
  std::thread a(claim), b(claim);
  a.join();
  b.join();
  weft::expect(winners == 1, "check-then-act: " + std::to_string(winners) + " winners");
}

// The reader may run before the writer has published the configuration.
inline void use_before_initialization() {
  weft::atomic<const int*> config{nullptr};
  static const int value = 42;
  std::thread reader(
      [&] { weft::expect(config.load() != nullptr, "read the configuration before it was set"); });
  config.store(&value);
  reader.join();
}

inline void use_before_initialization_fixed() {
  weft::atomic<const int*> config{nullptr};
  static const int value = 42;
  config.store(&value);
  std::thread reader(
      [&] { weft::expect(config.load() != nullptr, "read the configuration before it was set"); });
  reader.join();
}

// Two threads take two locks in opposite orders.
inline void abba_deadlock() {
  std::mutex first, second;
  std::thread a([&] {
    std::lock_guard hold_first(first);
    std::lock_guard hold_second(second);
  });
  std::thread b([&] {
    std::lock_guard hold_second(second);
    std::lock_guard hold_first(first);
  });
  a.join();
  b.join();
}

inline void abba_deadlock_fixed() {
  std::mutex first, second;
  auto both = [&] { std::scoped_lock hold(first, second); };
  std::thread a(both), b(both);
  a.join();
  b.join();
}

// The signal may come before the wait, which has no predicate to notice it: the waiter sleeps forever.
inline void lost_wakeup() {
  std::mutex mutex;
  std::condition_variable ready;
  std::thread waiter([&] {
    std::unique_lock lock(mutex);
    ready.wait(lock);
  });
  { std::lock_guard lock(mutex); }
  ready.notify_one();
  waiter.join();
}

inline void lost_wakeup_fixed() {
  std::mutex mutex;
  std::condition_variable ready;
  bool signalled = false;
  std::thread waiter([&] {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return signalled; });
  });
  {
    std::lock_guard lock(mutex);
    signalled = true;
  }
  ready.notify_one();
  waiter.join();
}

// A one-slot buffer whose consumers re-check the condition with `if`: after a wake, another consumer
// may have taken the item already.
template <bool use_while>
void bounded_buffer() {
  std::mutex mutex;
  std::condition_variable changed;
  int items = 0;
  int consumed = 0;
  auto consumer = [&] {
    std::unique_lock lock(mutex);
    if constexpr (use_while) {
      while (items == 0) changed.wait(lock);
    } else {
      if (items == 0) changed.wait(lock);
    }
    weft::expect(items > 0, "a consumer took an item from an empty buffer");
    --items;
    ++consumed;
    changed.notify_all();
  };
  auto producer = [&] {
    for (int i = 0; i < 2; ++i) {
      std::unique_lock lock(mutex);
      while (items == 1) changed.wait(lock);
      ++items;
      changed.notify_all();
    }
  };
  std::thread c1(consumer), c2(consumer), p(producer);
  c1.join();
  c2.join();
  p.join();
  weft::expect(consumed == 2, "consumed " + std::to_string(consumed));
}

inline void bounded_buffer_with_if() {
  bounded_buffer<false>();
}
inline void bounded_buffer_with_while() {
  bounded_buffer<true>();
}

// Fails only when three events happen in one order across threads: a before b before c, where the
// natural order is the reverse.
inline void needs_three_ordered_preemptions() {
  weft::atomic<int> stage{0};
  std::thread third([&] {
    for (int i = 0; i < 3; ++i) weft::yield_point();
    if (stage.load() == 2) stage.store(3);
  });
  std::thread second([&] {
    for (int i = 0; i < 3; ++i) weft::yield_point();
    if (stage.load() == 1) stage.store(2);
  });
  std::thread first([&] {
    for (int i = 0; i < 3; ++i) weft::yield_point();
    stage.store(1);
  });
  first.join();
  second.join();
  third.join();
  weft::expect(stage.load() != 3, "the three stages ran in order");
}

inline void needs_three_ordered_preemptions_fixed() {
  weft::atomic<int> stage{0};
  std::thread first([&] { stage.store(1); });
  first.join();
  weft::expect(stage.load() == 1, "stage 1 ran");
}

// Two threads add to a counter under a spin lock that yields while the lock is held. The buggy lock
// tests and sets in two steps, so both threads can see it free and take it.
template <bool test_and_set_in_one_step>
void add_under_a_yield_spin_lock() {
  weft::atomic<bool> held{false};
  weft::atomic<int> counter{0};
  auto add = [&] {
    if (test_and_set_in_one_step) {
      while (held.exchange(true)) sched_yield();
    } else {
      while (held.load()) sched_yield();
      held.store(true);
    }
    counter.store(counter.load() + 1);
    held.store(false);
  };
  std::thread a(add), b(add);
  a.join();
  b.join();
  weft::expect(counter.load() == 2, "lost an increment under the spin lock");
}

inline void yield_spin_lock() {
  add_under_a_yield_spin_lock<false>();
}

inline void yield_spin_lock_fixed() {
  add_under_a_yield_spin_lock<true>();
}

// Every program above by name, for the binaries that pick one from the command line or the
// environment (the weft command's tests, the schedule fuzzers, bench/).
struct named_program {
  std::string_view name;
  void (*run)();
  bool has_bug;  // false for a correct twin
};

inline constexpr named_program bug_programs[] = {
    {"lost_update", lost_update, true},
    {"lost_update_fixed", lost_update_fixed, false},
    {"check_then_act", check_then_act, true},
    {"check_then_act_fixed", check_then_act_fixed, false},
    {"use_before_initialization", use_before_initialization, true},
    {"use_before_initialization_fixed", use_before_initialization_fixed, false},
    {"abba_deadlock", abba_deadlock, true},
    {"abba_deadlock_fixed", abba_deadlock_fixed, false},
    {"lost_wakeup", lost_wakeup, true},
    {"lost_wakeup_fixed", lost_wakeup_fixed, false},
    {"bounded_buffer_with_if", bounded_buffer_with_if, true},
    {"bounded_buffer_with_while", bounded_buffer_with_while, false},
    {"needs_three_ordered_preemptions", needs_three_ordered_preemptions, true},
    {"needs_three_ordered_preemptions_fixed", needs_three_ordered_preemptions_fixed, false},
    {"yield_spin_lock", yield_spin_lock, true},
    {"yield_spin_lock_fixed", yield_spin_lock_fixed, false},
};

// The program called `name`, or nullptr.
inline void (*find_bug_program(std::string_view name))() {
  for (const named_program& program : bug_programs) {
    if (program.name == name) return program.run;
  }
  return nullptr;
}

}  // namespace weft_test
