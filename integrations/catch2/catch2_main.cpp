// main() for weft::catch2_main: Catch2's own main, with every test case checked for leaked threads.
// Under Catch2 v2 this file also holds Catch2's implementation (CATCH_CONFIG_RUNNER), so a program
// linking weft::catch2_main must not define CATCH_CONFIG_MAIN or CATCH_CONFIG_RUNNER itself.
#define CATCH_CONFIG_RUNNER
// Catch2 wraps messages at 80 columns by default, which breaks every frame of a leak report in two.
#define CATCH_CONFIG_CONSOLE_WIDTH 120

#include <cstdio>

#include "weft/catch2.hpp"

#if CATCH_VERSION_MAJOR >= 3
#include <catch2/catch_session.hpp>
#endif

int main(int argc, char* argv[]) {
  // Refused here, as weft::gtest_main does, so that a typo in a WEFT_* variable exits with 2 before
  // Catch2 starts; the listener would otherwise throw from inside Catch2, which exits with 255.
  try {
    weft::check_environment();
  } catch (const weft::config_error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 2;
  }
  return Catch::Session().run(argc, argv);
}
