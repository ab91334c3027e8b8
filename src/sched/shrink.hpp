// Shrinking a failing schedule: search for one with fewer preemptions that fails the same way.
//
// A schedule is taken as its switches (strategies/guided.hpp). Each attempt takes one preemption out
// of the best schedule so far (that thread goes on instead) and runs the rest as guided; an attempt
// that fails the same way with fewer preemptions becomes the best schedule, in the switches it
// actually took. When no single preemption can be taken out (the schedule is then 1-minimal: every
// preemption left is needed for it), each preemption left is tried alone, with either free_order.
// The budget ends it sooner.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "sched/strategies/guided.hpp"

namespace weft::sched {

// The bound on a shrink: whichever ends first. Each attempt is one run of the test.
struct shrink_budget {
  std::size_t runs = 100;
  std::chrono::milliseconds time{10'000};
};

// Runs the test once guided by `switches` (guided_strategy, with `order`); returns the switches the
// run took if it failed the same way as the failure being shrunk, nullopt if it passed or failed
// otherwise.
using guided_attempt = std::function<std::optional<std::vector<switch_point>>(
    std::span<const switch_point> switches, free_order order)>;

struct shrink_outcome {
  std::vector<switch_point> switches;  // the best schedule found (the original if none was better)
  std::size_t runs = 0;                // attempts made
  // No single preemption of `switches` can be taken out (a schedule found by trying one alone
  // afterwards is 1-minimal too: it has one preemption, and a try without any failed).
  bool minimal = false;
};

// Shrinks `original`, the switches of a run that failed; calls `attempt` at most budget.runs times.
// Blocks for at most about budget.time plus one attempt.
[[nodiscard]] shrink_outcome shrink(std::vector<switch_point> original, const guided_attempt& attempt,
                                    const shrink_budget& budget);

}  // namespace weft::sched
