#include "sched/shrink.hpp"

#include <utility>

namespace weft::sched {

shrink_outcome shrink(std::vector<switch_point> original, const guided_attempt& attempt,
                      const shrink_budget& budget) {
  const auto give_up_at = std::chrono::steady_clock::now() + budget.time;
  shrink_outcome result;
  result.switches = std::move(original);
  const auto spent = [&] {
    return result.runs >= budget.runs || std::chrono::steady_clock::now() >= give_up_at;
  };
  // Keeps `tried`'s outcome when it is better: the same failure with fewer preemptions.
  const auto better = [&](const std::vector<switch_point>& tried,
                          free_order order = free_order::lowest_first) {
    ++result.runs;
    std::optional<std::vector<switch_point>> failed = attempt(tried, order);
    if (!failed || preemptions_in(*failed) >= preemptions_in(result.switches)) return false;
    result.switches = std::move(*failed);
    return true;
  };
  if (preemptions_in(result.switches) == 0) {
    result.minimal = true;
    return result;
  }
  // A failure that needs no preemption at all is common (an order bug, a missing join) and costs one run.
  std::vector<switch_point> none_preempted;
  for (const switch_point& taken : result.switches)
    if (!taken.preemption) none_preempted.push_back(taken);
  if (!spent() && better(none_preempted)) {
    result.minimal = true;
    return result;
  }
  // Passes over the preemptions, the latest first: a late preemption more often only shuffles threads
  // after the damage is done. A pass that took none out proves the schedule 1-minimal.
  for (;;) {
    bool shrunk = false;
    std::size_t at = result.switches.size();
    while (at-- > 0) {
      if (spent()) return result;
      if (at >= result.switches.size() || !result.switches[at].preemption) continue;
      std::vector<switch_point> without = result.switches;
      without.erase(without.begin() + static_cast<std::ptrdiff_t>(at));
      if (better(without)) shrunk = true;
    }
    if (!shrunk) break;
  }
  result.minimal = true;
  // 1-minimal is not fewest: a preemption taken out can move the threads so that a later one no longer
  // falls where it did, though it alone would do. Most bugs need one, so each is tried alone.
  if (preemptions_in(result.switches) < 2) return result;
  const std::vector<switch_point> minimal = result.switches;
  for (const free_order order : {free_order::lowest_first, free_order::preempted_first}) {
    for (std::size_t kept = minimal.size(); kept-- > 0;) {
      if (spent()) return result;
      if (!minimal[kept].preemption) continue;
      // With the other threads in the order the switches that are not preemptions gave them, or,
      // without those, in the order that lets the preemption find them where it needs them.
      std::vector<switch_point> alone;
      for (std::size_t i = 0; i < minimal.size(); ++i) {
        if (i == kept || (order == free_order::lowest_first && !minimal[i].preemption))
          alone.push_back(minimal[i]);
      }
      if (better(alone, order)) return result;
    }
  }
  return result;
}

}  // namespace weft::sched
