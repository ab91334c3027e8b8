// Snapshot cost: starts N threads blocked in assorted ways (a quarter each on a condition variable, a
// mutex, a read from a pipe and a sleep), then times weft's capture alone, a cold capture with
// symbolization (the first in the process) and warm ones, and measures the memory a snapshot holds.
// Then it prints "ready" and waits until its stdin closes, so that bench/driver.py can point eu-stack
// and gdb at the same threads.
//
// Usage: bench_snapshot <threads> <warm repetitions>. Prints "name<TAB>value" lines.
#include <malloc.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "platform/threads.hpp"
#include "weft/snapshot.hpp"

namespace {

std::mutex held_mutex;
std::mutex condvar_mutex;
std::condition_variable never_signalled;
int pipe_fds[2];

void* wait_on_condvar(void*) {
  std::unique_lock lock(condvar_mutex);
  for (;;) never_signalled.wait(lock);
}
void* wait_on_mutex(void*) {
  std::lock_guard lock(held_mutex);  // main holds it until the process exits
  return nullptr;
}
void* read_pipe(void*) {
  char byte;
  for (;;) {
    if (read(pipe_fds[0], &byte, 1) == 0) return nullptr;  // EINTR from weft's signal: read again
  }
}
void* sleep_long(void*) {
  for (;;) sleep(3600);  // an interrupted sleep just sleeps again
}

long rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

template <typename F>
double time_ms(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::size_t answered(const weft::snapshot& snap) {
  return std::count_if(snap.threads.begin(), snap.threads.end(),
                       [](const weft::thread_info& t) { return t.stack.available(); });
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 100;
  const int warm_repetitions = argc > 2 ? std::atoi(argv[2]) : 5;
  if (threads < 4 || warm_repetitions < 1) {
    std::fprintf(stderr, "usage: bench_snapshot <threads (>= 4)> <warm repetitions (>= 1)>\n");
    return 2;
  }
  if (pipe(pipe_fds) != 0) {
    std::perror("bench_snapshot: pipe");
    return 1;
  }
  held_mutex.lock();
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr,
                            256 * 1024);  // 5,000 default 8 MiB stacks would be 40 GiB of address space
  void* (*const kinds[])(void*) = {wait_on_condvar, wait_on_mutex, read_pipe, sleep_long};
  for (int i = 0; i < threads; ++i) {
    pthread_t thread;
    if (const int error = pthread_create(&thread, &attr, kinds[i % 4], nullptr); error != 0) {
      std::fprintf(stderr, "bench_snapshot: pthread_create #%d: %s\n", i, std::strerror(error));
      return 1;
    }
  }
  // Let every thread reach its blocking call before the first snapshot.
  std::vector<int> tids;
  for (int tries = 0; tries < 200; ++tries) {
    usleep(50'000);
    tids.clear();
    if (!weft::platform::list_threads(tids)) return 1;
    if (static_cast<int>(tids.size()) >= threads + 1) break;
  }
  usleep(200'000);

  const long rss_start = rss_kb();
  const std::size_t heap_start = heap_in_use();
  weft::snapshot cold;
  const double cold_ms = time_ms([&] { cold = weft::take_snapshot(); });
  const long cold_rss_added = rss_kb() - rss_start;
  const std::size_t cold_heap_added = heap_in_use() - heap_start;
  std::printf("threads_seen\t%zu\n", cold.threads.size());
  std::printf("stacks_answered\t%zu\n", answered(cold));
  cold = {};

  std::vector<double> capture_ms, warm_ms;
  std::size_t capture_answered = 0;
  for (int i = 0; i < warm_repetitions; ++i) {
    capture_ms.push_back(time_ms([&] {
      tids.clear();
      weft::platform::list_threads(tids);
      std::erase(tids, weft::platform::current_tid());
      const auto stacks = weft::platform::capture_stacks(tids, std::chrono::milliseconds(1000));
      capture_answered = std::count_if(stacks.begin(), stacks.end(), [](const auto& s) {
        return s.unavailable_reason.empty() && !s.exited;
      });
    }));
    warm_ms.push_back(time_ms([] { (void)weft::take_snapshot(); }));
  }
  // The memory one warm snapshot holds: the symbol cache is full by now, so this is the snapshot itself.
  const std::size_t heap_before_warm = heap_in_use();
  const weft::snapshot warm = weft::take_snapshot();
  const std::size_t warm_heap_added = heap_in_use() - heap_before_warm;
  const std::size_t heap_end = heap_in_use();

  std::printf("capture_answered\t%zu\n", capture_answered);
  std::printf("capture_ms\t%.3f\n", median(capture_ms));
  std::printf("cold_ms\t%.3f\n", cold_ms);
  std::printf("warm_ms\t%.3f\n", median(warm_ms));
  std::printf("cold_rss_added_kb\t%ld\n", cold_rss_added);
  std::printf("cold_heap_added_bytes\t%zu\n", cold_heap_added);
  std::printf("warm_snapshot_heap_bytes\t%zu\n", warm_heap_added);
  // What stays after every snapshot is gone: caches (symbols, unwinder).
  std::printf("retained_heap_bytes\t%lld\n",
              static_cast<long long>(heap_end - warm_heap_added) - static_cast<long long>(heap_start));
  std::printf("ready\t%d\n", static_cast<int>(getpid()));
  std::fflush(stdout);
  char buffer[64];
  while (read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
  }
  std::fflush(stdout);
  _exit(0);  // the blocked threads would never join
}
