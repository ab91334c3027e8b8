#include "sched/strategies/random.hpp"

#include "sched/strategies/prng.hpp"

namespace weft::sched {

bool random_strategy::begin_run(std::uint64_t run_index) {
  rng_.seed(derive_seed(seed_, run_index));
  return true;
}

std::size_t random_strategy::choose(std::span<const candidate> candidates, thread_id) {
  return eligible_index(candidates, draw_below(rng_, eligible_count(candidates)));
}

}  // namespace weft::sched
