// SURW, selectively uniform random walk: Zhao et al., "Selectively Uniform Concurrency Testing",
// ASPLOS 2025.
//
// A random walk that picks a thread with probability proportional to the number of events it has left
// samples the interleavings of those events uniformly (a thread with more events ahead appears in more
// of the remaining interleavings); a plain random walk, which picks each thread equally often, almost
// never runs a thread with a few events at the one moment that matters among many threads with many.
// Events are counted only where they matter (the selective part): synchronization and accesses at code
// seen racing, not going on after a release, yields, time-outs, nor plain accesses at code never seen
// racing, which run at once. A thread's events to come include those of the threads it has yet to
// create (and theirs), so a creator that must start many threads runs more often, as a uniform draw
// over the interleavings of all those events would have it. How many events a thread has left is
// estimated from the earlier runs of this process (the most it ever performed, by thread id, and who
// created it); with nothing learned yet, every thread weighs the same.
#pragma once

#include <memory>
#include <random>
#include <vector>

#include "sched/strategies/run_coverage.hpp"
#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class surw_strategy final : public strategy {
 public:
  // `coverage` is shared with other learners of one portfolio; surw makes its own when given none.
  explicit surw_strategy(std::uint64_t seed, std::shared_ptr<run_coverage> coverage = nullptr);

  // Reseeds from (seed, run_index).
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  // Learns each thread's event count from the run that just ended.
  void end_run(std::size_t steps) override;
  [[nodiscard]] std::string_view name() const override { return "surw"; }

 private:
  std::uint64_t seed_;
  std::shared_ptr<run_coverage> coverage_;  // never null
  std::mt19937_64 rng_;
  [[nodiscard]] std::size_t weight_of(thread_id thread) const;

  std::vector<std::size_t> most_events_;  // by thread id: the most events it performed in any run
  std::vector<thread_id> creator_;        // by thread id: its creator in the latest run that had it
  std::vector<std::size_t> subtree_;      // by thread id: most_events_ of it and all it creates
};

}  // namespace weft::sched
