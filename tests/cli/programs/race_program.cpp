// The instrumented race programs (tests/race/programs.hpp) as whole programs for the weft command:
// `race_program lost_update` has a data race and, in some schedules, a failed check after it;
// `race_program flag_before_data` has a race and no symptom.
#include <cstdio>
#include <cstring>

#include "race/programs.hpp"

int main(int argc, char** argv) {
  namespace race = weft_test::race;
  if (argc == 2 && std::strcmp(argv[1], "lost_update") == 0) {
    race::lost_update();
  } else if (argc == 2 && std::strcmp(argv[1], "flag_before_data") == 0) {
    race::flag_before_data();
  } else {
    std::fprintf(stderr, "usage: race_program lost_update|flag_before_data\n");
    return 64;
  }
  return 0;
}
