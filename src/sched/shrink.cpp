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
  const auto better = [&](const std::vector<switch_point>& tried) {
    ++result.runs;
    std::optional<std::vector<switch_point>> failed = attempt(tried);
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
    if (!shrunk) {
      result.minimal = true;
      return result;
    }
  }
}

}  // namespace weft::sched
