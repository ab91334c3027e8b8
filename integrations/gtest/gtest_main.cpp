// main() for weft::gtest_main: GoogleTest's own main, with every test checked for leaked threads.
#include <cstdio>

#include "weft/gtest.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  try {
    weft::gtest::install();
  } catch (const weft::config_error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 2;
  }
  return RUN_ALL_TESTS();
}
