// Built against an installed weft::catch2_main: a test case that leaves a thread running fails with
// weft's report. The thread outlives the test case on purpose and is joined when the program exits.
#include <future>
#include <thread>
#include <weft/catch2.hpp>

namespace {

struct worker_joined_at_exit {
  std::promise<void> release;
  std::thread thread;

  ~worker_joined_at_exit() {
    release.set_value();
    if (thread.joinable()) thread.join();
  }
};

worker_joined_at_exit worker;

}  // namespace

TEST_CASE("a test case that leaves a thread running fails the installed Catch2 integration") {
  worker.thread = std::thread([done = worker.release.get_future()] { done.wait(); });
}
