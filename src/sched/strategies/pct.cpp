#include "sched/strategies/pct.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>
#include <weft/options.hpp>

#include "sched/strategies/prng.hpp"

namespace weft::sched {
namespace {

// `count` distinct values from [1, k] in random order: the first `count` steps of a Fisher-Yates
// shuffle of 1..k, with only the displaced slots stored, so memory is O(count) however large k is.
std::vector<std::size_t> draw_distinct(std::mt19937_64& rng, std::size_t count, std::size_t k) {
  std::unordered_map<std::size_t, std::size_t> displaced;
  const auto slot = [&](std::size_t i) {
    auto found = displaced.find(i);
    return found == displaced.end() ? i + 1 : found->second;
  };
  std::vector<std::size_t> drawn;
  drawn.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t j = i + draw_below(rng, k - i);
    const std::size_t value = slot(j);
    displaced[j] = slot(i);
    drawn.push_back(value);
  }
  return drawn;
}

}  // namespace

pct_strategy::pct_strategy(std::uint64_t seed, int depth)
    : seed_(seed), depth_(static_cast<std::uint64_t>(depth)) {
  if (depth < 1) {
    throw config_error("weft: pct needs a bug depth of at least 1 (1 means no priority changes); got " +
                       std::to_string(depth));
  }
}

bool pct_strategy::begin_run(std::uint64_t run_index) {
  rng_.seed(derive_seed(seed_, run_index));
  priority_.clear();
  lowest_ = 1;
  decisions_ = 0;
  const std::size_t k = std::max<std::size_t>(1, most_decisions_seen_.value_or(default_decisions));
  change_points_.clear();
  const std::vector<std::size_t> points = draw_distinct(rng_, std::min<std::size_t>(depth_ - 1, k), k);
  for (std::size_t j = 1; j <= points.size(); ++j)
    change_points_.emplace(points[j - 1], static_cast<std::int64_t>(j));
  return true;
}

std::int64_t pct_strategy::priority_of(thread_id thread) {
  auto [where, inserted] = priority_.try_emplace(thread, 0);
  // A quarter of the draw keeps depth_ + draw within std::int64_t for any depth make_strategy accepts.
  if (inserted) where->second = static_cast<std::int64_t>(depth_ + (rng_() >> 2));
  return where->second;
}

std::size_t pct_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  // Priorities are drawn in candidate order (sorted by thread id), which keeps runs reproducible.
  for (const candidate& c : candidates) (void)priority_of(c.thread);
  // Change points fall only on interesting steps (operation::interesting): the current thread's own
  // step, or any step when it just blocked or finished.
  const auto mine = std::find_if(candidates.begin(), candidates.end(),
                                 [&](const candidate& c) { return c.thread == current; });
  if (mine != candidates.end() && !mine->next.interesting) return highest_priority(candidates);
  ++decisions_;
  if (auto change = change_points_.find(decisions_); change != change_points_.end()) {
    priority_[current] = change->second;
  }
  // The current thread waits for progress only at its own yield (or spinning load).
  if (mine != candidates.end() && mine->waits_for_progress) priority_[current] = --lowest_;
  return highest_priority(candidates);
}

std::size_t pct_strategy::highest_priority(std::span<const candidate> candidates) {
  std::size_t best = eligible_index(candidates, 0);
  for (std::size_t i = best + 1; i < candidates.size(); ++i) {
    if (candidates[i].waits_for_progress) continue;
    if (priority_[candidates[i].thread] > priority_[candidates[best].thread]) best = i;
  }
  return best;
}

void pct_strategy::end_run(std::size_t) {
  most_decisions_seen_ = std::max(most_decisions_seen_.value_or(0), decisions_);
}

}  // namespace weft::sched
