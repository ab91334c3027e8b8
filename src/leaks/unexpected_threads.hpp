// One look at the process during a leak check: which threads must not be alive.
#pragma once

#include <chrono>
#include <unordered_map>
#include <vector>

#include "leaks/ignore_rules.hpp"
#include "leaks/settle.hpp"
#include "weft/options.hpp"

namespace weft::leaks {

// Remembers, across the looks of one check, what it already decided about each thread, so a thread
// is read from /proc and symbolized at most once per check while it settles. A look never signals a
// thread: only identity rules (name, creation stack) apply here; the stack rules wait for the
// survivors of the settle wait (find_leaks.cpp).
class unexpected_threads {
 public:
  // `stand_in_for`: a thread expected as the calling thread is (the caller of the controlled run the
  // check is made in, whose place the test's thread takes), or 0.
  unexpected_threads(const options& opts, const rule_set& rules, int stand_in_for = 0);

  [[nodiscard]] survey look();

 private:
  [[nodiscard]] bool ignored_by_identity(int tid);

  const options& opts_;
  const rule_set& rules_;
  const int self_;
  const int stand_in_for_;
  std::unordered_map<int, bool> identity_verdicts_;
  std::vector<int> tids_;
};

}  // namespace weft::leaks
