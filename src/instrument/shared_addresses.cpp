#include "instrument/shared_addresses.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "sched/managed_thread.hpp"
#include "sched/run.hpp"

namespace weft::instrument {
namespace {

// Accesses are tracked per 8-byte granule, as TSan's shadow memory does, so that a 4-byte write and
// an 8-byte read of the same word are seen as touching the same memory.
constexpr std::uintptr_t granule_bits = 3;

struct first_touch {
  sched::thread_id thread = 0;
  bool shared = false;  // another thread of the run touched it after `thread`
};

// The granules the current run touched. Runs are heap objects that explore frees once their threads
// are gone, so a new run may live at the address of an earlier one: a run is recognised by one of its
// threads (the anchor), whose OS thread id no thread of a later run can have.
class run_memory {
 public:
  // Whether any granule of [first, last] was touched before by another thread of `me`'s run.
  bool touch(sched::managed_thread& me, std::uintptr_t first, std::uintptr_t last) {
    std::lock_guard lock(mutex_);
    follow_run(me);
    bool shared = false;
    for (std::uintptr_t granule = first >> granule_bits; granule <= last >> granule_bits; ++granule) {
      auto [touched, inserted] = granules_.try_emplace(granule, first_touch{me.id, false});
      if (!inserted && touched->second.thread != me.id) touched->second.shared = true;
      shared = shared || touched->second.shared;
    }
    return shared;
  }

 private:
  void follow_run(sched::managed_thread& me) {
    if (run_ == me.owner && std::find(members_.begin(), members_.end(), me.tid) != members_.end()) return;
    if (run_ != me.owner || !anchor_belongs_to(*me.owner)) {
      granules_.clear();
      members_.clear();
      run_ = me.owner;
      anchor_handle_ = pthread_self();
      anchor_tid_ = me.tid;
    }
    members_.push_back(me.tid);
  }

  // Safe because the caller holds its run's baton: no other thread of the run changes its threads.
  [[nodiscard]] bool anchor_belongs_to(sched::run& candidate) const {
    const sched::managed_thread* anchor = candidate.find(anchor_handle_);
    return anchor != nullptr && anchor->tid == anchor_tid_;
  }

  std::mutex mutex_;  // managed threads hold their run's baton, but released ones and other runs do not
  const sched::run* run_ = nullptr;
  pthread_t anchor_handle_{};
  int anchor_tid_ = 0;
  std::vector<int> members_;  // OS thread ids of the current run's threads seen so far
  std::unordered_map<std::uintptr_t, first_touch> granules_;
};

run_memory& memory() {
  // Never destroyed: instrumented code may run in other threads' destructors after main returns.
  static run_memory* const the_memory = new run_memory;
  return *the_memory;
}

}  // namespace

void shared_access_point(const void* address, std::size_t size, access_kind kind) {
  sched::managed_thread* me = sched::managed_self();
  if (me == nullptr || size == 0) return;
  sched::inside_weft internal;
  // A released thread runs alongside the others: its accesses cannot be ordered any more. A thread of
  // an ended run (unwinding after a failed check) runs alongside the next run.
  if (me->state == sched::thread_state::released || me->owner->ended()) return;
  const auto first = reinterpret_cast<std::uintptr_t>(address);
  if (!memory().touch(*me, first, first + size - 1)) return;
  const sched::op_kind op =
      kind == access_kind::read ? sched::op_kind::atomic_load : sched::op_kind::atomic_store;
  me->owner->point(*me, {op, first});
}

}  // namespace weft::instrument
