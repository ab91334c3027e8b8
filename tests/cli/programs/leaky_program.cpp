// `leaky_program leak` starts a worker named "leaky-worker" that waits for a job that never comes and
// returns from main without stopping it; `leaky_program clean` stops and joins it.
#include <pthread.h>

#include <condition_variable>
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
  const bool clean = argc > 1 && std::strcmp(argv[1], "clean") == 0;
  std::thread worker(wait_for_stop);
  if (!clean) {
    worker.detach();
    return 0;
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  changed.notify_all();
  worker.join();
  return 0;
}
