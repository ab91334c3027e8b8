#include "race/programs.hpp"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <weft/sched.hpp>

namespace weft_test::race {
// Not an anonymous namespace: GCC's IPA-SRA may rewrite a local function to take the fields it reads
// as values loaded by its caller, which moves the racing reads out of the function and reorders
// them (read_message then loads the message before the flag). External linkage keeps each access
// where the source has it.
namespace detail {

// ---- lost update ----

[[gnu::noinline]] void bump_counter(int& counter) {
  counter = counter + 1;
}

[[gnu::noinline]] void bump_counter_locked(int& counter, std::mutex& mutex) {
  std::lock_guard lock(mutex);
  counter = counter + 1;
}

void expect_counter(int counter) {
  weft::expect(counter == 2, "lost update: counter is " + std::to_string(counter) + ", expected 2");
}

// ---- flag before data ----

struct mailbox {
  int message = 0;
  bool ready = false;
};

[[gnu::noinline]] void publish_message(mailbox& box) {
  box.message = 42;
  box.ready = true;
}

[[gnu::noinline]] void read_message(const mailbox& box) {
  if (box.ready) weft::expect(box.message == 42, "the reader saw the flag but not the message");
}

struct synchronized_mailbox {
  int message = 0;
  std::atomic<bool> ready{false};
};

[[gnu::noinline]] void publish_message(synchronized_mailbox& box) {
  box.message = 42;
  box.ready.store(true, std::memory_order_release);
}

[[gnu::noinline]] void read_message(const synchronized_mailbox& box) {
  if (box.ready.load(std::memory_order_acquire)) {
    weft::expect(box.message == 42, "the reader saw the flag but not the message");
  }
}

template <typename Mailbox>
void exchange_one_message() {
  Mailbox box;
  std::thread writer([&] { publish_message(box); });
  std::thread reader([&] { read_message(box); });
  writer.join();
  reader.join();
}

// ---- different mutexes ----

// Each operation locks the mutex it was given; the bug is in who hands out which.
struct account {
  int balance = 100;
  std::mutex& for_deposits;
  std::mutex& for_withdrawals;
};

[[gnu::noinline]] void deposit(account& to, int amount) {
  std::lock_guard lock(to.for_deposits);
  to.balance += amount;
}

[[gnu::noinline]] void withdraw(account& from, int amount) {
  std::lock_guard lock(from.for_withdrawals);
  from.balance -= amount;
}

void run_both_tellers(account& shared) {
  std::thread depositor([&] { deposit(shared, 30); });
  std::thread withdrawer([&] { withdraw(shared, 20); });
  depositor.join();
  withdrawer.join();
  weft::expect(shared.balance == 110, "the balance is " + std::to_string(shared.balance) + ", expected 110");
}

// ---- Chase-Lev work-stealing deque ----

// After Chase and Lev (SPAA 2005) with the C11 orders of Le et al. (PPoPP 2013), except that the
// fences are folded into seq_cst operations: GCC does not instrument stand-alone fences. `publish` is
// the order of push's store of the new bottom; relaxed is the bug.
template <std::memory_order publish>
class work_stealing_deque {
 public:
  static constexpr int empty = -1;

  // Owner only.
  [[gnu::noinline]] void push(int item) {
    const long bottom = bottom_.load(std::memory_order_relaxed);
    slots_[bottom % capacity] = item;
    bottom_.store(bottom + 1, publish);
  }

  // Owner only. Returns empty when the deque is empty or a thief took the last item.
  [[gnu::noinline]] int pop() {
    const long bottom = bottom_.load(std::memory_order_relaxed) - 1;
    bottom_.store(bottom, std::memory_order_seq_cst);
    long top = top_.load(std::memory_order_seq_cst);
    if (top > bottom) {
      bottom_.store(bottom + 1, std::memory_order_seq_cst);
      return empty;
    }
    int item = slots_[bottom % capacity];
    if (top == bottom) {
      // The last item: the owner races the thieves for it through top.
      if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst)) item = empty;
      bottom_.store(bottom + 1, std::memory_order_seq_cst);
    }
    return item;
  }

  // Any thread. Returns empty when the deque is empty or another thread took the top item first.
  [[gnu::noinline]] int steal() {
    long top = top_.load(std::memory_order_seq_cst);
    const long bottom = bottom_.load(std::memory_order_seq_cst);
    if (top >= bottom) return empty;
    const int item = slots_[top % capacity];
    if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst)) return empty;
    return item;
  }

 private:
  static constexpr int capacity = 8;  // more than the programs ever hold: the ring never wraps
  std::atomic<long> top_{0};
  std::atomic<long> bottom_{0};
  int slots_[capacity] = {};
};

template <std::memory_order publish>
void share_three_items() {
  constexpr int items = 3;
  work_stealing_deque<publish> deque;
  int taken_by_owner[items + 1] = {};
  int taken_by_thief[2] = {};
  std::thread owner([&] {
    for (int item = 1; item <= items; ++item) deque.push(item);
    for (int taken = 0; taken <= items; ++taken) {
      taken_by_owner[taken] = deque.pop();
      if (taken_by_owner[taken] == deque.empty) break;
    }
  });
  std::thread thief([&] {
    for (int& taken : taken_by_thief) taken = deque.steal();
  });
  owner.join();
  thief.join();
  int times_taken[items + 1] = {};
  for (int item : taken_by_owner) {
    if (item != deque.empty) ++times_taken[item];
  }
  for (int item : taken_by_thief) {
    if (item != deque.empty) ++times_taken[item];
  }
  for (int item = 1; item <= items; ++item) {
    weft::expect(times_taken[item] == 1, "item " + std::to_string(item) + " was taken " +
                                             std::to_string(times_taken[item]) + " times");
  }
}

// ---- ABA on a lock-free stack ----

struct pool_node {
  // Atomic because a popper reads it while the node may be popped and pushed again elsewhere; the
  // popper's compare-exchange then decides whether what it read counts.
  std::atomic<std::uint32_t> next{0};
  int value = 0;  // plain: only the node's owner touches it
};

constexpr int pool_size = 3;
constexpr std::uint32_t no_node = 0;  // links and top hold a node's index + 1

// Top packs the top node's index + 1 (low half) with a version (high half).
template <bool versioned>
class node_stack {
 public:
  explicit node_stack(pool_node* pool) : pool_(pool) {}

  void push(int index) {
    std::uint64_t seen = top_.load(std::memory_order_relaxed);
    do {
      pool_[index].next.store(link_of(seen), std::memory_order_relaxed);
    } while (!top_.compare_exchange_strong(seen, successor(seen, index + 1), std::memory_order_release,
                                           std::memory_order_relaxed));
  }

  // Returns the popped node's index, or -1 when the stack is empty.
  int pop() {
    std::uint64_t seen = top_.load(std::memory_order_acquire);
    while (link_of(seen) != no_node) {
      const std::uint32_t next = pool_[link_of(seen) - 1].next.load(std::memory_order_relaxed);
      if (top_.compare_exchange_strong(seen, successor(seen, next), std::memory_order_acquire)) {
        return static_cast<int>(link_of(seen)) - 1;
      }
    }
    return -1;
  }

  // The nodes still on the stack, top first; at most pool_size + 1 of them, so a corrupted stack
  // with a cycle still ends.
  template <typename Visit>
  void for_each_node(Visit&& visit) const {
    std::uint32_t link = link_of(top_.load());
    for (int seen = 0; link != no_node && seen <= pool_size; ++seen) {
      visit(static_cast<int>(link) - 1);
      link = pool_[link - 1].next.load();
    }
  }

 private:
  static std::uint32_t link_of(std::uint64_t top) { return static_cast<std::uint32_t>(top); }
  static std::uint64_t successor(std::uint64_t top, std::uint32_t link) {
    const std::uint64_t version = versioned ? (top >> 32) + 1 : 0;
    return version << 32 | link;
  }

  std::atomic<std::uint64_t> top_{0};
  pool_node* pool_;
};

[[gnu::noinline]] int consume_node(const pool_node& node) {
  return node.value;
}

[[gnu::noinline]] void reuse_node(pool_node& node, int value) {
  node.value = value;
}

// One thread pops twice. The other pops two nodes, pushes the first back and keeps the second, which
// it then reuses: the classic ABA schedule lets the first thread pop that kept node as well.
template <bool versioned, bool checked = true>
void pop_and_recycle() {
  pool_node pool[pool_size];
  node_stack<versioned> stack(pool);
  for (int index = pool_size - 1; index >= 0; --index) {
    pool[index].value = index + 1;
    stack.push(index);
  }
  int popped[2] = {-1, -1};
  int values[2] = {};
  int kept = -1;
  std::thread popper([&] {
    for (int i = 0; i < 2; ++i) {
      popped[i] = stack.pop();
      if (popped[i] >= 0) values[i] = consume_node(pool[popped[i]]);
    }
  });
  std::thread recycler([&] {
    const int first = stack.pop();
    kept = stack.pop();
    if (first >= 0) {
      reuse_node(pool[first], 10 + first);
      stack.push(first);
    }
    if (kept >= 0) reuse_node(pool[kept], 20 + kept);
  });
  popper.join();
  recycler.join();
  int owners[pool_size] = {};
  for (int index : popped) {
    if (index >= 0) ++owners[index];
  }
  if (kept >= 0) ++owners[kept];
  stack.for_each_node([&](int index) { ++owners[index]; });
  for (int index = 0; index < pool_size && checked; ++index) {
    weft::expect(owners[index] == 1, "ABA: node " + std::to_string(index) + " has " +
                                         std::to_string(owners[index]) +
                                         " owners (popped, kept or on the stack)");
  }
}

// ---- memcpy against += ----

struct histogram {
  long long buckets[8];
  long long total;
};

[[gnu::noinline]] void record_hit(histogram& counts, int bucket) {
  counts.buckets[bucket] += 1;
  counts.total += 1;
}

[[gnu::noinline]] void take_snapshot(const histogram& counts, histogram& copy) {
  std::memcpy(&copy, &counts, sizeof copy);
}

void expect_consistent(const histogram& copy) {
  long long sum = 0;
  for (long long bucket : copy.buckets) sum += bucket;
  weft::expect(sum == copy.total, "torn snapshot: the buckets add up to " + std::to_string(sum) +
                                      " but the total says " + std::to_string(copy.total));
}

// ---- a message and a std::future ----

[[gnu::noinline]] void write_after_promise(int& message, std::promise<void>& promise, bool message_first) {
  if (message_first) message = 42;
  promise.set_value();
  if (!message_first) message = 42;
}

[[gnu::noinline]] int read_after_future(const int& message, std::future<void>& future) {
  future.wait();
  return message;
}

void hand_over_with_a_future(bool message_first) {
  int message = 0;
  std::promise<void> promise;
  std::future<void> future = promise.get_future();
  std::thread writer([&] { write_after_promise(message, promise, message_first); });
  std::thread reader([&] { (void)read_after_future(message, future); });
  writer.join();
  reader.join();
}

// ---- a message handed over with a raw futex ----

long futex(std::uint32_t* word, int op, std::uint32_t value) {
  return syscall(SYS_futex, word, op, value, nullptr, nullptr, 0);
}

[[gnu::noinline]] void write_after_wake(int& message, std::uint32_t& word, bool message_first) {
  if (message_first) message = 42;
  // Until the reader waits, a wake finds nobody: try again once it had its turn.
  while (futex(&word, FUTEX_WAKE_PRIVATE, 1) == 0) sched_yield();
  if (!message_first) message = 42;
}

[[gnu::noinline]] int read_after_wait(const int& message, std::uint32_t& word) {
  // The word stays 0, so nothing but a wake ends this wait (a spurious return would be EINTR or EAGAIN).
  while (futex(&word, FUTEX_WAIT_PRIVATE, 0) != 0) {
  }
  return message;
}

void hand_over_with_a_futex(bool message_first) {
  int message = 0;
  std::uint32_t word = 0;
  std::thread writer([&] { write_after_wake(message, word, message_first); });
  std::thread reader([&] { (void)read_after_wait(message, word); });
  writer.join();
  reader.join();
}

}  // namespace detail

using namespace detail;

void lost_update() {
  int counter = 0;
  std::thread a([&] { bump_counter(counter); });
  std::thread b([&] { bump_counter(counter); });
  a.join();
  b.join();
  expect_counter(counter);
}

void lost_update_twin() {
  int counter = 0;
  std::mutex mutex;
  std::thread a([&] { bump_counter_locked(counter, mutex); });
  std::thread b([&] { bump_counter_locked(counter, mutex); });
  a.join();
  b.join();
  expect_counter(counter);
}

void flag_before_data() {
  exchange_one_message<mailbox>();
}

void flag_before_data_twin() {
  exchange_one_message<synchronized_mailbox>();
}

void different_mutexes() {
  std::mutex deposits, withdrawals;
  account shared{100, deposits, withdrawals};
  run_both_tellers(shared);
}

void different_mutexes_twin() {
  std::mutex one;
  account shared{100, one, one};
  run_both_tellers(shared);
}

void chase_lev_relaxed_publish() {
  share_three_items<std::memory_order_relaxed>();
}

void chase_lev_twin() {
  share_three_items<std::memory_order_release>();
}

void aba_stack() {
  pop_and_recycle<false>();
}

void aba_stack_unchecked() {
  pop_and_recycle<false, false>();
}

void aba_stack_twin() {
  pop_and_recycle<true>();
}

void memcpy_snapshot() {
  histogram counts{};
  record_hit(counts, 0);  // before the threads start: ordered before both
  histogram copy{};
  std::thread worker([&] {
    record_hit(counts, 0);
    record_hit(counts, 3);
  });
  std::thread reporter([&] { take_snapshot(counts, copy); });
  worker.join();
  reporter.join();
  expect_consistent(copy);
}

void memcpy_snapshot_twin() {
  histogram counts{};
  record_hit(counts, 0);
  histogram copy{};
  std::mutex mutex;
  std::thread worker([&] {
    for (int bucket : {0, 3}) {
      std::lock_guard lock(mutex);
      record_hit(counts, bucket);
    }
  });
  std::thread reporter([&] {
    std::lock_guard lock(mutex);
    take_snapshot(counts, copy);
  });
  worker.join();
  reporter.join();
  expect_consistent(copy);
}

void message_after_promise() {
  detail::hand_over_with_a_future(false);
}

void message_after_promise_twin() {
  detail::hand_over_with_a_future(true);
}

void message_after_futex_wake() {
  detail::hand_over_with_a_futex(false);
}

void message_after_futex_wake_twin() {
  detail::hand_over_with_a_futex(true);
}

}  // namespace weft_test::race
