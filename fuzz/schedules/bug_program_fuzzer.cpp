// A schedule fuzzer over the scheduler's bug programs (tests/support/bug_programs.hpp), the program
// chosen by WEFT_BUG_PROGRAM: one binary serves every fuzz test of fuzz/schedules/CMakeLists.txt.
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <weft/libfuzzer.hpp>

#include "support/bug_programs.hpp"

namespace {

void (*selected())() {
  static void (*const chosen)() = [] {
    const char* name = std::getenv("WEFT_BUG_PROGRAM");
    if (name != nullptr) {
      if (auto* program = weft_test::find_bug_program(name)) return program;
    }
    std::fprintf(stderr, "bug_program_fuzzer: set WEFT_BUG_PROGRAM to one of:");
    for (const auto& candidate : weft_test::bug_programs) std::fprintf(stderr, " %s", candidate.name.data());
    std::fprintf(stderr, "\n");
    std::exit(2);
  }();
  return chosen;
}

void run_selected() {
  selected()();
}

}  // namespace

WEFT_FUZZ_SCHEDULES(run_selected)
