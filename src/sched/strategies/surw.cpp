#include "sched/strategies/surw.hpp"

#include <algorithm>

#include "sched/strategies/prng.hpp"

namespace weft::sched {

surw_strategy::surw_strategy(std::uint64_t seed, std::shared_ptr<run_coverage> coverage)
    : seed_(seed), coverage_(coverage != nullptr ? std::move(coverage) : std::make_shared<run_coverage>()) {}

bool surw_strategy::begin_run(std::uint64_t run_index) {
  rng_.seed(derive_seed(seed_, run_index));
  return true;
}

std::size_t surw_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  if (const std::optional<std::size_t> plain = plain_access_to_take(candidates, current)) return *plain;
  // Each eligible thread weighs what it has left: at least its pending event, more when an earlier
  // run saw it perform more than it has reached so far.
  std::vector<std::size_t> weights(candidates.size(), 0);
  std::size_t total = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].waits_for_progress) continue;
    weights[i] = weight_of(candidates[i].thread);
    total += weights[i];
  }
  std::size_t draw = draw_below(rng_, total);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (draw < weights[i]) return i;
    draw -= weights[i];
  }
  return eligible_index(candidates, 0);
}

std::size_t surw_strategy::weight_of(thread_id thread) const {
  const std::size_t most = thread < most_events_.size() ? most_events_[thread] : 0;
  const std::size_t reached = coverage_->events_reached(thread);
  std::size_t weight = most > reached ? most - reached + 1 : 1;
  // Children have higher ids than their creator; those not created yet in this run are still ahead.
  for (std::size_t child = std::max<std::size_t>(coverage_->threads_created(), thread + 1);
       child < creator_.size(); ++child) {
    if (creator_[child] == thread) weight += subtree_[child];
  }
  return weight;
}

void surw_strategy::end_run(std::size_t) {
  const std::vector<std::size_t>& events = coverage_->events_last_run();
  if (most_events_.size() < events.size()) most_events_.resize(events.size(), 0);
  for (std::size_t thread = 0; thread < events.size(); ++thread)
    most_events_[thread] = std::max(most_events_[thread], events[thread]);
  const std::vector<thread_id>& creators = coverage_->creators_last_run();
  if (creator_.size() < creators.size()) creator_.resize(creators.size(), 0);
  std::copy(creators.begin(), creators.end(), creator_.begin());
  // A child's id is above its creator's, so walking down the ids adds every subtree before its root.
  subtree_.assign(std::max(most_events_.size(), creator_.size()), 0);
  for (std::size_t thread = subtree_.size(); thread-- > 0;) {
    subtree_[thread] += thread < most_events_.size() ? most_events_[thread] : 0;
    if (thread > 0 && thread < creator_.size() && creator_[thread] < thread)
      subtree_[creator_[thread]] += subtree_[thread];
  }
}

}  // namespace weft::sched
