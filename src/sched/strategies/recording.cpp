#include "sched/strategies/recording.hpp"

namespace weft::sched {

bool recording_strategy::begin_run(std::uint64_t run_index) {
  recorded_.decisions.clear();
  return inner_->begin_run(run_index);
}

std::size_t recording_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  const std::size_t chosen = inner_->choose(candidates, current);
  recorded_.decisions.push_back(decision{.chosen = static_cast<std::uint32_t>(chosen),
                                         .candidates = static_cast<std::uint32_t>(candidates.size())});
  return chosen;
}

}  // namespace weft::sched
