// Built against an installed weft with its code under test instrumented: weft::explore finds the
// lost update on a plain int, both as the failed check (race reports off) and as a data race report
// naming the increment, and a replay of each failing schedule fails the same way. Exits 0 when all hold.
#include <cstdio>
#include <string>
#include <weft/sched.hpp>

#include "lost_update.hpp"

namespace {

using failure = weft::explore_result::failure;

// Returns what is wrong with exploring and replaying the lost update; empty when nothing is.
std::string check_found(bool report_races, failure expected, const char* what) {
  constexpr std::size_t budget = 1000;
  const weft::explore_options options = weft::explore_options().quiet().report_races(report_races);
  const weft::explore_result found = weft::explore(
      consumer::lost_update, weft::explore_options(options).strategy("pct").iterations(budget).seed(7));
  if (found.kind != expected) {
    return "pct did not find " + std::string(what) + " within " + std::to_string(budget) +
           " schedules (ran " + std::to_string(found.schedules) + ")\n" + found.report;
  }
  const weft::explore_result again = weft::replay(found.replay, consumer::lost_update, options);
  if (again.diverged) return "the replay diverged: " + again.divergence + "\n";
  if (again.kind != expected)
    return "the replay did not find " + std::string(what) + " again\n" + again.report;
  if (report_races && found.report.find("consumer::lost_update") == std::string::npos) {
    return "the race report does not name the racing function\n" + found.report;
  }
  return "";
}

}  // namespace

int main() {
  std::string problem = check_found(false, failure::user_check, "the failed weft::expect");
  if (problem.empty()) problem = check_found(true, failure::race, "the data race");
  if (!problem.empty()) {
    std::fprintf(stderr, "consumer: %s", problem.c_str());
    return 1;
  }
  std::puts("consumer: the lost update on a plain int was found through the installed weft::instrument");
  return 0;
}
