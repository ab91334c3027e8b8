// Built against an installed weft::catch2_main: weft's main() runs the test cases and checks each one.
#include <thread>
#include <weft/catch2.hpp>

TEST_CASE("a test case that joins its thread passes the installed Catch2 integration") {
  std::thread worker([] {});
  worker.join();
  WEFT_CHECK_NO_LEAKS(weft::options());
}
