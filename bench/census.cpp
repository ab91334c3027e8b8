// Census cost: starts N threads parked on a condition variable from four creation sites, then times
// weft::census() (no stacks: no thread is signalled) and census_prometheus(), cold (the first in the
// process, symbolizing the sites) and warm, against a plain /proc/self/task listing with one stat read
// per thread, the least any per-thread count by state costs.
//
// Usage: bench_census <threads> <repetitions>. Prints "name<TAB>value" lines.
#include "weft/census.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace {

std::mutex parked_mutex;
std::condition_variable never_signalled;

void* park(void*) {
  std::unique_lock lock(parked_mutex);
  for (;;) never_signalled.wait(lock);
}

// Four creators, four sites: noipa keeps GCC from folding them into one (clang has no noipa, and does
// not fold at compile time).
#if defined(__clang__)
#define BENCH_SITE [[gnu::noinline]]
#else
#define BENCH_SITE [[gnu::noipa]]
#endif
template <int site>
BENCH_SITE void start_at_site(int count) {
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, 64 * 1024);
  for (int i = 0; i < count; ++i) {
    pthread_t thread;
    if (pthread_create(&thread, &attributes, park, nullptr) != 0) {
      std::fprintf(stderr, "bench_census: pthread_create failed after %d threads\n", i);
      std::_Exit(1);
    }
  }
  pthread_attr_destroy(&attributes);
}

// The baseline: what reading every thread's state from /proc costs without weft.
std::size_t proc_states() {
  std::size_t sleeping = 0;
  DIR* tasks = opendir("/proc/self/task");
  while (dirent* entry = readdir(tasks)) {
    if (entry->d_name[0] == '.') continue;
    const std::string path = std::string("/proc/self/task/") + entry->d_name + "/stat";
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buffer[512];
    const ssize_t got = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (got <= 0) continue;
    buffer[got] = '\0';
    const char* close_paren = std::strrchr(buffer, ')');
    if (close_paren != nullptr && close_paren[2] == 'S') ++sleeping;
  }
  closedir(tasks);
  return sleeping;
}

template <typename work>
double milliseconds(work&& body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

template <typename work>
double median_ms(int repetitions, work&& body) {
  std::vector<double> samples;
  for (int i = 0; i < repetitions; ++i) samples.push_back(milliseconds(body));
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_census <threads> <repetitions>\n");
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  const int repetitions = std::max(1, std::atoi(argv[2]));
  start_at_site<0>(threads / 4);
  start_at_site<1>(threads / 4);
  start_at_site<2>(threads / 4);
  start_at_site<3>(threads - 3 * (threads / 4));
  // Every thread parked (or about to): the census counts them whatever they do.
  std::size_t counted = 0;
  const double cold = milliseconds([&] { counted = weft::census().thread_count; });
  if (counted < static_cast<std::size_t>(threads)) {
    std::fprintf(stderr, "bench_census: counted %zu of %d threads\n", counted, threads);
    return 1;
  }
  std::printf("census_cold_ms\t%.3f\n", cold);
  std::printf("census_ms\t%.3f\n", median_ms(repetitions, [] { (void)weft::census(); }));
  std::printf("prometheus_ms\t%.3f\n", median_ms(repetitions, [] { (void)weft::census_prometheus(); }));
  std::printf("proc_ms\t%.3f\n", median_ms(repetitions, [] { (void)proc_states(); }));
  std::fflush(stdout);
  // The parked threads never return.
  std::_Exit(0);
}
