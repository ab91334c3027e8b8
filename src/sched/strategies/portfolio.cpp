#include "sched/strategies/portfolio.hpp"

#include "sched/strategies/pct.hpp"
#include "sched/strategies/pos.hpp"
#include "sched/strategies/prng.hpp"
#include "sched/strategies/random.hpp"
#include "sched/strategies/rff.hpp"
#include "sched/strategies/surw.hpp"

namespace weft::sched {
namespace {

// How much of a member's reward one run replaces: about the last ten runs count.
constexpr double reward_memory = 0.1;
// What one new reads-from pair per run (on average, lately) adds to a member's weight: as much as
// all the base weights together, about.
constexpr double reward_scale = 10;
// random, pct (d=2), pct (d=3) and pos: the first members, whose runs depend on their run number only.
constexpr std::size_t memoryless_members = 4;

}  // namespace

portfolio_strategy::portfolio_strategy(std::uint64_t seed, std::shared_ptr<run_coverage> coverage)
    : seed_(seed), coverage_(coverage != nullptr ? std::move(coverage) : std::make_shared<run_coverage>()) {
  // rff judges its schedules by what its own runs reached: against everyone's, its corpus would hardly
  // grow. Base weights: surw and rff found every deep bug class of tests/deep_bugs fastest but one each
  // (docs/scheduler.md), so surw gets four shares, rff three and the others one each.
  members_.push_back({std::make_unique<random_strategy>(derive_seed(seed, 0)), "portfolio/random", 1});
  members_.push_back({std::make_unique<pct_strategy>(derive_seed(seed, 1), 2), "portfolio/pct-depth-2", 1});
  members_.push_back({std::make_unique<pct_strategy>(derive_seed(seed, 2), 3), "portfolio/pct-depth-3", 1});
  members_.push_back({std::make_unique<pos_strategy>(derive_seed(seed, 3)), "portfolio/pos", 1});
  members_.push_back({std::make_unique<surw_strategy>(derive_seed(seed, 4), coverage_), "portfolio/surw", 4});
  members_.push_back({std::make_unique<rff_strategy>(derive_seed(seed, 5)), "portfolio/rff", 3});
}

std::size_t portfolio_strategy::pick_member(std::uint64_t run_index) {
  if (run_index < members_.size()) return run_index;
  // Its own stream, apart from the members': (seed, run index) under another salt.
  std::mt19937_64 rng(derive_seed(mix_bits(seed_ ^ 0x706F7274666F6C69ull), run_index));
  const auto weight = [](const member& m) { return m.base + reward_scale * m.reward; };
  double total = 0;
  for (const member& m : members_) total += weight(m);
  // 53 bits of the draw as a fraction of the total weight.
  double draw = static_cast<double>(rng() >> 11) / 9007199254740992.0 * total;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    draw -= weight(members_[i]);
    if (draw < 0) return i;
  }
  return members_.size() - 1;
}

bool portfolio_strategy::begin_run(std::uint64_t run_index) {
  // Begun at an index that does not follow the last run's, the portfolio has not seen the runs before
  // it (the weft command starts each run in a fresh process); after a run it did not see (in a
  // fork_each_run child) it learns nothing either. Either way surw and rff would be little more than
  // random walks, so it rotates through the four members that need no memory, each begun at its own
  // run number, a function of the run index alone.
  cold_ |= run_index != next_index_;
  next_index_ = run_index + 1;
  if (cold_) {
    active_ = run_index % memoryless_members;
    return members_[active_].inner->begin_run(run_index / memoryless_members);
  }
  runs_seen_before_ = coverage_->runs_seen();
  active_ = pick_member(run_index);
  member& m = members_[active_];
  return m.inner->begin_run(m.runs++);
}

std::size_t portfolio_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  return members_[active_].inner->choose(candidates, current);
}

void portfolio_strategy::end_run(std::size_t steps) {
  member& m = members_[active_];
  m.inner->end_run(steps);
  // A run this process did not see (fork_each_run runs it in a child) teaches nothing, now or later.
  cold_ |= coverage_->runs_seen() == runs_seen_before_;
  m.reward += reward_memory * (static_cast<double>(coverage_->new_reads_from_last_run()) - m.reward);
}

}  // namespace weft::sched
