#include "sched/strategies/bytes.hpp"

#include "sched/strategies/prng.hpp"

namespace weft::sched {

bool bytes_strategy::begin_run(std::uint64_t) {
  next_byte_ = 0;
  fallback_.seed(derive_seed(seed_, 0));
  return true;
}

std::size_t bytes_strategy::choose(std::span<const candidate> candidates, thread_id) {
  if (next_byte_ < bytes_.size()) return bytes_[next_byte_++] % candidates.size();
  return draw_below(fallback_, candidates.size());
}

}  // namespace weft::sched
