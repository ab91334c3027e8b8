// The one wait loop of a leak check.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

namespace weft::leaks {

// What one look at the process found.
struct survey {
  std::vector<int> unexpected;  // tids of threads that must not be alive
  std::size_t not_started = 0;  // unexpected threads created but not yet running (no tid yet)
  std::size_t tasks = 0;        // unexpected live tasks (weft/tasks.hpp)
  // When to look again even if no recorded thread exits: threads weft did not see created give no
  // exit event, and some checks only become due later. time_point::max() when only exits matter.
  std::chrono::steady_clock::time_point look_again_at = std::chrono::steady_clock::time_point::max();

  [[nodiscard]] bool empty() const { return unexpected.empty() && not_started == 0 && tasks == 0; }
};

// Looks, then sleeps until a recorded thread exits (or look_again_at), and looks again, until a look
// finds nothing unexpected or `deadline` passes. Returns the last look: empty when everything settled.
// With a deadline already past, looks exactly once.
[[nodiscard]] survey settle(std::chrono::steady_clock::time_point deadline,
                            const std::function<survey()>& look);

}  // namespace weft::leaks
