// A main() that ends with weft::verify_main, for the exit-code tests. argv[1]: "clean" or "leak";
// argv[2]: the exit code main would return without weft.
#include <cstdlib>
#include <string>
#include <weft/weft.hpp>

#include "blocked_threads.hpp"

int main(int argc, char** argv) {
  if (argc != 3) return 64;
  static weft_test::parked_thread* leaked = nullptr;
  if (std::string(argv[1]) == "leak") leaked = new weft_test::parked_thread();
  const int code =
      weft::verify_main(std::atoi(argv[2]), weft::options().settle_timeout(std::chrono::milliseconds(20)));
  std::_Exit(code);  // the waiter is never released: exit without running its destructor
}
