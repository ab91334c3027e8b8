// Runs to the first bug: for one of tests/support/bug_programs.hpp's programs and each strategy, the
// number of schedules weft::explore needs to find the failure, for seeds 1..N. dfs is deterministic,
// so it runs once. A program per process keeps the parked threads of failing runs (which stay blocked
// for the rest of the process) from piling up.
//
// Usage: bench_first_bug <program> <seeds> <max schedules>
// Prints "program<TAB>strategy<TAB>seed<TAB>schedules|not_found" lines.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>

#include "bug_programs.hpp"

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--list") {
    for (const weft_test::named_program& program : weft_test::bug_programs) {
      if (program.has_bug) std::printf("%.*s\n", static_cast<int>(program.name.size()), program.name.data());
    }
    return 0;
  }
  const int seeds = argc > 2 ? std::atoi(argv[2]) : 0;
  const long max_schedules = argc > 3 ? std::atol(argv[3]) : 0;
  const std::string_view name = argc > 1 ? argv[1] : "";
  void (*program)() = weft_test::find_bug_program(name);
  if (program == nullptr || seeds <= 0 || max_schedules <= 0) {
    std::fprintf(stderr, "usage: bench_first_bug <program> <seeds> <max schedules>   (programs: --list)\n");
    return 2;
  }
  for (const char* strategy : {"random", "pct", "pos", "surw", "rff", "dfs", "portfolio"}) {
    const int strategy_seeds = std::string_view(strategy) == "dfs" ? 1 : seeds;
    for (int seed = 1; seed <= strategy_seeds; ++seed) {
      const weft::explore_result result =
          weft::explore(program, weft::explore_options()
                                     .strategy(strategy)
                                     .seed(static_cast<std::uint64_t>(seed))
                                     .iterations(static_cast<std::size_t>(max_schedules))
                                     .time_budget(std::chrono::seconds(20))
                                     // Schedules to the bug: shrinking it is not finding it.
                                     .shrink(false)
                                     .quiet());
      std::string found = result.failed() ? std::to_string(result.schedules) : "not_found";
      if (!result.failed() && result.space_covered) found = "not_found_space_covered";
      std::printf("%.*s\t%s\t%d\t%s\n", static_cast<int>(name.size()), name.data(), strategy, seed,
                  found.c_str());
      std::fflush(stdout);
    }
  }
}
