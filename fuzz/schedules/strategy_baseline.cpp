// For docs/fuzzing.md's measurements: how many schedules `random` or `pct` needs to find a bug
// program's bug, with the same budget of executions the fuzzer gets.
//   strategy_baseline <program> <random|pct> <seed> <budget>   prints the count, or "none"
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <weft/sched.hpp>

#include "support/bug_programs.hpp"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: strategy_baseline <program> <random|pct> <seed> <budget>\n");
    return 2;
  }
  const std::string_view name = argv[1];
  void (*program)() = weft_test::find_bug_program(name);
  if (program == nullptr) {
    std::fprintf(stderr, "strategy_baseline: unknown program %s\n", argv[1]);
    return 2;
  }
  const weft::explore_result result =
      weft::explore(program, weft::explore_options()
                                 .strategy(argv[2])
                                 .seed(std::strtoull(argv[3], nullptr, 10))
                                 .iterations(std::strtoull(argv[4], nullptr, 10))
                                 .quiet());
  if (result.failed()) {
    std::printf("%zu\n", result.schedules);
  } else {
    std::printf("none\n");
  }
  std::fflush(stdout);
  std::_Exit(0);  // a failed run's threads stay parked; nothing to wait for
}
