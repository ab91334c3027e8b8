// libweft's one internal surface: what weft's own pieces that are built apart from libweft.so call in
// it. libweft.so exports the public API of include/weft/ and these declarations, nothing else; every
// other room is hidden. The callers are weft's own and built with it: the instrument library's hooks
// (src/instrument/), the weft command's preload library (src/cli/preload/start_main.cpp) and the
// libFuzzer integration (integrations/libfuzzer/). Not an API for users: it changes with weft.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "weft/atomic.hpp"
#include "weft/sched.hpp"

namespace weft::sched {
struct managed_thread;
}

#pragma GCC visibility push(default)
namespace weft::internal {

// --- The instrument library's hooks: what the instrumented code's accesses mean to a controlled run
// (implemented in src/sched/access_points.cpp).
//
// Points: every atomic operation, and plain accesses to memory that more than one thread of the run
// has touched (an address only one thread uses cannot race, and making every stack access a point
// would bury the strategies in steps that change nothing). The rule looks at this run only, so a
// schedule replays in a fresh process: what an earlier run taught would be a different set of points.

enum class access_kind { read, write };
using detail::atomic_access;

// The slow path, for when a controlled run is in progress: records that the calling managed thread
// reads or writes [address, address + size) from code address `site` and, when another thread of its
// run touched any 8-byte granule of it before, makes the access a scheduling point first (atomic_load
// for reads, atomic_store for writes). An access that touches a block the run freed ends the run with
// use-after-free (heap_allocated below).
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

// --- The instrument library's allocator (src/instrument/heap_hooks.cpp): a program that links it has
// its malloc family and operator new/delete report here while a controlled run is in progress
// (implemented in src/sched/access_points.cpp; the checker is src/sched/heap_checker.hpp).

// Whether allocations go through the heap checks: one relaxed load. When false, the allocator
// forwards to the C library's at once.
inline bool heap_checked() {
  return detail::controlled_runs.load(std::memory_order_relaxed) != 0;
}
// `block` (not null) of `size` bytes was just allocated from code address `site`. Recorded when the
// calling thread is a controlled thread of the run; nothing happens for any other.
void heap_allocated(void* block, std::size_t size, const void* site);
// `block` (not null) is about to be freed from `site`, by any thread. True when the caller frees it
// for real now; false when weft keeps it in the run's quarantine (until the quarantine's bounds or the
// run's end), or when it was freed once already, which ends the run with a double-free if the caller
// is a controlled thread of it (and then returns only in the test's own thread, as weft::expect).
[[nodiscard]] bool heap_freeing(void* block, const void* site);

// --- The weft command's preload library: glibc's __libc_start_main, interposed there, hands the
// program's main over (implemented in src/cli/preload/preloaded_main.cpp).

using main_function = int (*)(int, char**, char**);

// Runs `main` as the weft command's protocol asks (src/cli/protocol.hpp): as it is when no mode is
// set, checked for leaked threads ("run"), or as the test function of one controlled run
// ("controlled"); clears the protocol's variables first, so that the program's children are not
// affected. Returns the exit code; may end the process itself when a run failed.
int run_preloaded_main(main_function main, int argc, char** argv, char** envp);

// --- The libFuzzer integration (implemented in src/sched/libfuzzer_surface.cpp).

// Interleaving feedback into libFuzzer's extra counters (sched/interleaving_feedback.hpp): starts
// counting into `counters`, which must stay valid for the rest of the process. Not during a run.
void start_interleaving_feedback(std::span<std::uint8_t> counters);
// WEFT_RACES and WEFT_REPLAY, read now through their one readers; nullopt when unset. Throw
// config_error naming a malformed value.
[[nodiscard]] std::optional<race_mode> races_from_environment();
[[nodiscard]] std::optional<std::string> replay_from_environment();

}  // namespace weft::internal
#pragma GCC visibility pop
