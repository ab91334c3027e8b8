// A set of a run's threads by id, in id order: what lets each scheduling point touch only the threads
// it concerns (the runnable ones, the timed waiters) instead of every thread of the run.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sched/operation.hpp"

namespace weft::sched {

class thread_set {
 public:
  void insert(thread_id thread) {
    const std::size_t word = thread / 64;
    if (words_.size() <= word) words_.resize(word + 1, 0);
    words_[word] |= std::uint64_t{1} << (thread % 64);
  }
  void erase(thread_id thread) {
    const std::size_t word = thread / 64;
    if (word < words_.size()) words_[word] &= ~(std::uint64_t{1} << (thread % 64));
  }
  [[nodiscard]] bool contains(thread_id thread) const {
    const std::size_t word = thread / 64;
    return word < words_.size() && (words_[word] >> (thread % 64) & 1) != 0;
  }
  // Calls `visit(thread_id)` for each member, lowest id first. `visit` may erase the member it is given.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (std::size_t word = 0; word < words_.size(); ++word) {
      std::uint64_t bits = words_[word];
      while (bits != 0) {
        const int bit = std::countr_zero(bits);
        bits &= bits - 1;
        visit(static_cast<thread_id>(word * 64 + static_cast<std::size_t>(bit)));
      }
    }
  }

 private:
  std::vector<std::uint64_t> words_;
};

}  // namespace weft::sched
