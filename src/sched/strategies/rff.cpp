#include "sched/strategies/rff.hpp"

#include <algorithm>

#include "sched/strategies/prng.hpp"

namespace weft::sched {
namespace {

// A schedule is a handful of constraints; more pin the run down until few ever hold together.
constexpr std::size_t max_constraints = 4;
constexpr std::size_t max_corpus = 256;
// How many times a run may pass a held-back reader over before its constraints are given up: a reader
// held back while another thread spins (a failed exchange counts as progress, so the spinner stays
// eligible) would otherwise never run, and a twin with a spinlock would livelock.
constexpr std::size_t patience = 100;

bool reads(op_kind kind) {
  return kind == op_kind::atomic_load || kind == op_kind::atomic_rmw;
}

}  // namespace

rff_strategy::rff_strategy(std::uint64_t seed, std::shared_ptr<run_coverage> coverage)
    : seed_(seed), coverage_(coverage != nullptr ? std::move(coverage) : std::make_shared<run_coverage>()) {
  // The unconstrained walk stays worth picking: it is where new reads come from.
  corpus_.push_back(corpus_entry{{}, 4});
}

bool rff_strategy::begin_run(std::uint64_t run_index) {
  rng_.seed(derive_seed(seed_, run_index));
  std::size_t total = 0;
  for (const corpus_entry& entry : corpus_) total += entry.energy;
  std::size_t draw = draw_below(rng_, total);
  std::size_t picked = 0;
  while (draw >= corpus_[picked].energy) draw -= corpus_[picked++].energy;
  current_ = corpus_[picked].constraints;
  mutate(current_);
  held_back_ = 0;
  return true;
}

void rff_strategy::mutate(std::vector<constraint>& constraints) {
  const std::vector<run_coverage::read_site>& sites = coverage_->read_sites();
  const std::size_t choice = draw_below(rng_, 4);
  if (choice == 0 && !constraints.empty()) {
    constraints.erase(constraints.begin() +
                      static_cast<std::ptrdiff_t>(draw_below(rng_, constraints.size())));
    return;
  }
  if (choice == 1 && !constraints.empty()) {
    constraint& flipped = constraints[draw_below(rng_, constraints.size())];
    flipped.observes = !flipped.observes;
    return;
  }
  if (sites.empty()) return;
  const run_coverage::read_site& read = sites[draw_below(rng_, sites.size())];
  const constraint added{read.writers[draw_below(rng_, read.writers.size())], read.site,
                         draw_below(rng_, 4) != 0};
  // One constraint per read site: a new one replaces the old.
  std::erase_if(constraints, [&](const constraint& c) { return c.read_site == added.read_site; });
  if (constraints.size() == max_constraints) constraints.erase(constraints.begin());
  constraints.push_back(added);
}

bool rff_strategy::may_run_now(const operation& op) const {
  if (!reads(op.kind) || op.object == 0) return true;
  for (const constraint& c : current_) {
    if (c.read_site != op.site) continue;
    const bool observes = coverage_->last_write_site(op.object) == c.write_site;
    return observes == c.observes;
  }
  return true;
}

std::size_t rff_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  if (const std::optional<std::size_t> plain = plain_access_to_take(candidates, current)) return *plain;
  // Readers whose constraint does not hold yet wait while anyone else can run.
  std::vector<std::size_t> allowed;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!candidates[i].waits_for_progress && may_run_now(candidates[i].next)) allowed.push_back(i);
  }
  const std::size_t eligible = eligible_count(candidates);
  if (allowed.empty() || (allowed.size() < eligible && ++held_back_ > patience))
    return eligible_index(candidates, draw_below(rng_, eligible));
  return allowed[draw_below(rng_, allowed.size())];
}

void rff_strategy::end_run(std::size_t) {
  const std::size_t reached = coverage_->new_pairs_last_run();
  if (reached == 0 || current_.empty()) return;
  if (corpus_.size() == max_corpus) {
    // The first entry (no constraints) always stays; the weakest of the others makes room.
    const auto weakest = std::min_element(corpus_.begin() + 1, corpus_.end(),
                                          [](const auto& a, const auto& b) { return a.energy < b.energy; });
    corpus_.erase(weakest);
  }
  // Energy grows with what the run reached, capped so that one rich early run cannot starve the rest.
  corpus_.push_back(corpus_entry{current_, 1 + std::min<std::size_t>(reached, 8)});
}

}  // namespace weft::sched
