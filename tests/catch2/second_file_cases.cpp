// A second test file that includes <weft/catch2.hpp>: the listener must still be registered once.
#include <weft/catch2.hpp>

TEST_CASE("a clean test case in a second file passes") {
  CHECK(true);
}
