// `leaky_program leak` starts a worker named "leaky-worker" that waits for a job that never comes and
// returns from main without stopping it; `leaky_program clean` stops and joins it. With `exit-leak`
// and `exit-clean` the program ends with std::exit(0) instead of returning from main.
#include <pthread.h>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

namespace {

// Never destroyed: glibc's pthread_cond_destroy at exit would wait for the leaked worker forever.
std::mutex& mutex = *new std::mutex;
std::condition_variable& changed = *new std::condition_variable;
bool stop = false;

void wait_for_stop() {
  pthread_setname_np(pthread_self(), "leaky-worker");
  std::unique_lock lock(mutex);
  changed.wait(lock, [] { return stop; });
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "leak";
  const bool clean = std::strcmp(mode, "clean") == 0 || std::strcmp(mode, "exit-clean") == 0;
  const bool by_exit = std::strncmp(mode, "exit-", 5) == 0;
  std::thread worker(wait_for_stop);
  if (!clean) {
    worker.detach();
    if (by_exit) std::exit(0);
    return 0;
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  changed.notify_all();
  worker.join();
  if (by_exit) std::exit(0);
  return 0;
}
