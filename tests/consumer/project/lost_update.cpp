// Instrumented: nothing here calls weft between the two threads' read and write of `counter`, so
// only the -fsanitize=thread hooks of an installed weft::instrument can interleave them.
#include "lost_update.hpp"

#include <string>
#include <thread>
#include <weft/sched.hpp>

namespace consumer {

void lost_update() {
  int counter = 0;
  auto increment = [&] { counter = counter + 1; };
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  weft::expect(counter == 2, "lost update: counter is " + std::to_string(counter));
}

}  // namespace consumer
