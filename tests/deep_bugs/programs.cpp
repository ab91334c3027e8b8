#include "deep_bugs/programs.hpp"

#include <sched.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <weft/sched.hpp>

namespace weft_test::deep_bugs {
// Not an anonymous namespace: GCC's IPA-SRA may turn a local function's reads of its arguments'
// fields into values its caller loads, which moves plain accesses across the points between them.
namespace detail {

// ---- reorder: a preemption between two plain stores ----

constexpr int setters = 10;

// a and b on separate 8-byte blocks: each is its own scheduling point once shared.
struct pair_of_stores {
  alignas(64) int a = 0;
  alignas(64) int b = 0;
  std::mutex lock;
};

[[gnu::noinline]] void set_both(pair_of_stores& pair) {
  pair.a = 1;
  pair.b = -1;
}

[[gnu::noinline]] void check_both(const pair_of_stores& pair) {
  const int a = pair.a;
  const int b = pair.b;
  weft::expect((a == 0 && b == 0) || (a == 1 && b == -1),
               "the checker saw a = " + std::to_string(a) + ", b = " + std::to_string(b) +
                   ": a setter was preempted between its two stores");
}

void reorder_program(bool locked) {
  pair_of_stores pair;
  std::vector<std::thread> threads;
  for (int i = 0; i < setters; ++i) {
    threads.emplace_back([&] {
      if (!locked) return set_both(pair);
      std::lock_guard hold(pair.lock);
      set_both(pair);
    });
  }
  threads.emplace_back([&] {
    if (!locked) return check_both(pair);
    std::lock_guard hold(pair.lock);
    check_both(pair);
  });
  for (std::thread& thread : threads) thread.join();
}

// ---- two-stage initialization ----

constexpr int initializers = 20;

struct two_stages {
  std::mutex first, second;
  int stage_one = 0;
  int stage_two = 0;
};

[[gnu::noinline]] void initialize_in_two_steps(two_stages& stages) {
  {
    std::lock_guard hold(stages.first);
    stages.stage_one = 1;
  }
  std::lock_guard hold(stages.second);
  stages.stage_two = stages.stage_one + 1;
}

[[gnu::noinline]] void initialize_at_once(two_stages& stages) {
  std::lock_guard hold_first(stages.first);
  stages.stage_one = 1;
  std::lock_guard hold_second(stages.second);
  stages.stage_two = stages.stage_one + 1;
}

[[gnu::noinline]] void read_two_stages(two_stages& stages, bool hold_first_throughout) {
  std::unique_lock hold_first(stages.first);
  if (stages.stage_one == 0) return;
  const int one = stages.stage_one;
  if (!hold_first_throughout) hold_first.unlock();
  int two = 0;
  {
    std::lock_guard hold_second(stages.second);
    two = stages.stage_two;
  }
  weft::expect(two == one + 1, "the reader saw stage one = " + std::to_string(one) + " but stage two = " +
                                   std::to_string(two) + ": initialization was half done");
}

void two_stage_program(bool at_once) {
  two_stages stages;
  std::vector<std::thread> threads;
  for (int i = 0; i < initializers; ++i) {
    threads.emplace_back([&] { at_once ? initialize_at_once(stages) : initialize_in_two_steps(stages); });
  }
  threads.emplace_back([&] { read_two_stages(stages, at_once); });
  for (std::thread& thread : threads) thread.join();
}

// ---- work-stealing deque ----

constexpr int deque_items = 2;

struct deque {
  std::atomic<long> top{0};
  std::atomic<long> bottom{0};
  std::atomic<bool> slow_path{false};
  std::array<int, 8> items{};
  std::array<std::atomic<int>, deque_items> taken{};
};

void lock_slow_path(deque& d) {
  while (d.slow_path.exchange(true, std::memory_order_acquire)) sched_yield();
}

void unlock_slow_path(deque& d) {
  d.slow_path.store(false, std::memory_order_release);
}

void take(deque& d, int item) {
  weft::expect(d.taken[static_cast<std::size_t>(item)].fetch_add(1) == 0,
               "element " + std::to_string(item) + " was taken twice: a steal ran inside the owner's pop");
}

[[gnu::noinline]] void push(deque& d, int item) {
  const long b = d.bottom.load();
  d.items[static_cast<std::size_t>(b) % d.items.size()] = item;
  d.bottom.store(b + 1);
}

// Returns false when the deque looked empty or another thread won the element.
[[gnu::noinline]] bool steal(deque& d) {
  long t = d.top.load();
  const long b = d.bottom.load();
  if (t >= b) return false;
  const int item = d.items[static_cast<std::size_t>(t) % d.items.size()];
  lock_slow_path(d);
  const bool won = d.top.compare_exchange_strong(t, t + 1);
  unlock_slow_path(d);
  if (won) take(d, item);
  return won;
}

[[gnu::noinline]] bool pop(deque& d, bool publish_bottom_first) {
  long t = 0;
  long b = 0;
  if (publish_bottom_first) {
    b = d.bottom.load() - 1;
    d.bottom.store(b);
    t = d.top.load();
  } else {
    t = d.top.load();
    b = d.bottom.load() - 1;
    d.bottom.store(b);
  }
  if (t > b) {
    d.bottom.store(b + 1);
    return false;
  }
  const int item = d.items[static_cast<std::size_t>(b) % d.items.size()];
  if (t < b) {
    take(d, item);
    return true;
  }
  // The last element: the owner and the thieves race for it, so it is claimed by moving top.
  lock_slow_path(d);
  const bool won = d.top.compare_exchange_strong(t, t + 1);
  unlock_slow_path(d);
  d.bottom.store(b + 1);
  if (won) take(d, item);
  return won;
}

void deque_program(bool publish_bottom_first) {
  deque d;
  std::thread owner([&] {
    for (int item = 0; item < deque_items; ++item) push(d, item);
    while (pop(d, publish_bottom_first)) {
    }
  });
  std::vector<std::thread> thieves;
  for (int i = 0; i < 2; ++i) {
    thieves.emplace_back([&] {
      for (int attempt = 0; attempt < 2; ++attempt) (void)steal(d);
    });
  }
  owner.join();
  for (std::thread& thief : thieves) thief.join();
}

// ---- lock-free stack with ABA ----

constexpr int pool_size = 4;
constexpr int no_node = -1;
constexpr int nobody = -1;

struct stack_pool {
  // Bare index for the buggy stack; (version << 32) | index for the twin.
  std::atomic<std::uint64_t> top{0};
  std::array<std::atomic<int>, pool_size> next{};
  std::array<std::atomic<int>, pool_size> owner{};
  bool versioned = false;

  stack_pool() {
    for (int n = 0; n < pool_size; ++n) {
      next[static_cast<std::size_t>(n)].store(n + 1 < pool_size ? n + 1 : no_node);
      owner[static_cast<std::size_t>(n)].store(nobody);
    }
  }
};

int index_of(std::uint64_t top) {
  return static_cast<int>(static_cast<std::int32_t>(top & 0xFFFF'FFFFu));
}

std::uint64_t with_index(const stack_pool& pool, std::uint64_t old_top, int index) {
  const std::uint64_t version = pool.versioned ? (old_top >> 32) + 1 : 0;
  return (version << 32) | static_cast<std::uint32_t>(index);
}

[[gnu::noinline]] int pop_node(stack_pool& pool, int me) {
  std::uint64_t top = pool.top.load();
  while (true) {
    const int node = index_of(top);
    if (node == no_node) return no_node;
    const int next = pool.next[static_cast<std::size_t>(node)].load();
    if (pool.top.compare_exchange_strong(top, with_index(pool, top, next))) {
      const int held_by = pool.owner[static_cast<std::size_t>(node)].exchange(me);
      weft::expect(held_by == nobody, "node " + std::to_string(node) + " popped by thread " +
                                          std::to_string(me) + " while thread " + std::to_string(held_by) +
                                          " holds it (ABA)");
      return node;
    }
  }
}

[[gnu::noinline]] void push_node(stack_pool& pool, int node) {
  pool.owner[static_cast<std::size_t>(node)].store(nobody);
  std::uint64_t top = pool.top.load();
  while (true) {
    pool.next[static_cast<std::size_t>(node)].store(index_of(top));
    if (pool.top.compare_exchange_strong(top, with_index(pool, top, node))) return;
  }
}

void stack_program(bool versioned) {
  stack_pool pool;
  pool.versioned = versioned;
  std::vector<std::thread> threads;
  for (int me = 0; me < 3; ++me) {
    threads.emplace_back([&pool, me] {
      const int first = pop_node(pool, me);
      const int second = pop_node(pool, me);
      if (first != no_node) push_node(pool, first);
      if (second != no_node) push_node(pool, second);
    });
  }
  for (std::thread& thread : threads) thread.join();
}

// ---- object lifetimes ----

struct object {
  int references = 2;  // the table's and the cache's
  int frees = 0;
  bool freed = false;
  int payload = 42;
};

struct table {
  std::mutex lock;
  object* entry = nullptr;
};

void free_object(object& o) {
  weft::expect(++o.frees == 1, "double free: the object's last reference was dropped twice");
  o.freed = true;
}

[[gnu::noinline]] void use_object(const object& o) {
  weft::expect(!o.freed, "use after free: the reader used the object after its last reference was dropped");
  weft::expect(o.payload == 42, "the object's payload changed");
}

// The buggy put decides from a second read of the count, after the unlock.
[[gnu::noinline]] void put_reading_after_unlock(table& t, object& o) {
  {
    std::lock_guard hold(t.lock);
    --o.references;
  }
  if (o.references == 0) free_object(o);
}

[[gnu::noinline]] void put_deciding_under_lock(table& t, object& o) {
  bool last = false;
  {
    std::lock_guard hold(t.lock);
    last = --o.references == 0;
  }
  if (last) free_object(o);
}

void lifetime_program(bool correct) {
  object o;
  table t;
  t.entry = &o;
  const auto put = [&](object& p) {
    correct ? put_deciding_under_lock(t, p) : put_reading_after_unlock(t, p);
  };
  std::thread reader([&] {
    object* found = nullptr;
    {
      std::lock_guard hold(t.lock);
      found = t.entry;
      if (correct && found != nullptr) ++found->references;
    }
    if (found == nullptr) return;
    use_object(*found);
    if (correct) put(*found);
  });
  std::thread remover([&] {
    object* removed = nullptr;
    {
      std::lock_guard hold(t.lock);
      removed = t.entry;
      t.entry = nullptr;
    }
    put(*removed);
  });
  std::thread evictor([&] { put(o); });
  reader.join();
  remover.join();
  evictor.join();
}

}  // namespace detail

void reorder_stores() {
  detail::reorder_program(false);
}
void reorder_stores_twin() {
  detail::reorder_program(true);
}
void two_stage_init() {
  detail::two_stage_program(false);
}
void two_stage_init_twin() {
  detail::two_stage_program(true);
}
void steal_inside_pop() {
  detail::deque_program(false);
}
void steal_inside_pop_twin() {
  detail::deque_program(true);
}
void aba_stack() {
  detail::stack_program(false);
}
void aba_stack_twin() {
  detail::stack_program(true);
}
void object_lifetime() {
  detail::lifetime_program(false);
}
void object_lifetime_twin() {
  detail::lifetime_program(true);
}

}  // namespace weft_test::deep_bugs
