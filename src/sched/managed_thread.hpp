// A thread under a controlled run, and the one thread-local that says which one the caller is.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <optional>

#include "platform/own_code.hpp"
#include "sched/operation.hpp"

namespace weft::sched {

class run;

// Thread states of a controlled run, and who moves a thread between them:
//
//   state      | may be chosen to run | left by
//   -----------+----------------------+-------------------------------------------------------------
//   runnable   | yes                  | being chosen (it keeps the state while it runs), block()
//   blocked    | no                   | a wake on its object, or its virtual deadline passing
//   finished   | no                   | never
//   released   | no                   | never: the watchdog let it run free after it stopped
//              |                      | reaching scheduling points; it is no longer controlled
enum class thread_state : std::uint8_t { runnable, blocked, finished, released };

struct managed_thread {
  thread_id id = 0;
  int tid = 0;  // the OS thread id, once the thread runs
  pthread_t handle{};
  class run* owner = nullptr;
  // 1 while this thread may run. Exactly one managed thread of a run holds it at a time.
  std::atomic<std::uint32_t> baton{0};

  thread_state state = thread_state::runnable;
  operation next{op_kind::start, 0};        // what it does when it runs next
  operation waiting_for{};                  // while blocked: the object and the call
  std::optional<std::int64_t> deadline_ns;  // while blocked in a timed call: virtual time it gives up
  bool timed_out = false;                   // set when the deadline, not a wake, unblocked it
  std::uint64_t woken_order = 0;            // FIFO order among threads blocked on one object
  // The run's count of progress by punctual threads when it blocked: a timed wait may time out before
  // its deadline would come by itself only once a thread not woken early has made progress since.
  std::uint64_t blocked_at_progress = 0;
  // A strategy woke it before its deadline would have come by itself; cleared when it waits for time
  // again. Its progress meanwhile lets no other timed waiter wake early.
  bool woke_early = false;
  bool firm_deadline = false;  // weft's own timed wait: its deadline never comes early
  // While at a yield: the run's progress count when it got there. Until that count moves, it waits for
  // another thread to make progress (candidate::waits_for_progress).
  std::optional<std::uint64_t> yielded_at;
  std::uint64_t yield_turn = 0;  // order of its last yield among the run's yields: the oldest goes first
  // How many of its points in a row loaded again the location its point before loaded (see
  // spinning_reloads in run.cpp).
  unsigned reloads = 0;
  std::uintptr_t call_site = 0;  // the intercepted call in progress was made from here
  std::uint32_t stack_node = 0;  // instrumented code's call stack, in the run's stack_depot
};

// The managed thread the caller is, or nullptr when it is not managed or is running weft's own code.
// This is the one check every interposer makes before doing anything controlled.
[[nodiscard]] managed_thread* managed_self();
// managed_self(), also noting where the program called from (an interposer's return address) for the
// scheduling point the call is about to reach.
[[nodiscard]] inline managed_thread* managed_self_at(const void* call_site) {
  managed_thread* self = managed_self();
  if (self != nullptr) self->call_site = reinterpret_cast<std::uintptr_t>(call_site);
  return self;
}
void set_managed_self(managed_thread* thread);

// While alive, managed_self() returns nullptr on this thread: weft's own locks and allocations inside a
// controlled call must not become scheduling points themselves. The marker is the platform's, so that
// rooms below the scheduler (tasks) can set it too.
using inside_weft = platform::own_code_section;

}  // namespace weft::sched
