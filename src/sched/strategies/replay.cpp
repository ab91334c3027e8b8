#include "sched/strategies/replay.hpp"

#include <string>

namespace weft::sched {

bool replaying_strategy::begin_run(std::uint64_t) {
  next_ = 0;
  divergence_.clear();
  return true;
}

std::size_t replaying_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  const std::size_t number = ++next_;
  const std::string where = "the run took another path at decision " + std::to_string(number) + ": ";
  if (!diverged()) {
    if (number > recorded_.decisions.size()) {
      divergence_ =
          where + "the schedule recorded only " + std::to_string(recorded_.decisions.size()) + " decisions";
    } else if (const decision& recorded = recorded_.decisions[number - 1];
               recorded.candidates != candidates.size()) {
      divergence_ = where + std::to_string(candidates.size()) + " threads could run, the schedule recorded " +
                    std::to_string(recorded.candidates);
    } else if (recorded.chosen >= candidates.size()) {
      divergence_ = where + "the schedule chooses " + std::to_string(recorded.chosen) + " of " +
                    std::to_string(candidates.size()) + " candidates";
    } else {
      return recorded.chosen;
    }
  }
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].thread == current && !candidates[i].waits_for_progress) return i;
  }
  return eligible_index(candidates, 0);
}

void replaying_strategy::end_run(std::size_t) {
  if (!diverged() && next_ < recorded_.decisions.size()) {
    divergence_ = "the run took another path: it ended after " + std::to_string(next_) +
                  " decisions, the schedule recorded " + std::to_string(recorded_.decisions.size());
  }
}

}  // namespace weft::sched
