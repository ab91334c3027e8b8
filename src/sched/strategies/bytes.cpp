#include "sched/strategies/bytes.hpp"

#include "sched/strategies/prng.hpp"

namespace weft::sched {

bool bytes_strategy::begin_run(std::uint64_t) {
  next_byte_ = 0;
  fallback_.seed(derive_seed(seed_, 0));
  return true;
}

std::size_t bytes_strategy::choose(std::span<const candidate> candidates, thread_id) {
  const std::size_t eligible = eligible_count(candidates);
  if (next_byte_ < bytes_.size()) return eligible_index(candidates, bytes_[next_byte_++] % eligible);
  return eligible_index(candidates, draw_below(fallback_, eligible));
}

}  // namespace weft::sched
