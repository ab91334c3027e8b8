// What the instrumented code's accesses mean to a controlled run: which are scheduling points, and
// the record of every access and atomic operation that race reports are made from.
//
// Points: every atomic operation, and plain accesses to memory that more than one thread of the run
// has touched (an address only one thread uses cannot race, and making every stack access a point
// would bury the strategies in steps that change nothing). The rule looks at this run only, so a
// schedule replays in a fresh process: what an earlier run taught would be a different set of points.
#pragma once

#include <atomic>
#include <cstddef>

#include "weft/atomic.hpp"

namespace weft::sched {
struct managed_thread;
}

namespace weft::instrument {

enum class access_kind { read, write };
using detail::atomic_access;

// The slow path, for when a controlled run is in progress: records that the calling managed thread
// reads or writes [address, address + size) from code address `site` and, when another thread of its
// run touched any 8-byte granule of it before, makes the access a scheduling point first (atomic_load
// for reads, atomic_store for writes).
// Returns at once for threads outside a run, released threads and weft's own code.
void plain_access_point(const void* address, std::size_t size, access_kind kind, const void* site);

// What every plain-access hook does: one relaxed load when no controlled run is in progress.
inline void on_plain_access(const void* address, std::size_t size, access_kind kind, const void* site) {
  if (detail::controlled_runs.load(std::memory_order_relaxed) != 0)
    plain_access_point(address, size, kind, site);
}

// One atomic operation of instrumented code: constructing it is the scheduling point; done() records
// what the operation turned out to be once it ran. Both cost one relaxed load outside a run.
class atomic_step {
 public:
  atomic_step(atomic_access access, const void* object, std::size_t size, const void* site) {
    if (detail::controlled_runs.load(std::memory_order_relaxed) != 0) begin(access, object, size, site);
  }
  void done(atomic_access access, int memory_order) {
    if (thread_ != nullptr) finish(access, memory_order);
  }

 private:
  void begin(atomic_access access, const void* object, std::size_t size, const void* site);
  void finish(atomic_access access, int memory_order);

  sched::managed_thread* thread_ = nullptr;  // set when the calling thread takes part in a run
  const void* object_ = nullptr;
  std::size_t size_ = 0;
  const void* site_ = nullptr;
};

// A fence's effect on happens-before in a controlled run; the fence itself is the caller's.
void fence_point(int memory_order);
inline void on_fence(int memory_order) {
  if (detail::controlled_runs.load(std::memory_order_relaxed) != 0) fence_point(memory_order);
}

// An instrumented function was entered from `call_site`, or returned: the shadow call stack race
// reports show. One relaxed load outside a run.
void enter_function(const void* call_site);
void leave_function();
inline void on_function_entry(const void* call_site) {
  if (detail::controlled_runs.load(std::memory_order_relaxed) != 0) enter_function(call_site);
}
inline void on_function_exit() {
  if (detail::controlled_runs.load(std::memory_order_relaxed) != 0) leave_function();
}

}  // namespace weft::instrument
