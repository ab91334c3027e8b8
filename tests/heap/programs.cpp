#include "heap/programs.hpp"

#include <atomic>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>
#include <weft/sched.hpp>

// The functions the reports name keep their own frames: GCC could inline, clone or fold them
// (noipa forbids all three); clang has no noipa, and noinline is what it needs.
#if defined(__clang__)
#define WEFT_HEAP_FRAME [[gnu::noinline]]
#else
#define WEFT_HEAP_FRAME [[gnu::noipa]]
#endif

namespace weft_test::heap {
namespace {

// ---- use-after-free ----

struct entry {
  int references = 1;  // the table's
  int payload = 42;
};

struct table {
  std::mutex lock;
  entry* slot = nullptr;
};

WEFT_HEAP_FRAME entry* make_entry() {
  return new entry;
}

WEFT_HEAP_FRAME int read_entry(const entry& found) {
  return found.payload;
}

WEFT_HEAP_FRAME void remove_entry(table& t) {
  entry* removed = nullptr;
  {
    std::lock_guard hold(t.lock);
    removed = t.slot;
    t.slot = nullptr;
  }
  delete removed;
}

WEFT_HEAP_FRAME void put_entry(table& t, entry* dropped) {
  bool last = false;
  {
    std::lock_guard hold(t.lock);
    last = --dropped->references == 0;
  }
  if (last) delete dropped;
}

void lifetime_program(bool counted) {
  table t;
  t.slot = make_entry();
  std::thread reader([&] {
    entry* found = nullptr;
    {
      std::lock_guard hold(t.lock);
      found = t.slot;
      if (counted && found != nullptr) ++found->references;
    }
    if (found == nullptr) return;
    weft::expect(read_entry(*found) == 42, "the entry's payload changed");
    if (counted) put_entry(t, found);
  });
  std::thread remover([&] {
    if (!counted) {
      remove_entry(t);
      return;
    }
    entry* removed = nullptr;
    {
      std::lock_guard hold(t.lock);
      removed = t.slot;
      t.slot = nullptr;
    }
    put_entry(t, removed);
  });
  reader.join();
  remover.join();
}

// ---- double-free ----

struct shared_buffer {
  std::atomic<bool> dropped{false};
  char* bytes = nullptr;
};

WEFT_HEAP_FRAME char* make_buffer() {
  return new char[64];
}

WEFT_HEAP_FRAME void drop_buffer(shared_buffer& shared) {
  if (!shared.dropped.load()) {
    shared.dropped.store(true);
    delete[] shared.bytes;
  }
}

WEFT_HEAP_FRAME void drop_buffer_once(shared_buffer& shared) {
  if (!shared.dropped.exchange(true)) delete[] shared.bytes;
}

void ownership_program(bool once) {
  shared_buffer shared;
  shared.bytes = make_buffer();
  const auto drop = [&] { once ? drop_buffer_once(shared) : drop_buffer(shared); };
  std::thread first(drop);
  std::thread second(drop);
  first.join();
  second.join();
}

// ---- reuse ----

constexpr std::size_t mapped_block_bytes = std::size_t{160} << 20;

WEFT_HEAP_FRAME void fill_and_free() {
  auto* block = static_cast<char*>(std::malloc(mapped_block_bytes));
  if (block == nullptr) return;
  block[0] = 1;
  std::free(block);
}

// ---- a queue of heap nodes ----

struct node {
  int value = 0;
  int copies[3] = {};
  node* next = nullptr;
};

struct shared_queue {
  std::mutex lock;
  node* head = nullptr;
  std::atomic<int> consumed{0};
};

WEFT_HEAP_FRAME void produce(shared_queue& queue, int count) {
  for (int made = 0; made < count; ++made) {
    node* fresh = new node;
    fresh->value = made + 1;
    for (int& copy : fresh->copies) copy = made + 1;
    std::lock_guard hold(queue.lock);
    fresh->next = queue.head;
    queue.head = fresh;
  }
}

WEFT_HEAP_FRAME void consume(shared_queue& queue, int count) {
  for (int taken = 0; taken < count;) {
    node* got = nullptr;
    {
      std::lock_guard hold(queue.lock);
      got = queue.head;
      if (got != nullptr) queue.head = got->next;
    }
    if (got == nullptr) {
      std::this_thread::yield();
      continue;
    }
    const bool intact = got->value == got->copies[0] && got->value == got->copies[2];
    delete got;
    queue.consumed.fetch_add(intact ? 1 : 0);
    ++taken;
  }
}

void queue_program() {
  shared_queue queue;
  constexpr int per_thread = 3;
  std::thread first_producer(produce, std::ref(queue), per_thread);
  std::thread second_producer(produce, std::ref(queue), per_thread);
  std::thread first_consumer(consume, std::ref(queue), per_thread);
  std::thread second_consumer(consume, std::ref(queue), per_thread);
  first_producer.join();
  second_producer.join();
  first_consumer.join();
  second_consumer.join();
  weft::expect(queue.consumed.load() == 2 * per_thread, "a node was lost or changed");
}

}  // namespace

void node_queue() {
  queue_program();
}

void use_after_free() {
  lifetime_program(false);
}
void use_after_free_twin() {
  lifetime_program(true);
}

void use_after_free_in_the_test_thread() {
  table t;
  t.slot = make_entry();
  std::thread remover([&] { remove_entry(t); });
  entry* const kept = t.slot;
  remover.join();
  if (kept != nullptr) weft::expect(read_entry(*kept) >= 0, "never fails: the read is what matters");
}

void double_free() {
  ownership_program(false);
}
void double_free_twin() {
  ownership_program(true);
}

void freed_block_reused_by_another_thread() {
  std::thread first(fill_and_free);
  std::thread second(fill_and_free);
  first.join();
  second.join();
}

}  // namespace weft_test::heap
