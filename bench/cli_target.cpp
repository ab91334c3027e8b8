// `weft explore` throughput. Built twice by bench/CMakeLists.txt:
// - bench_cli_target (BENCH_CLI_STANDALONE): a plain program, weft not linked, that runs
//   bench::counter_test(2, 25) once; `weft explore` runs it in a process per schedule.
// - bench_cli_inprocess: the same test under weft::explore in this process for <block ms>, printing
//   the in-process rate that `weft explore`'s is compared with; then for as long with fork_each_run,
//   each run in a child fork()ed from here: the floor of any way to run a schedule per process.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "counter_test.hpp"

#ifdef BENCH_CLI_STANDALONE

int main() {
  bench::counter_test(2, 25);
  return 0;
}

#else

#include "weft/sched.hpp"

int main(int argc, char** argv) {
  const int block_ms = argc > 1 ? std::atoi(argv[1]) : 1000;
  if (block_ms <= 0) {
    std::fprintf(stderr, "usage: bench_cli_inprocess <block ms>\n");
    return 2;
  }
  for (const bool forked : {false, true}) {
    const auto start = std::chrono::steady_clock::now();
    const weft::explore_result result = weft::explore([] { bench::counter_test(2, 25); },
                                                      weft::explore_options()
                                                          .strategy("random")
                                                          .iterations(1'000'000)
                                                          .time_budget(std::chrono::milliseconds(block_ms))
                                                          .fork_each_run(forked)
                                                          .quiet());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (result.failed()) {
      std::fprintf(stderr, "bench_cli_inprocess: counter_test failed:\n%s\n", result.report.c_str());
      return 1;
    }
    std::printf("%s_runs_per_s\t%.1f\n", forked ? "fork_each_run" : "inprocess",
                static_cast<double>(result.schedules) / seconds);
  }
}

#endif
