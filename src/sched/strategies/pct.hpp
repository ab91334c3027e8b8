// PCT, probabilistic concurrency testing: Burckhardt, Kothari, Musuvathi, Nagarakatte, "A Randomized
// Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010.
//
// Threads get distinct random priorities and the highest-priority candidate always runs; at d - 1
// random decisions the running thread drops below every other. A bug that needs d ordering
// constraints is then found in each run with probability at least 1 / (n * k^(d-1)) for n threads and
// k decisions, where a uniformly random walk can need exponentially many runs.
//
// A thread that yields drops below every other thread, as in Shuttle's PCT: a spin loop that yields
// gives way to whoever it waits for instead of keeping the highest priority and spinning forever.
#pragma once

#include <map>
#include <optional>
#include <random>

#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class pct_strategy final : public strategy {
 public:
  // depth is the bug depth d. Throws config_error for a depth below 1.
  pct_strategy(std::uint64_t seed, int depth);

  // Reseeds from (seed, run_index), forgets every priority and draws this run's change points.
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  void end_run(std::size_t steps) override;
  [[nodiscard]] std::string_view name() const override { return "pct"; }

 private:
  [[nodiscard]] std::int64_t priority_of(thread_id thread);
  [[nodiscard]] std::size_t highest_priority(std::span<const candidate> candidates);

  std::uint64_t seed_;
  std::uint64_t depth_;  // d >= 1
  std::mt19937_64 rng_;

  // k, the number of decisions a run is expected to have: the most any finished run had, or
  // default_decisions before the first one ends. Decisions (choose calls at interesting steps) are
  // counted rather than end_run's steps because a change point placed on a step with a single
  // candidate, or on an ordinary memory access, could not act.
  static constexpr std::size_t default_decisions = 100;
  std::optional<std::size_t> most_decisions_seen_;

  // A thread's priority, set when it is first seen in a run. Initial priorities are >= d and drawn at
  // random; a thread lowered at change point j (1 <= j <= d - 1) has priority j, below every initial
  // one; a thread that yields gets lowest_ - 1, below every other. Equal initial draws (chance about
  // 2^-62) go to the lower thread id, so the order is total.
  std::map<thread_id, std::int64_t> priority_;
  std::int64_t lowest_ = 1;  // the lowest priority given in this run; <= 1

  // The change points: decision (1-based, in [1, k]) -> the priority j the running thread drops to
  // there. min(d - 1, k) entries, and each j in 1..d - 1 is used at most once.
  std::map<std::size_t, std::int64_t> change_points_;

  std::size_t decisions_ = 0;  // choose calls at interesting steps so far in this run
};

}  // namespace weft::sched
