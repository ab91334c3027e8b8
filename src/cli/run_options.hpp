// What `weft explore` and `weft test` share about one run of a program under a controlled schedule:
// the options that choose its schedule and judge it, how it is started, and the replay command that
// runs it again.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/child_process.hpp"
#include "cli/verdict.hpp"

namespace weft::cli {

struct run_options {
  std::string strategy = "portfolio";
  int depth = 3;
  int preemption_bound = 2;
  std::size_t max_steps = 100'000;
  std::uint64_t seed = 1;
  std::size_t jobs = 0;  // 0 until check(): then the number of CPUs unless given (1 for dfs)
  double timeout_s = 60;
  int expect_exit = 0;
  std::string races;  // fail, report or off, once check() has run
  std::vector<std::string> ignore_rules;
  std::string ignore;  // WEFT_IGNORE for the program: the environment's and the --ignore rules
  bool fresh_dir = false;
  std::string setup;           // --setup: a shell command run before each run, in its directory
  bool exec_each_run = false;  // --exec-each-run: no fork server
  // --no-shrink: report a failure as found (cli/shrink.hpp).
  bool no_shrink = false;

  // Adds --strategy, --depth, --preemption-bound, --seed, --jobs, --max-steps, --timeout-per-run,
  // --expect-exit, --ignore, --races, --fresh-dir, --setup, --exec-each-run and --no-shrink to
  // `subcommand`.
  void define(CLI::App& subcommand);
  // Checks the values and settles the derived ones; throws usage_error naming a bad option. Makes a
  // relative program path absolute when runs start in a fresh directory.
  void check(std::vector<std::string>& program);

  // Run `index` of `program` under control; its result goes to `stem`.result and, unless `show_output`,
  // its output to `stem`.out. `directory` is the run's working directory, empty for the current one.
  [[nodiscard]] launch launch_for(const std::vector<std::string>& program, std::size_t index,
                                  const std::string& stem, bool show_output,
                                  const std::string& directory) const;
  // The run's verdict from its files under `stem` and how it ended.
  [[nodiscard]] verdict judge(const std::string& stem, const program_end& end, bool timed_out) const;
  // The directory a run starts in: a new one with --fresh-dir, else "" (the current one).
  [[nodiscard]] std::string directory_for_run() const;
  [[nodiscard]] std::chrono::steady_clock::time_point deadline_from_now() const;
  // `weft replay <schedule> [the options a replay needs] -- <program>`; `schedule` may be a file.
  [[nodiscard]] std::string replay_command(const std::string& schedule,
                                           const std::vector<std::string>& program) const;
};

// The last `lines` lines of the file at `path` (a failed run's output).
[[nodiscard]] std::string tail_of(const std::string& path, std::size_t lines);

}  // namespace weft::cli
