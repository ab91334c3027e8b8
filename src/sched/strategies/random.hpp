// Uniformly random: every candidate equally likely at every point, but for a yielder that waits for
// progress. The baseline the others must beat, and often enough for a bug that needs a single unlucky
// switch.
#pragma once

#include <random>

#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class random_strategy final : public strategy {
 public:
  explicit random_strategy(std::uint64_t seed) : seed_(seed) {}

  // Reseeds from (seed, run_index); always true.
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  [[nodiscard]] std::string_view name() const override { return "random"; }

 private:
  std::uint64_t seed_;
  std::mt19937_64 rng_;
};

}  // namespace weft::sched
