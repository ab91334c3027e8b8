// RFF, reads-from fuzzing: Wolff et al., "Greybox Fuzzing for Concurrency Testing", ASPLOS 2024.
//
// A schedule is described by a few reads-from constraints: "the read at site R observes the write at
// site W" (positive) or "does not" (negative). rff keeps a corpus of such schedules; each run mutates
// one (adds a constraint drawn from the reads and writes earlier runs saw on the same objects, negates
// or drops one) and runs it: a reader whose constraint does not hold yet is passed over while another
// thread can run, so the writer it waits for gets there first (or, for a negative one, someone
// overwrites first), for at most 100 decisions of a run, after which its constraints are given up
// (the writer may never come). Everything else is a random walk. A run that reached reads-from or switch
// pairs no earlier run reached puts its schedule in the corpus, with an energy (how often it is picked) in
// proportion to how many it reached.
#pragma once

#include <memory>
#include <random>
#include <vector>

#include "sched/strategies/run_coverage.hpp"
#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class rff_strategy final : public strategy {
 public:
  // `coverage` is shared with other learners of one portfolio; rff makes its own when given none.
  explicit rff_strategy(std::uint64_t seed, std::shared_ptr<run_coverage> coverage = nullptr);

  // Reseeds from (seed, run_index), picks a schedule of the corpus and mutates it.
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  // Keeps the run's schedule when it reached new pairs.
  void end_run(std::size_t steps) override;
  [[nodiscard]] std::string_view name() const override { return "rff"; }

 private:
  struct constraint {
    std::uintptr_t write_site = 0;
    std::uintptr_t read_site = 0;
    bool observes = true;  // positive: the read must observe the write; negative: it must not
  };
  struct corpus_entry {
    std::vector<constraint> constraints;
    std::size_t energy = 1;
  };

  void mutate(std::vector<constraint>& constraints);
  [[nodiscard]] bool may_run_now(const operation& op) const;

  std::uint64_t seed_;
  std::shared_ptr<run_coverage> coverage_;  // never null
  std::mt19937_64 rng_;
  std::vector<corpus_entry> corpus_;  // never empty: starts with the schedule of no constraints
  std::vector<constraint> current_;   // this run's constraints
  std::size_t held_back_ = 0;         // decisions of this run that passed a held-back reader over
};

}  // namespace weft::sched
