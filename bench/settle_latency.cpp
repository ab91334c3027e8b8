// Settle latency: a test's thread exits 10 ms after the test body ends; how long until the leak check
// gives its verdict? weft waits for the thread's exit event; the baseline polls /proc/self/task on
// goleak's schedule (20 retries, sleeping 1 us, 2 us, 4 us, ... capped at 100 ms). The two alternate.
//
// Usage: bench_settle <repetitions>. Prints "name<TAB>value" lines (values in microseconds).
#include <dirent.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "weft/leaks.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
constexpr auto exit_delay = std::chrono::milliseconds(10);

std::set<int> live_tids() {
  std::set<int> tids;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) {
    std::perror("bench_settle: /proc/self/task");
    std::exit(1);
  }
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') tids.insert(std::atoi(entry->d_name));
  }
  closedir(dir);
  return tids;
}

// goleak's VerifyNone: look, and while something unexpected is alive, sleep 1 us << i (at most 100 ms)
// and look again, 20 times at most.
bool goleak_settles(const std::set<int>& baseline) {
  for (int retry = 0;; ++retry) {
    bool clean = true;
    for (int tid : live_tids()) {
      if (!baseline.contains(tid)) clean = false;
    }
    if (clean) return true;
    if (retry >= 20) return false;
    std::this_thread::sleep_for(std::min<std::chrono::microseconds>(std::chrono::microseconds(1L << retry),
                                                                    std::chrono::milliseconds(100)));
  }
}

// Starts the test's thread, which leaves 10 ms after the body's end; returns the body's end.
clock_type::time_point run_test_body(std::thread& worker) {
  const auto body_end = clock_type::now();
  worker = std::thread([exit_at = body_end + exit_delay] { std::this_thread::sleep_until(exit_at); });
  return body_end;
}

double weft_latency_us() {
  const auto baseline = weft::options().ignore_current();
  std::thread worker;
  const auto body_end = run_test_body(worker);
  const weft::leak_report report =
      weft::find_leaks(weft::options(baseline).settle_timeout(std::chrono::seconds(2)));
  const auto verdict = clock_type::now();
  worker.join();
  if (!report.empty()) {
    std::fprintf(stderr, "bench_settle: weft reported a leak:\n%s\n", report.text().c_str());
    std::exit(1);
  }
  return std::chrono::duration<double, std::micro>(verdict - body_end).count();
}

double goleak_latency_us() {
  const std::set<int> baseline = live_tids();
  std::thread worker;
  const auto body_end = run_test_body(worker);
  const bool clean = goleak_settles(baseline);
  const auto verdict = clock_type::now();
  worker.join();
  if (!clean) {
    std::fprintf(stderr, "bench_settle: the goleak schedule gave up\n");
    std::exit(1);
  }
  return std::chrono::duration<double, std::micro>(verdict - body_end).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double percentile_90(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[(values.size() * 9) / 10 == values.size() ? values.size() - 1 : (values.size() * 9) / 10];
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 30;
  if (repetitions <= 0) {
    std::fprintf(stderr, "usage: bench_settle <repetitions>\n");
    return 2;
  }
  std::vector<double> weft_us, goleak_us;
  for (int i = 0; i < repetitions; ++i) {
    weft_us.push_back(weft_latency_us());
    goleak_us.push_back(goleak_latency_us());
    if (std::getenv("BENCH_VERBOSE") != nullptr) {
      std::fprintf(stderr, "%d: weft %.0f us, goleak %.0f us\n", i, weft_us.back(), goleak_us.back());
    }
  }
  std::printf("settle_weft_median_us\t%.1f\n", median(weft_us));
  std::printf("settle_goleak_median_us\t%.1f\n", median(goleak_us));
  std::printf("settle_weft_p90_us\t%.1f\n", percentile_90(weft_us));
  std::printf("settle_goleak_p90_us\t%.1f\n", percentile_90(goleak_us));
  std::printf("settle_weft_max_us\t%.1f\n", *std::max_element(weft_us.begin(), weft_us.end()));
  std::printf("settle_goleak_max_us\t%.1f\n", *std::max_element(goleak_us.begin(), goleak_us.end()));
  std::printf("settle_repetitions\t%d\n", repetitions);
}
