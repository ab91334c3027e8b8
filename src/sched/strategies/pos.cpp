#include "sched/strategies/pos.hpp"

#include "sched/strategies/prng.hpp"

namespace weft::sched {
namespace {

bool same_operation(const operation& a, const operation& b) {
  return a.kind == b.kind && a.object == b.object;
}

// Operations on no object (a yield, a sleep) are ordered by nothing, so they conflict with nothing.
bool conflict(const operation& a, const operation& b) {
  return a.object != 0 && a.object == b.object && conflicts(a.kind, b.kind);
}

}  // namespace

bool pos_strategy::begin_run(std::uint64_t run_index) {
  rng_.seed(derive_seed(seed_, run_index));
  pending_.clear();
  return true;
}

std::size_t pos_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  if (const std::optional<std::size_t> plain = plain_access_to_take(candidates, current)) return *plain;
  pending_.erase(current);
  for (const candidate& c : candidates) {
    auto [where, inserted] = pending_.try_emplace(c.thread, pending{c.next, 0});
    if (inserted || !same_operation(where->second.next, c.next)) where->second = pending{c.next, rng_()};
  }
  // A yielder keeps its priority while it waits for progress: it is only passed over.
  std::size_t best = eligible_index(candidates, 0);
  for (std::size_t i = best + 1; i < candidates.size(); ++i) {
    if (candidates[i].waits_for_progress) continue;
    if (pending_.at(candidates[i].thread).priority > pending_.at(candidates[best].thread).priority) best = i;
  }
  const operation ran = candidates[best].next;
  pending_.erase(candidates[best].thread);
  // std::map walks in thread order, so the redraws consume the generator in a reproducible order.
  for (auto& [thread, waiting] : pending_) {
    if (conflict(waiting.next, ran)) waiting.priority = rng_();
  }
  return best;
}

}  // namespace weft::sched
