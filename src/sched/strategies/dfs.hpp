// Bounded exhaustive search: every schedule with at most `preemption_bound` preemptions, each once, in
// depth-first order. A preemption is choosing another thread while `current` could still run; most
// concurrency bugs need very few (Musuvathi, Qadeer, "Iterative Context Bounding for Systematic
// Testing of Multithreaded Programs", PLDI 2007), and the bound keeps the space polynomial.
//
// Assumes the program is deterministic given the decisions: a run replays the previous run's path up
// to its deepest decision with an untried alternative, then takes that alternative. If a replayed
// point shows another number of candidates, the path is cut there and the search goes on from it.
//
// A candidate that waits for progress (it yielded) is no alternative, and a yield is no preemption:
// this prunes only schedules where a yield lets nobody else run, which no fair scheduler produces.
#pragma once

#include <vector>

#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class dfs_strategy final : public strategy {
 public:
  // Throws config_error for a negative bound.
  explicit dfs_strategy(int preemption_bound);

  // Sets up the next path; false once every schedule within the bound has run (then covered()).
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  // Drops replayed decisions the run never reached, so the search resumes from where it really went.
  void end_run(std::size_t steps) override;
  [[nodiscard]] std::string_view name() const override { return "dfs"; }

  // Whether the search has tried every schedule within the bound.
  [[nodiscard]] bool covered() const { return covered_; }

 private:
  struct frame {
    std::size_t candidates;   // how many could run at this decision
    std::size_t current;      // index of `current` among them; == candidates when it could not run
    std::size_t chosen;       // the index this path takes
    int preemptions;          // preemptions on the path before this decision; <= bound
    std::vector<bool> waits;  // which candidates wait for progress; empty when none does

    [[nodiscard]] bool eligible(std::size_t i) const { return i >= waits.size() || !waits[i]; }
  };

  [[nodiscard]] bool preempts(const frame& f) const {
    return f.current < f.candidates && f.chosen != f.current;
  }
  [[nodiscard]] bool next_alternative(frame& f) const;

  int bound_;
  // The decisions of the current path, outermost first. Alternatives at a frame are tried in a fixed
  // order: `current` first (no preemption), then the others by index, each only within the bound.
  std::vector<frame> path_;
  std::size_t position_ = 0;  // the next decision of this run; path_[position_...] is replayed if present
  bool started_ = false;      // a run has begun, so the next begin_run advances the path
  bool covered_ = false;
};

}  // namespace weft::sched
