// A run of about 200,000 scheduling points with a lost update in it (weft_test::long_lost_update). Its
// schedule is far longer than a terminal line (and than the old format's 128 KiB), so weft must save it
// to a file and replay it from there.
#include "support/bug_programs.hpp"

int main() {
  weft_test::long_lost_update();
  return 0;
}
