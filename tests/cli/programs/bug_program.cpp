// The scheduler's bug programs (tests/support/bug_programs.hpp) as whole programs for the weft
// command: `bug_program <name>` runs one of them once and returns 0.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "support/bug_programs.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bug_program <name>\n");
    return 64;
  }
  if (auto* program = weft_test::find_bug_program(argv[1])) {
    program();
    return 0;
  }
  std::fprintf(stderr, "bug_program: no program named %s\n", argv[1]);
  return 64;
}
