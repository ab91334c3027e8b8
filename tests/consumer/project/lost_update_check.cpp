// Built against an installed weft with its code under test instrumented: weft::explore finds the
// lost update on a plain int and a replay of the failing schedule fails the same way. Exits 0 when
// both hold.
#include <cstdio>
#include <string>
#include <weft/sched.hpp>

#include "lost_update.hpp"

namespace {

using failure = weft::explore_result::failure;

// Returns what is wrong with exploring and replaying the lost update; empty when nothing is.
std::string check_lost_update_found() {
  constexpr std::size_t budget = 1000;
  const weft::explore_result found = weft::explore(
      consumer::lost_update, weft::explore_options().strategy("pct").iterations(budget).seed(7).quiet());
  if (found.kind != failure::user_check) {
    return "pct did not fail weft::expect within " + std::to_string(budget) + " schedules (ran " +
           std::to_string(found.schedules) + ")\n" + found.report;
  }
  const weft::explore_result again =
      weft::replay(found.replay, consumer::lost_update, weft::explore_options().quiet());
  if (again.diverged) return "the replay diverged: " + again.divergence + "\n";
  if (again.kind != failure::user_check) return "the replay did not fail weft::expect\n" + again.report;
  return "";
}

}  // namespace

int main() {
  const std::string problem = check_lost_update_found();
  if (!problem.empty()) {
    std::fprintf(stderr, "consumer: %s", problem.c_str());
    return 1;
  }
  std::puts("consumer: the lost update on a plain int was found through the installed weft::instrument");
  return 0;
}
