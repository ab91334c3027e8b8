// Heap misuse in a controlled run of code built with weft_instrument: the blocks the run's threads
// allocate, and a bounded quarantine that keeps the blocks they free from being handed out again, so
// that a later access to one (use-after-free) or a second free (double-free) is caught while the
// memory still holds what it held.
//
// One checker per process, since free() of any thread must ask it: a block in quarantine handed to
// the allocator by anybody but the checker would be freed twice once it leaves. It follows the run
// that started last; threads of another run, released threads and weft's own code are not tracked.
// Locking: its own lock, taken with no other weft lock held and never held while taking one, since
// weft's own code allocates while it holds the run's model lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sched/operation.hpp"

namespace weft::sched {

class run;
struct managed_thread;

// Something that happened to a block: by which thread, where (the instrumented callers, a node of the
// run's stack_depot, and the call or access itself), and, once a report needs them, the stack's pcs.
struct heap_event {
  thread_id thread = 0;
  std::uint32_t stack = 0;
  std::uintptr_t site = 0;
  std::vector<std::uintptr_t> pcs;  // innermost first; filled by run::misused_heap
};

struct heap_misuse {
  enum class kind { use_after_free, double_free };
  kind what = kind::use_after_free;
  std::uintptr_t address = 0;  // what the bad access touched, or the pointer freed again
  std::size_t size = 0;        // bytes accessed; 0 for a free
  bool write = false;
  std::uintptr_t block = 0;
  std::size_t block_size = 0;
  heap_event bad;  // the access, or the second free
  heap_event freed;
  heap_event allocated;
};

// "weft: use-after-free: thread 2 read 4 bytes at offset 8 of the 16-byte block at 0x..., which thread
// 1 had freed", or "weft: double-free: ..."; the stacks are the failure report's.
[[nodiscard]] std::string describe(const heap_misuse& misuse);

class heap_checker {
 public:
  // The quarantine's bounds, per run: past either, the oldest freed blocks go back to the allocator.
  // A block larger than quarantine_bytes alone goes back at once (its misuse is not caught).
  static constexpr std::size_t quarantine_bytes = std::size_t{64} << 20;
  static constexpr std::size_t quarantine_blocks = 16384;

  // `started` becomes the run whose threads are tracked; it starts with nothing allocated or freed.
  void run_started(const run& started);
  // Every block still in quarantine goes back to the allocator, and tracking stops.
  void run_ended(const run& ended);

  // `me`, a controlled thread, allocated `block` of `size` bytes from `site`.
  void allocated(const managed_thread& me, std::uintptr_t block, std::size_t size, std::uintptr_t site);

  struct free_verdict {
    bool release_now = true;            // the caller frees the block for real itself
    std::size_t forgotten = 0;          // bytes of a tracked block from its address on, now freed
    std::optional<heap_misuse> misuse;  // a second free of a quarantined block by a controlled thread
  };
  // `block` is being freed from `site` by `me` (nullptr: a thread the run does not control, whose
  // free of a quarantined block is dropped, since the block is freed once already).
  [[nodiscard]] free_verdict freeing(const managed_thread* me, std::uintptr_t block, std::uintptr_t site);

  // Whether `me`'s access of [address, address + size) from `site` touches a quarantined block.
  [[nodiscard]] std::optional<heap_misuse> check_access(const managed_thread& me, std::uintptr_t address,
                                                        std::size_t size, bool write, std::uintptr_t site);

  // Whether anything is quarantined: the access check's fast path.
  [[nodiscard]] bool quarantine_empty() const {
    return quarantined_count_.load(std::memory_order_relaxed) == 0;
  }

 private:
  struct live_block {
    std::size_t size = 0;
    heap_event allocated;
  };
  struct freed_block {
    std::size_t size = 0;
    std::uint64_t order = 0;  // its key in free_order_
    heap_event allocated;
    heap_event freed;
  };
  [[nodiscard]] bool tracks(const managed_thread& me) const;
  // Hands the oldest quarantined blocks back until the bounds hold; returns them, to free unlocked.
  void evict_past_bounds(std::vector<std::uintptr_t>& evicted);

  std::mutex mutex_;
  const run* run_ = nullptr;
  std::unordered_map<std::uintptr_t, live_block> live_;
  std::map<std::uintptr_t, freed_block> quarantine_;  // by address, for the access check's lookup
  // Quarantined blocks by when they were freed, oldest first. A map, not a deque: the checker is built
  // before the first run and must allocate nothing then.
  std::map<std::uint64_t, std::uintptr_t> free_order_;
  std::uint64_t frees_ = 0;
  std::size_t quarantined_bytes_ = 0;
  std::atomic<std::size_t> quarantined_count_{0};
};

// The process's one checker. Never destroyed: free() runs in other threads' destructors after main.
[[nodiscard]] heap_checker& heap();

// The first touches of [first, last] that decide plain-access points (access_points.cpp) are
// forgotten: the memory no longer holds what it held (a freed block, a finished thread's stack), and
// whoever gets it next must meet it as new whatever the allocator's history in this process.
void forget_first_touches(std::uintptr_t first, std::uintptr_t last);

}  // namespace weft::sched
