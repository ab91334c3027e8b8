// main returns while a detached worker has still to run; the worker's bug shows only if it runs. Without
// weft the process usually exits before the worker does anything.
#include <thread>
#include <weft/sched.hpp>

int main() {
  std::thread([] {
    weft::yield_point();
    weft::expect(false, "the detached worker ran after main returned and found the bug");
  }).detach();
  return 0;
}
