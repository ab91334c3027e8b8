// The first test file of a program that registers weft by including <weft/catch2.hpp>.
#include <weft/catch2.hpp>

#include "support/parked_thread.hpp"

TEST_CASE("a leak in a file that includes the header is reported") {
  weft_test::leak_parked_thread("first-file");
  CHECK(true);
}
