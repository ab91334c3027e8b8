// Bounded polling for tests that must wait until another thread reaches a state.
#pragma once

#include <chrono>
#include <thread>

namespace weft::testing {

// Polls `condition` every millisecond until it holds or `limit` passes. Returns whether it held.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace weft::testing
