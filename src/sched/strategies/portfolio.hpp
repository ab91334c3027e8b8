// A portfolio: random, pct with depth 2, pct with depth 3, pos, surw and rff, each seeded from its own
// derived seed, so no single strategy's blind spot decides the outcome. The mix adapts: after each
// member has had a run, a run goes to a member drawn by weight: a base weight (surw 4, rff 3, the
// others 1) plus ten times the new reads-from pairs its recent runs reached (an average that forgets
// old runs), so a member that keeps finding new reads gets most runs, and none is ever starved. Every
// draw comes from (seed, run index) and what earlier runs reached, so a seed means the same sequence
// of runs. Each member sees its own run numbers (0, 1, 2, ...). Begun at a run index out of sequence
// (the weft command begins a fresh portfolio at each run's index), or after a run it could not watch
// (fork_each_run runs it in a child), it learns nothing and rotates through random, pct (d=2), pct
// (d=3) and pos by run index instead.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "sched/strategies/run_coverage.hpp"
#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class portfolio_strategy final : public strategy {
 public:
  // `coverage` is what the members' runs are judged by; the portfolio makes its own when given none.
  explicit portfolio_strategy(std::uint64_t seed, std::shared_ptr<run_coverage> coverage = nullptr);

  // Picks the member for this run and begins its run.
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  // Ends the member's run and credits it with the new pairs the run reached.
  void end_run(std::size_t steps) override;
  // The member in use for this run, such as "portfolio/pct-depth-3", so a failure says which found it.
  [[nodiscard]] std::string_view name() const override { return members_[active_].name; }

 private:
  struct member {
    std::unique_ptr<strategy> inner;
    std::string name;
    double base = 1;         // its weight while it reaches nothing new
    std::uint64_t runs = 0;  // the member's own run numbers
    double reward = 0;       // recent new reads-from pairs per run, the older the less counted
  };

  [[nodiscard]] std::size_t pick_member(std::uint64_t run_index);

  std::uint64_t seed_;
  std::shared_ptr<run_coverage> coverage_;  // never null; shared with surw
  std::vector<member> members_;             // never empty
  std::size_t active_ = 0;                  // the member running this run; < members_.size()
  std::uint64_t next_index_ = 0;            // the run index that follows the last one begun
  std::size_t runs_seen_before_ = 0;        // coverage_->runs_seen() when this run began
  bool cold_ = false;                       // some run was begun out of sequence: nothing is learned
};

}  // namespace weft::sched
