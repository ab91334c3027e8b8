// POS, partial order sampling: Yuan, Yang, Gu, "Partial Order Aware Concurrency Sampling", CAV 2018.
//
// Every pending operation carries a random priority and the highest runs. When an operation runs,
// the pending operations it conflicts with (same object, not both reads) draw new priorities, so
// only their order relative to it is resampled; operations that commute keep theirs. This samples
// the distinct partial orders of a program far more evenly than a random walk, which keeps
// re-deciding the order of independent operations.
#pragma once

#include <map>
#include <random>

#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class pos_strategy final : public strategy {
 public:
  explicit pos_strategy(std::uint64_t seed) : seed_(seed) {}

  // Reseeds from (seed, run_index) and forgets every pending operation.
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  [[nodiscard]] std::string_view name() const override { return "pos"; }

 private:
  struct pending {
    operation next;          // the operation the priority was drawn for
    std::uint64_t priority;  // equal priorities go to the lower thread id
  };

  std::uint64_t seed_;
  std::mt19937_64 rng_;
  // Each thread's pending operation as last seen, with its priority. An entry lives until its thread
  // runs (chosen here, or seen as `current`, which got to this point by running) or shows a different
  // operation; a conflicting operation running redraws the priority but keeps the entry.
  std::map<thread_id, pending> pending_;
};

}  // namespace weft::sched
