#include "sched/sync_model.hpp"

namespace weft::sched {

std::optional<sync_model::holder> sync_model::holder_of(std::uintptr_t mutex) const {
  auto held = holders_.find(mutex);
  if (held == holders_.end() || held->second.depth == 0) return std::nullopt;
  return held->second;
}

void sync_model::locked(std::uintptr_t mutex, thread_id thread) {
  holder& held = holders_[mutex];
  if (held.depth > 0 && held.thread != thread) held.depth = 0;
  held.thread = thread;
  ++held.depth;
}

bool sync_model::unlocked(std::uintptr_t mutex) {
  auto held = holders_.find(mutex);
  // Unlocked by the run without a lock it saw: a mutex locked before the run, or by a thread outside it.
  if (held == holders_.end()) return true;
  if (held->second.depth > 1) {
    --held->second.depth;
    return false;
  }
  holders_.erase(held);
  return true;
}

unsigned sync_model::released_entirely(std::uintptr_t mutex) {
  auto held = holders_.find(mutex);
  const unsigned depth = held != holders_.end() && held->second.depth > 0 ? held->second.depth : 1;
  if (held != holders_.end()) holders_.erase(held);
  return depth;
}

void sync_model::restore_depth(std::uintptr_t mutex, unsigned depth) {
  if (auto held = holders_.find(mutex); held != holders_.end()) held->second.depth = depth;
}

bool sync_model::arrived(std::uintptr_t barrier, unsigned count) {
  unsigned& arrivals = barrier_arrivals_[barrier];
  if (++arrivals < count) return false;
  arrivals = 0;
  return true;
}

}  // namespace weft::sched
