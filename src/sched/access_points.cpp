// The instrument library's accesses in a controlled run (internal/surface.hpp says what they mean).
#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "internal/surface.hpp"
#include "platform/threads.hpp"
#include "sched/heap_checker.hpp"
#include "sched/managed_thread.hpp"
#include "sched/run.hpp"

namespace weft::internal {
namespace {

// Accesses are tracked per 8-byte granule, as TSan's shadow memory does, so that a 4-byte write and
// an 8-byte read of the same word are seen as touching the same memory.
constexpr std::uintptr_t granule_bits = 3;

// The first touch of memory outside the thread's own stack is a point too: the memory may have been
// written before the run by code weft does not see (clang leaves a local's initialisation and the read
// half of `x += n` without hooks), and then the first thread to touch it would never stop before
// doing so. A thread's own stack is private until another thread touches it.
bool on_own_stack(std::uintptr_t address) {
  // Managed threads are new OS threads of their run, so the cache never outlives its thread's stack.
  static thread_local platform::memory_range stack{};
  if (stack.last == 0) stack = platform::current_thread_stack();
  return stack.first <= address && address <= stack.last;
}

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
    bool point = false;
    for (std::uintptr_t granule = first >> granule_bits; granule <= last >> granule_bits; ++granule) {
      auto [touched, inserted] = granules_.try_emplace(granule, first_touch{me.id, false});
      if (!inserted && touched->second.thread != me.id) touched->second.shared = true;
      point = point || touched->second.shared || (inserted && !on_own_stack(first));
    }
    return point;
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

 public:
  // [first, last] holds nothing any more: whoever touches it next touches it first.
  void forget(std::uintptr_t first, std::uintptr_t last) {
    std::lock_guard lock(mutex_);
    // Each granule of a small block, or what is recorded when that is shorter (a stack, a big block).
    if ((last >> granule_bits) - (first >> granule_bits) < granules_.size()) {
      for (std::uintptr_t granule = first >> granule_bits; granule <= last >> granule_bits; ++granule) {
        granules_.erase(granule);
      }
      return;
    }
    std::erase_if(granules_, [&](const auto& touched) {
      return touched.first >= first >> granule_bits && touched.first <= last >> granule_bits;
    });
  }

 private:
  std::mutex mutex_;  // managed threads hold their run's baton, but released ones and other runs do not
  const sched::run* run_ = nullptr;
  pthread_t anchor_handle_{};
  int anchor_tid_ = 0;
  std::vector<int> members_;  // OS thread ids of the current run's threads seen so far
  std::unordered_map<std::uintptr_t, first_touch> granules_;
};

// The code on either side of every data race this process's controlled runs have seen. Code
// addresses, unlike heap and stack addresses, are the same in every run, so what one run learns
// guides the next one's strategy. It decides only which points pct counts, never which accesses are
// points, so a schedule still replays in a fresh process that learned nothing.
class racy_code {
 public:
  [[nodiscard]] bool contains(std::uintptr_t site) {
    std::lock_guard lock(mutex_);
    return sites_.contains(site);
  }
  void learn(const std::unordered_set<std::uintptr_t>& sites) {
    std::lock_guard lock(mutex_);
    sites_.insert(sites.begin(), sites.end());
  }

 private:
  std::mutex mutex_;  // threads of different runs (an ended one's, still unwinding) may ask at once
  std::unordered_set<std::uintptr_t> sites_;
};

racy_code& racy_sites() {
  static racy_code* const the_sites = new racy_code;
  return *the_sites;
}

run_memory& memory() {
  // Never destroyed: instrumented code may run in other threads' destructors after main returns.
  static run_memory* const the_memory = new run_memory;
  return *the_memory;
}

// The calling thread, when its accesses are the run's business: a managed thread that holds its run's
// baton. A released thread runs alongside the others, so its accesses cannot be ordered any more; a
// thread of an ended run (unwinding after a failed check) runs alongside the next run.
bool controlled(const sched::managed_thread& me) {
  return me.state != sched::thread_state::released && !me.owner->ended();
}
sched::managed_thread* controlled_self() {
  sched::managed_thread* me = sched::managed_self();
  return me != nullptr && controlled(*me) ? me : nullptr;
}

std::uintptr_t address_of(const void* pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer);
}

// Whether `me`'s access, about to happen, touches a block the run freed: then the run has ended with
// use-after-free (and `me`, unless it is the test's own thread, stays parked in misused_heap). The
// access itself still reads or writes the quarantined block, which nobody else has been given.
bool touches_freed_block(sched::managed_thread& me, std::uintptr_t address, std::size_t size, bool write,
                         std::uintptr_t site) {
  if (sched::heap().quarantine_empty()) return false;
  std::optional<sched::heap_misuse> misuse = sched::heap().check_access(me, address, size, write, site);
  if (!misuse) return false;
  me.owner->misused_heap(me, std::move(*misuse));
  return true;
}

}  // namespace

void plain_access_point(const void* address, std::size_t size, access_kind kind, const void* site) {
  if (size == 0) return;
  sched::managed_thread* me = controlled_self();
  if (me == nullptr) return;
  sched::inside_weft internal;
  const std::uintptr_t first = address_of(address);
  if (memory().touch(*me, first, first + size - 1)) {
    const sched::op_kind op =
        kind == access_kind::read ? sched::op_kind::atomic_load : sched::op_kind::atomic_store;
    me->owner->point(*me, {op, first, address_of(site), racy_sites().contains(address_of(site))});
    // The wait for its turn may have ended the run or released the thread.
    if (!controlled(*me)) return;
  }
  if (touches_freed_block(*me, first, size, kind == access_kind::write, address_of(site))) return;
  sched::run& current = *me->owner;
  if (current.record_access(*me, first, size, kind == access_kind::write, false, address_of(site))) {
    racy_sites().learn(current.racy_sites());
  }
}

void atomic_step::begin(atomic_access access, const void* object, std::size_t size, const void* site) {
  sched::managed_thread* me = controlled_self();
  if (me == nullptr) return;
  sched::inside_weft internal;
  const sched::op_kind kind = access == atomic_access::load    ? sched::op_kind::atomic_load
                              : access == atomic_access::store ? sched::op_kind::atomic_store
                                                               : sched::op_kind::atomic_rmw;
  me->owner->point(*me, {kind, address_of(object), address_of(site)});
  if (!controlled(*me)) return;
  if (touches_freed_block(*me, address_of(object), size, access != atomic_access::load, address_of(site)))
    return;
  thread_ = me;
  object_ = object;
  size_ = size;
  site_ = site;
}

void atomic_step::finish(atomic_access access, int memory_order) {
  sched::inside_weft internal;
  sched::run& current = *thread_->owner;
  const auto location = address_of(object_);
  current.atomic_done(*thread_, location, access, memory_order);
  current.record_access(*thread_, location, size_, access != atomic_access::load, true, address_of(site_));
  // A failed compare-exchange arrives here as a load: it released nothing.
  const bool released =
      access != atomic_access::load && (memory_order == __ATOMIC_RELEASE ||
                                        memory_order == __ATOMIC_ACQ_REL || memory_order == __ATOMIC_SEQ_CST);
  if (released && controlled(*thread_)) current.after_release(*thread_, location);
}

void fence_point(int memory_order) {
  sched::managed_thread* me = controlled_self();
  if (me == nullptr) return;
  sched::inside_weft internal;
  me->owner->fence_done(*me, memory_order);
}

void heap_allocated(void* block, std::size_t size, const void* site) {
  sched::managed_thread* me = controlled_self();
  if (me == nullptr) return;
  sched::inside_weft internal;
  sched::heap().allocated(*me, address_of(block), size, address_of(site));
}

bool heap_freeing(void* block, const void* site) {
  sched::managed_thread* me = controlled_self();
  sched::inside_weft internal;
  sched::heap_checker::free_verdict verdict = sched::heap().freeing(me, address_of(block), address_of(site));
  if (me == nullptr) return verdict.release_now;
  if (verdict.forgotten > 0) {
    const std::uintptr_t first = address_of(block);
    me->owner->forget_memory(*me, first, first + verdict.forgotten - 1);
    sched::forget_first_touches(first, first + verdict.forgotten - 1);
  }
  if (verdict.misuse) me->owner->misused_heap(*me, std::move(*verdict.misuse));
  return verdict.release_now;
}

void enter_function(const void* call_site) {
  sched::managed_thread* me = controlled_self();
  if (me == nullptr) return;
  sched::inside_weft internal;
  me->owner->entered_function(*me, address_of(call_site));
}

void leave_function() {
  sched::managed_thread* me = controlled_self();
  if (me == nullptr) return;
  me->owner->left_function(*me);
}

}  // namespace weft::internal

namespace weft::sched {

void forget_first_touches(std::uintptr_t first, std::uintptr_t last) {
  internal::memory().forget(first, last);
}

}  // namespace weft::sched
