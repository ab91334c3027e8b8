#include "sched/strategies/portfolio.hpp"

#include "sched/strategies/pct.hpp"
#include "sched/strategies/pos.hpp"
#include "sched/strategies/prng.hpp"
#include "sched/strategies/random.hpp"

namespace weft::sched {

portfolio_strategy::portfolio_strategy(std::uint64_t seed) {
  members_.push_back({std::make_unique<random_strategy>(derive_seed(seed, 0)), "portfolio/random"});
  members_.push_back({std::make_unique<pct_strategy>(derive_seed(seed, 1), 2), "portfolio/pct-depth-2"});
  members_.push_back({std::make_unique<pct_strategy>(derive_seed(seed, 2), 3), "portfolio/pct-depth-3"});
  members_.push_back({std::make_unique<pos_strategy>(derive_seed(seed, 3)), "portfolio/pos"});
}

bool portfolio_strategy::begin_run(std::uint64_t run_index) {
  active_ = run_index % members_.size();
  return members_[active_].inner->begin_run(run_index / members_.size());
}

std::size_t portfolio_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  return members_[active_].inner->choose(candidates, current);
}

void portfolio_strategy::end_run(std::size_t steps) {
  members_[active_].inner->end_run(steps);
}

}  // namespace weft::sched
