#include "sched/strategies/dfs.hpp"

#include <string>
#include <weft/options.hpp>

namespace weft::sched {

dfs_strategy::dfs_strategy(int preemption_bound) : bound_(preemption_bound) {
  if (preemption_bound < 0) {
    throw config_error("weft: dfs needs a preemption bound of 0 or more; got " +
                       std::to_string(preemption_bound));
  }
}

// Moves f.chosen to the next alternative in the frame's order; false when none is left.
bool dfs_strategy::next_alternative(frame& f) const {
  const bool current_can_run = f.current < f.candidates;
  if (current_can_run && f.preemptions >= bound_) return false;
  // Past `current`, the order is plain index order with `current` skipped.
  std::size_t next = (current_can_run && f.chosen == f.current) ? 0 : f.chosen + 1;
  while (next < f.candidates && ((current_can_run && next == f.current) || !f.eligible(next))) ++next;
  if (next >= f.candidates) return false;
  f.chosen = next;
  return true;
}

bool dfs_strategy::begin_run(std::uint64_t) {
  if (covered_) return false;
  if (started_) {
    while (!path_.empty() && !next_alternative(path_.back())) path_.pop_back();
    if (path_.empty()) {
      covered_ = true;
      return false;
    }
  }
  started_ = true;
  position_ = 0;
  return true;
}

std::size_t dfs_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  if (position_ < path_.size()) {
    if (path_[position_].candidates == candidates.size()) return path_[position_++].chosen;
    path_.resize(position_);
  }
  frame f{.candidates = candidates.size(),
          .current = candidates.size(),
          .chosen = eligible_index(candidates, 0),
          .preemptions = 0,
          .waits = {}};
  if (eligible_count(candidates) < candidates.size()) {
    for (const candidate& c : candidates) f.waits.push_back(c.waits_for_progress);
  }
  // A current thread that yielded could not run: whoever runs instead does not preempt it.
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].thread == current && f.eligible(i)) f.current = i;
  }
  if (f.current < f.candidates) f.chosen = f.current;
  if (!path_.empty()) f.preemptions = path_.back().preemptions + (preempts(path_.back()) ? 1 : 0);
  path_.push_back(f);
  ++position_;
  return f.chosen;
}

void dfs_strategy::end_run(std::size_t) {
  if (position_ < path_.size()) path_.resize(position_);
}

}  // namespace weft::sched
