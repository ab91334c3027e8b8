#include "leaks/settle.hpp"

#include <algorithm>

#include "registry/registry.hpp"

namespace weft::leaks {

survey settle(std::chrono::steady_clock::time_point deadline, const std::function<survey()>& look) {
  for (;;) {
    // Read the epoch before looking: an exit between the look and the wait then ends the wait at once
    // instead of being missed.
    const std::uint32_t epoch = registry::exit_epoch();
    survey found = look();
    const auto now = std::chrono::steady_clock::now();
    if (found.empty() || now >= deadline) return found;
    registry::wait_for_exit(epoch, std::min(deadline, found.look_again_at));
  }
}

}  // namespace weft::leaks
