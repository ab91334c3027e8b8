#include "sched/happens_before.hpp"

#include <algorithm>

namespace weft::sched {
namespace {

bool acquires(int memory_order) {
  return memory_order != __ATOMIC_RELAXED && memory_order != __ATOMIC_RELEASE;
}
bool releases(int memory_order) {
  return memory_order == __ATOMIC_RELEASE || memory_order == __ATOMIC_ACQ_REL ||
         memory_order == __ATOMIC_SEQ_CST;
}

}  // namespace

void vector_clock::join(const vector_clock& other) {
  if (other.times_.size() > times_.size()) times_.resize(other.times_.size(), 0);
  for (std::size_t i = 0; i < other.times_.size(); ++i) times_[i] = std::max(times_[i], other.times_[i]);
}

void vector_clock::tick(thread_id thread) {
  if (thread >= times_.size()) times_.resize(thread + 1, 0);
  ++times_[thread];
}

happens_before::thread_clocks& happens_before::clocks(thread_id thread) {
  if (thread >= threads_.size()) threads_.resize(thread + 1);
  return threads_[thread];
}

const vector_clock& happens_before::clock_of(thread_id thread) const {
  static const vector_clock never_started;
  return thread < threads_.size() ? threads_[thread].now : never_started;
}

void happens_before::thread_started(thread_id thread) {
  clocks(thread).now.tick(thread);
}

void happens_before::thread_created(thread_id parent, thread_id child) {
  // The child's record may reallocate the table: copy the parent's clock first.
  vector_clock inherited = clocks(parent).now;
  thread_clocks& created = clocks(child);
  created.now.join(inherited);
  created.now.tick(child);
  clocks(parent).now.tick(parent);
}

void happens_before::thread_joined(thread_id joiner, thread_id joined) {
  vector_clock finished = clocks(joined).now;
  clocks(joiner).now.join(finished);
}

void happens_before::acquire(thread_id thread, std::uintptr_t object) {
  auto found = objects_.find(object);
  if (found != objects_.end()) clocks(thread).now.join(found->second);
}

void happens_before::release(thread_id thread, std::uintptr_t object) {
  thread_clocks& mine = clocks(thread);
  objects_[object].join(mine.now);
  mine.now.tick(thread);
}

void happens_before::atomic(thread_id thread, std::uintptr_t location, atomic_access access,
                            int memory_order) {
  thread_clocks& mine = clocks(thread);
  if (access != atomic_access::store) {
    if (auto found = objects_.find(location); found != objects_.end()) {
      (acquires(memory_order) ? mine.now : mine.to_acquire).join(found->second);
    }
  }
  if (access == atomic_access::load) return;
  vector_clock& published = objects_[location];
  const vector_clock& what = releases(memory_order) ? mine.now : mine.at_release_fence;
  // A plain store starts a new release sequence; a read-modify-write continues the one it read from.
  if (access == atomic_access::store) {
    published = what;
  } else {
    published.join(what);
  }
  if (releases(memory_order)) mine.now.tick(thread);
}

void happens_before::fence(thread_id thread, int memory_order) {
  thread_clocks& mine = clocks(thread);
  if (acquires(memory_order)) mine.now.join(mine.to_acquire);
  if (releases(memory_order)) {
    mine.at_release_fence = mine.now;
    mine.now.tick(thread);
  }
}

}  // namespace weft::sched
