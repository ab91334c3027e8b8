#include "sched/race_detector.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>

#include "sched/observer.hpp"

namespace weft::sched {
namespace {

constexpr std::uintptr_t granule_bytes = 8;
// A granule's history is bounded: the oldest accesses give way, which can only hide races.
constexpr std::size_t max_recorded_per_granule = 16;

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t h = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL + (a << 6) + (a >> 2));
  h ^= h >> 31;
  return h * 0xbf58476d1ce4e5b9ULL;
}

}  // namespace

std::uint32_t stack_depot::child(std::uint32_t parent, std::uintptr_t pc) {
  const std::uint64_t key = mix(parent, pc);
  auto [found, inserted] = children_.try_emplace(key, 0);
  // A hash collision between two different (parent, pc) pairs only makes a report show a wrong frame;
  // checking the node keeps even that from happening.
  if (!inserted && nodes_[found->second].parent == parent && nodes_[found->second].pc == pc) {
    return found->second;
  }
  nodes_.push_back({parent, pc});
  const auto created = static_cast<std::uint32_t>(nodes_.size() - 1);
  if (inserted) found->second = created;
  return created;
}

std::vector<std::uintptr_t> stack_depot::pcs(std::uint32_t node) const {
  std::vector<std::uintptr_t> result;
  for (; node != 0 && result.size() < 256; node = nodes_[node].parent) result.push_back(nodes_[node].pc);
  return result;
}

void race_detector::access(const happens_before& order, const stack_depot& stacks, thread_id thread,
                           std::uintptr_t address, std::size_t size, bool write, bool atomic,
                           std::uint32_t stack) {
  const recorded now{order.now(thread), stack, 0, write, atomic};
  bool raced = false;
  const std::uintptr_t last = address + size - 1;
  for (std::uintptr_t granule = address & ~(granule_bytes - 1); granule <= last; granule += granule_bytes) {
    const std::uintptr_t from = std::max(granule, address);
    const std::uintptr_t to = std::min(granule + granule_bytes - 1, last);
    const auto bytes = static_cast<std::uint8_t>(((1u << (to - from + 1)) - 1) << (from - granule));
    std::vector<recorded>& history = granules_[granule];
    if (!write) {
      // The newest write to these bytes is the one this read sees: execution is serialized.
      auto seen = std::find_if(history.rbegin(), history.rend(), [&](const recorded& earlier) {
        return earlier.write && (earlier.bytes & bytes);
      });
      if (seen != history.rend() && seen->when.thread != thread) {
        const std::uintptr_t write_site = stacks.pc(seen->stack);
        const std::uintptr_t read_site = stacks.pc(stack);
        notify_observers([&](run_observer& observer) { observer.read_from(thread, write_site, read_site); });
      }
    }
    for (const recorded& earlier : history) {
      if (raced || (earlier.bytes & bytes) == 0 || !(earlier.write || write) || (earlier.atomic && atomic)) {
        continue;
      }
      if (order.ordered_before(earlier.when, thread)) continue;
      recorded later = now;
      later.bytes = static_cast<std::uint8_t>(earlier.bytes & bytes);
      report(stacks, granule, earlier, later);
      raced = true;  // one report per access is enough; its other victims race with this one too
    }
    // What this access makes moot: its own thread's earlier accesses of no stronger kind to no more
    // bytes, and, for a write, every access to these bytes ordered before it.
    std::erase_if(history, [&](const recorded& earlier) {
      if ((earlier.bytes & ~bytes) != 0) return false;
      if (earlier.when.thread == thread) return write || !earlier.write;
      return write && order.ordered_before(earlier.when, thread);
    });
    if (history.size() == max_recorded_per_granule) history.erase(history.begin());
    recorded mine = now;
    mine.bytes = bytes;
    history.push_back(mine);
  }
}

void race_detector::report(const stack_depot& stacks, std::uintptr_t granule, const recorded& earlier,
                           const recorded& later) {
  std::vector<std::uintptr_t> earlier_pcs = stacks.pcs(earlier.stack);
  std::vector<std::uintptr_t> later_pcs = stacks.pcs(later.stack);
  const std::uintptr_t earlier_site = earlier_pcs.empty() ? 0 : earlier_pcs.front();
  const std::uintptr_t later_site = later_pcs.empty() ? 0 : later_pcs.front();
  racy_sites_.insert(earlier_site);
  racy_sites_.insert(later_site);
  // One report per location: the read-write and write-write races of one `x = x + 1` are one bug.
  if (races_.size() == max_races || !reported_granules_.insert(granule).second) return;
  data_race race;
  race.address = granule + static_cast<std::uintptr_t>(std::countr_zero(later.bytes));
  race.size = static_cast<std::size_t>(std::popcount(later.bytes));
  race.earlier = {earlier.when.thread, earlier.write, earlier.atomic, std::move(earlier_pcs)};
  race.later = {later.when.thread, later.write, later.atomic, std::move(later_pcs)};
  races_.push_back(std::move(race));
}

void race_detector::forget(std::uintptr_t first, std::uintptr_t last) {
  // A freed block is usually a few granules, a thread's stack many more than are recorded: look up
  // each granule, or scan what is recorded, whichever is shorter.
  const std::uintptr_t first_granule = first & ~(granule_bytes - 1);
  if ((last - first_granule) / granule_bytes < granules_.size()) {
    for (std::uintptr_t granule = first_granule; granule <= last; granule += granule_bytes)
      granules_.erase(granule);
    return;
  }
  std::erase_if(granules_, [&](const auto& entry) {
    return entry.first + granule_bytes > first && entry.first <= last;
  });
}

namespace {

std::string access_words(const race_access& access) {
  return std::string(access.atomic ? "an atomic " : "a ") + (access.write ? "write" : "read") +
         " by thread " + std::to_string(access.thread);
}

}  // namespace

std::string describe(const data_race& race) {
  char where[64];
  std::snprintf(where, sizeof where, "%zu byte%s at %#zx", race.size, race.size == 1 ? "" : "s",
                static_cast<std::size_t>(race.address));
  return "data race on " + std::string(where) + ": " + access_words(race.later) + " and an earlier " +
         access_words(race.earlier).substr(2) + ", not ordered by any synchronization weft saw";
}

}  // namespace weft::sched
