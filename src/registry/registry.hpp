// The record of every thread weft saw created: who made it, from where, in which test, and whether it
// has finished. Written by src/intercept/, read by snapshots and leak checks.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace weft::registry {

// A copy of one live record.
struct thread_record {
  std::uint64_t birth = 0;                   // 1-based, increases in creation order
  int tid = 0;                               // 0 while the thread has not started running yet
  std::vector<std::uintptr_t> creation_pcs;  // innermost first, beginning at pthread_create's caller
  const char* test = nullptr;                // interned test name; nullptr outside any test
  int creator_tid = 0;
  std::uintptr_t start_routine = 0;
};

// ---- read side --------------------------------------------------------------------------------

// Birth number of the newest record; 0 before any thread was created.
[[nodiscard]] std::uint64_t last_birth();
// How many records born after `birth` have not finished. One lock, no allocation.
[[nodiscard]] std::size_t count_live_born_after(std::uint64_t birth);
// Appends copies of the live records born after `birth`, in birth order.
void live_born_after(std::uint64_t birth, std::vector<thread_record>& out);
// The live (started, not finished) record whose thread has this tid.
[[nodiscard]] std::optional<thread_record> find_live(int tid);
// Whether this tid belongs to a live record. One lock, no allocation.
[[nodiscard]] bool is_live(int tid);
// Whether a recorded thread with this tid finished lately (among the last 256) and no live record
// has the tid since: the kernel may still list it for a moment, but it is on its way out.
[[nodiscard]] bool finished_recently(int tid);
// Whether this tid was a thread of the process when weft was loaded.
[[nodiscard]] bool existed_at_load(int tid);

// Threads counted by creation stack, for the census (src/census/): each distinct creation stack is one
// site, counted when a thread is created there and when one of its threads finishes. Sites are never
// forgotten, so the counts only grow.
struct site_counts {
  std::vector<std::uintptr_t> creation_pcs;  // innermost first, as in thread_record
  std::uint64_t created = 0;
  std::uint64_t exited = 0;
};
struct live_thread_site {
  int tid = 0;
  std::size_t site = 0;  // index into census_records::sites
};
struct census_records {
  std::vector<site_counts> sites;      // every site seen since the process started (or forked)
  std::vector<live_thread_site> live;  // every started, unfinished record, in birth order
  // The sites of the records between pthread_create and their thread's first instruction, in birth
  // order: the kernel may list such a thread already, under a tid no record has yet.
  std::vector<std::size_t> pending;
};
// Copies the site counts and the live records' sites, under one lock; no symbolization.
void read_census(census_records& out);

// A counter bumped (and waiters woken) each time a recorded thread finishes.
[[nodiscard]] std::uint32_t exit_epoch();
// Blocks until exit_epoch() != seen_epoch or the deadline passes.
void wait_for_exit(std::uint32_t seen_epoch, std::chrono::steady_clock::time_point deadline);

// ---- write side, for src/intercept/ -----------------------------------------------------------

struct pending_thread;  // a record between pthread_create and the thread's first instruction

// Called in pthread_create before the real call. `pcs` is the creation stack.
[[nodiscard]] pending_thread* begin_creation(std::span<const std::uintptr_t> pcs,
                                             std::uintptr_t start_routine);
// The real pthread_create failed: the record is dropped.
void creation_failed(pending_thread* thread);
// In the new thread, before its start routine.
void thread_started(pending_thread* thread, int tid);
// In the thread, after its start routine returned or it called pthread_exit. Wakes exit waiters.
void thread_finished(pending_thread* thread);
// In a fork()ed child: only the forking thread survives, now with tid `new_tid`.
void forget_all_but_caller(int new_tid);

// ---- the running test -------------------------------------------------------------------------

// Returns a copy of `name` that lives until the process exits; one copy per distinct name.
[[nodiscard]] const char* intern_test_name(const char* name, std::size_t length);
void set_current_test(const char* interned);  // nullptr: no test
[[nodiscard]] const char* current_test();

}  // namespace weft::registry
