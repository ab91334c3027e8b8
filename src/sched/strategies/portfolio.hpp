// A portfolio: run i belongs to member i % 4 of random, pct with depth 2, pct with depth 3 and pos,
// each seeded from its own derived seed, so no single strategy's blind spot decides the outcome. Each
// member sees its own run numbers (0, 1, 2, ...), so its runs are those it would make on its own with
// that seed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class portfolio_strategy final : public strategy {
 public:
  explicit portfolio_strategy(std::uint64_t seed);

  // Picks the member for this run and begins its run.
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  void end_run(std::size_t steps) override;
  // The member in use for this run, such as "portfolio/pct-depth-3", so a failure says which found it.
  [[nodiscard]] std::string_view name() const override { return members_[active_].name; }

 private:
  struct member {
    std::unique_ptr<strategy> inner;
    std::string name;
  };

  std::vector<member> members_;  // never empty
  std::size_t active_ = 0;       // the member running this run; < members_.size()
};

}  // namespace weft::sched
