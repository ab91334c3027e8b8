// A program whose static constructor starts a thread that is still running when main begins (a
// logger's flusher, a pool started by a global): forking a run at main would leave that thread out,
// so the weft command must start every run anew. main then runs one of the scheduler's bug programs.
#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "support/bug_programs.hpp"

namespace {

struct background_flusher {
  background_flusher() {
    std::thread flusher([] {
      for (;;) pause();
    });
    pthread_setname_np(flusher.native_handle(), "before-main");
    flusher.detach();
  }
};

const background_flusher started_before_main;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: thread_before_main <bug program name>\n");
    return 64;
  }
  if (auto* program = weft_test::find_bug_program(argv[1])) {
    program();
    return 0;
  }
  std::fprintf(stderr, "thread_before_main: no program named %s\n", argv[1]);
  return 64;
}
