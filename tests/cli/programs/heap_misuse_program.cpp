// The instrumented heap misuse programs (tests/heap/programs.hpp) as whole programs for the weft
// command: `heap_misuse_program use_after_free` and `heap_misuse_program double_free`.
#include <cstdio>
#include <cstring>

#include "heap/programs.hpp"

int main(int argc, char** argv) {
  namespace heap = weft_test::heap;
  if (argc == 2 && std::strcmp(argv[1], "use_after_free") == 0) {
    heap::use_after_free();
  } else if (argc == 2 && std::strcmp(argv[1], "double_free") == 0) {
    heap::double_free();
  } else {
    std::fprintf(stderr, "usage: heap_misuse_program use_after_free|double_free\n");
    return 64;
  }
  return 0;
}
