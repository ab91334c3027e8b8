#include "sched/futex_queues.hpp"

#include <algorithm>

namespace weft::sched {

void futex_queues::enqueue(thread_id thread, std::uintptr_t address, std::uint32_t bitset) {
  waiters_.push_back({thread, address, bitset});
}

void futex_queues::remove(thread_id thread) {
  std::erase_if(waiters_, [&](const waiter& entry) { return entry.thread == thread; });
}

std::vector<thread_id> futex_queues::take(std::uintptr_t address, std::uint32_t bitset, std::size_t count) {
  std::vector<thread_id> taken;
  std::erase_if(waiters_, [&](const waiter& entry) {
    if (taken.size() == count || entry.address != address || (entry.bitset & bitset) == 0) return false;
    taken.push_back(entry.thread);
    return true;
  });
  return taken;
}

std::vector<thread_id> futex_queues::requeue(std::uintptr_t from, std::uintptr_t to, std::size_t count) {
  std::vector<thread_id> moved;
  std::vector<waiter> moving;
  std::erase_if(waiters_, [&](const waiter& entry) {
    if (moved.size() == count || entry.address != from) return false;
    moved.push_back(entry.thread);
    moving.push_back({entry.thread, to, entry.bitset});
    return true;
  });
  waiters_.insert(waiters_.end(), moving.begin(), moving.end());
  return moved;
}

}  // namespace weft::sched
