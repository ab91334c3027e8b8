// Runs to the first bug of the deep bug classes (tests/deep_bugs/programs.hpp) and of the heap misuse
// programs (tests/heap/programs.hpp), all built with weft_instrument: for one program and each
// strategy, the number of schedules weft::explore needs to find the failure, for seeds 1..N, portfolio
// last. Races are off: what is measured is how soon the symptom shows. A program per process keeps the
// parked threads of failing runs from piling up.
//
// Usage: bench_deep_bugs <program> <seeds> <max schedules>   (programs: --list)
// Prints "program<TAB>strategy<TAB>seed<TAB>schedules|not_found" lines.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <weft/sched.hpp>

#include "deep_bugs/programs.hpp"
#include "heap/programs.hpp"

namespace {

namespace programs = weft_test::deep_bugs;

// The heap misuse programs of tests/heap/, which weft's heap checks report as use-after-free and
// double-free, after the deep bug classes.
constexpr programs::named_program heap_programs[] = {
    {"heap_use_after_free", weft_test::heap::use_after_free, weft_test::heap::use_after_free_twin},
    {"heap_double_free", weft_test::heap::double_free, weft_test::heap::double_free_twin},
};

}  // namespace

int main(int argc, char** argv) {
  const auto every_program = {std::span<const programs::named_program>(programs::programs),
                              std::span<const programs::named_program>(heap_programs)};
  if (argc == 2 && std::string_view(argv[1]) == "--list") {
    for (const auto& list : every_program) {
      for (const programs::named_program& program : list)
        std::printf("%.*s\n", static_cast<int>(program.name.size()), program.name.data());
    }
    return 0;
  }
  const int seeds = argc > 3 ? std::atoi(argv[2]) : 0;
  const long max_schedules = argc > 3 ? std::atol(argv[3]) : 0;
  const std::string_view name = argc > 1 ? argv[1] : "";
  void (*program)() = nullptr;
  for (const auto& list : every_program) {
    for (const programs::named_program& known : list) {
      if (known.name == name) program = known.bug;
    }
  }
  if (program == nullptr || seeds <= 0 || max_schedules <= 0) {
    std::fprintf(stderr, "usage: bench_deep_bugs <program> <seeds> <max schedules>   (programs: --list)\n");
    return 2;
  }
  for (const char* strategy : {"random", "pct", "pos", "surw", "rff", "portfolio"}) {
    for (int seed = 1; seed <= seeds; ++seed) {
      const weft::explore_result result =
          weft::explore(program, weft::explore_options()
                                     .strategy(strategy)
                                     .seed(static_cast<std::uint64_t>(seed))
                                     .iterations(static_cast<std::size_t>(max_schedules))
                                     .races(weft::race_mode::off)
                                     .time_budget(std::chrono::minutes(5))
                                     // Schedules to the bug: shrinking it is not finding it.
                                     .shrink(false)
                                     .quiet());
      const std::string found = result.failed() ? std::to_string(result.schedules) : "not_found";
      std::printf("%.*s\t%s\t%d\t%s\n", static_cast<int>(name.size()), name.data(), strategy, seed,
                  found.c_str());
      std::fflush(stdout);
    }
  }
}
