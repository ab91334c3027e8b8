#include "cli/run_options.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "cli/command.hpp"
#include "cli/ignore_option.hpp"
#include "cli/number_check.hpp"
#include "cli/protocol.hpp"
#include "cli/race_option.hpp"
#include "cli/temp_dir.hpp"
#include "cli/usage_error.hpp"
#include "sched/strategies/strategy.hpp"
#include "weft/options.hpp"

namespace weft::cli {
namespace {

// The strategies --strategy takes, from the one registry: "random, pct, ..., rff or portfolio". Not
// those that take their decisions from a fuzzer's input, which an exploration has none of (weft
// replay --bytes replays one).
std::string exploring_strategies() {
  std::vector<std::string_view> names;
  for (const sched::strategy_kind kind : sched::every_strategy()) {
    if (!sched::takes_bytes(kind)) names.push_back(sched::name_of(kind));
  }
  std::string listed;
  for (std::size_t i = 0; i < names.size(); ++i) {
    listed.append(i == 0 ? "" : i + 1 == names.size() ? " or " : ", ").append(names[i]);
  }
  return listed;
}

}  // namespace

void run_options::define(CLI::App& subcommand) {
  subcommand.add_option("--strategy", strategy, exploring_strategies())->default_val("portfolio");
  subcommand.add_option("--depth", depth, "PCT's bug depth")->default_val(3);
  subcommand.add_option("--preemption-bound", preemption_bound, "dfs: at most this many preemptions per run")
      ->default_val(2)
      ->check(at_least(0));
  subcommand.add_option("--seed", seed, "The exploration's seed: run i's schedule depends on (seed, i) only")
      ->default_val(1)
      ->check(unsigned_64());
  subcommand.add_option("-j,--jobs", jobs, "Runs at a time (default: the number of CPUs)")
      ->check(at_least(1));
  subcommand.add_option("--max-steps", max_steps, "Scheduling points in a run before it is a livelock")
      ->default_val(100'000)
      ->check(at_least(1));
  subcommand.add_option("--timeout-per-run", timeout_s, "Seconds before a run is killed as a timeout")
      ->default_val(60)
      ->check(positive_seconds());
  subcommand.add_option("--expect-exit", expect_exit, "The exit code of a normal run")->default_val(0);
  add_ignore_option(subcommand, ignore_rules);
  add_races_option(subcommand, races);
  subcommand.add_flag("--fresh-dir", fresh_dir,
                      "Start each run in a new empty directory, removed afterwards unless the run failed");
  subcommand.add_option("--setup", setup,
                        "A shell command run before each run in its directory (not under control)");
  subcommand.add_flag("--exec-each-run", exec_each_run,
                      "Start the program anew for every run instead of forking each run from it at main");
  subcommand.add_flag("--no-shrink", no_shrink,
                      "Report a failure as found, without looking for a schedule with fewer preemptions");
}

void run_options::check(std::vector<std::string>& program) {
  try {
    (void)sched::strategy_named(strategy, "--strategy", true);
  } catch (const config_error& error) {
    throw usage_error(std::string(error.what()).substr(std::string_view("weft: ").size()));
  }
  ignore = ignore_setting(ignore_rules);
  races = races_setting(races);
  if (depth < 1) throw usage_error("--depth must be at least 1; got " + std::to_string(depth));
  if (expect_exit < 0 || expect_exit > 255) {
    throw usage_error("--expect-exit must be an exit code from 0 to 255; got " + std::to_string(expect_exit));
  }
  if (setup.find_first_not_of(" \t\n") == std::string::npos && !setup.empty())
    throw usage_error("--setup needs a shell command; got only blanks");
  // dfs runs one at a time: the next path is known only once the previous run ended.
  if (strategy == "dfs") jobs = 1;
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  // A run in another directory finds its program only by an absolute path; a bare name is looked up
  // in PATH, wherever the run starts.
  if (fresh_dir && !program.empty() && program.front().find('/') != std::string::npos) {
    program.front() = std::filesystem::absolute(program.front()).lexically_normal().string();
  }
}

launch run_options::launch_for(const std::vector<std::string>& program, std::size_t index,
                               const std::string& stem, bool show_output,
                               const std::string& directory) const {
  launch what;
  what.command = program;
  what.null_stdin = true;
  what.working_directory = directory;
  what.setup_command = setup;
  what.setup_timeout_s = timeout_s;
  if (!show_output) what.output_path = stem + ".out";
  // The run's own watchdog gives up (as "hung", with its schedule) before weft kills the process.
  const auto hard_timeout_ms = static_cast<long long>(std::max(100.0, timeout_s * 1000 * 3 / 4));
  what.settings = {{mode_variable, "controlled"},
                   {result_variable, stem + ".result"},
                   {strategy_variable, strategy == "dfs" ? "remote" : strategy},
                   {seed_variable, std::to_string(seed)},
                   {depth_variable, std::to_string(depth)},
                   {run_variable, std::to_string(index)},
                   {races_variable, races},
                   {hard_timeout_variable, std::to_string(hard_timeout_ms)},
                   {max_steps_variable, std::to_string(max_steps)}};
  if (!ignore.empty()) what.settings.emplace_back("WEFT_IGNORE", ignore);
  return what;
}

verdict run_options::judge(const std::string& stem, const program_end& end, bool timed_out) const {
  char timeout_text[32];
  std::snprintf(timeout_text, sizeof timeout_text, "%g s", timeout_s);
  return judge_run(stem + ".result", end, expect_exit, timed_out, timeout_text);
}

std::string run_options::directory_for_run() const {
  return fresh_dir ? make_fresh_directory() : std::string();
}

std::chrono::steady_clock::time_point run_options::deadline_from_now() const {
  using clock_type = std::chrono::steady_clock;
  return clock_type::now() +
         std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(timeout_s));
}

std::string run_options::replay_command(const std::string& schedule,
                                        const std::vector<std::string>& program) const {
  std::string command = shell_quote(weft_path()) + " replay " + shell_quote(schedule);
  if (expect_exit != 0) command += " --expect-exit " + std::to_string(expect_exit);
  for (const std::string& rule : ignore_rules) command += " --ignore " + shell_quote(rule);
  if (races != "fail") command += " --races " + races;
  if (max_steps != 100'000) command += " --max-steps " + std::to_string(max_steps);
  if (fresh_dir) command += " --fresh-dir";
  if (!setup.empty()) command += " --setup " + shell_quote(setup);
  return command + " -- " + shell_command(program);
}

std::string tail_of(const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t at = text.size();
  for (std::size_t seen = 0; at > 0 && seen <= lines;) {
    at = text.rfind('\n', at - 1);
    if (at == std::string::npos) {
      at = 0;
      break;
    }
    ++seen;
    if (seen > lines) ++at;
  }
  return text.substr(at);
}

}  // namespace weft::cli
