// Data races on plain memory in one controlled run: two accesses to the same bytes by different
// threads, at least one a write and not both atomic, that happens-before does not order. Shadow memory
// keeps, per 8-byte granule, the recent accesses that a later one could race with (FastTrack's idea:
// an access ordered after an earlier one by the same or a later write makes the earlier one moot).
//
// Stacks come from the shadow call stack the instrumented code keeps with __tsan_func_entry/exit,
// interned in a stack_depot, so recording an access costs a hash lookup, not an unwind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sched/happens_before.hpp"

namespace weft::sched {

// Call stacks as a trie of (caller node, pc): node 0 is the empty stack.
class stack_depot {
 public:
  [[nodiscard]] std::uint32_t child(std::uint32_t parent, std::uintptr_t pc);
  [[nodiscard]] std::uint32_t parent(std::uint32_t node) const { return node == 0 ? 0 : nodes_[node].parent; }
  [[nodiscard]] std::uintptr_t pc(std::uint32_t node) const { return nodes_[node].pc; }
  // Innermost first: the pc of `node`, then its callers'.
  [[nodiscard]] std::vector<std::uintptr_t> pcs(std::uint32_t node) const;

 private:
  struct node {
    std::uint32_t parent = 0;
    std::uintptr_t pc = 0;
  };
  std::vector<node> nodes_{node{}};
  std::unordered_map<std::uint64_t, std::uint32_t> children_;  // hash of (parent, pc) -> node
};

struct race_access {
  thread_id thread = 0;
  bool write = false;
  bool atomic = false;
  std::vector<std::uintptr_t> pcs;  // innermost first, return addresses
};

struct data_race {
  std::uintptr_t address = 0;
  std::size_t size = 0;  // bytes both accesses touched, within one 8-byte granule
  race_access earlier;
  race_access later;
};

class race_detector {
 public:
  // At most this many races are kept per run, one per 8-byte granule of memory.
  static constexpr std::size_t max_races = 16;

  // `thread` accesses [address, address + size) now, from the stack `stack` (a stack_depot node whose
  // pc is the access itself). Records a race against any earlier access it is not ordered after, and
  // tells interleaving feedback which write a read observed.
  void access(const happens_before& order, const stack_depot& stacks, thread_id thread,
              std::uintptr_t address, std::size_t size, bool write, bool atomic, std::uint32_t stack);
  // The memory [first, last] no longer holds what it held: freed, or a finished thread's stack.
  void forget(std::uintptr_t first, std::uintptr_t last);

  [[nodiscard]] const std::vector<data_race>& races() const { return races_; }
  // The pcs of the accesses on either side of every race seen, for choosing scheduling points.
  [[nodiscard]] const std::unordered_set<std::uintptr_t>& racy_sites() const { return racy_sites_; }

 private:
  struct recorded {
    epoch when;
    std::uint32_t stack = 0;
    std::uint8_t bytes = 0;  // which bytes of the granule, one bit each
    bool write = false;
    bool atomic = false;
  };
  void report(const stack_depot& stacks, std::uintptr_t granule, const recorded& earlier,
              const recorded& later);

  std::unordered_map<std::uintptr_t, std::vector<recorded>> granules_;
  std::vector<data_race> races_;
  std::unordered_set<std::uintptr_t> reported_granules_;
  std::unordered_set<std::uintptr_t> racy_sites_;
};

// "data race on 4 bytes at 0x...: a write by thread 2 and an earlier read by thread 1 ..."
[[nodiscard]] std::string describe(const data_race& race);

}  // namespace weft::sched
