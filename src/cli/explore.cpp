// `weft explore`: the program N times, each in its own process under the controlled schedule of its
// run index, J at a time; the first failure (lowest run index, whatever --jobs is) with its replay
// command.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli/child_events.hpp"
#include "cli/child_process.hpp"
#include "cli/choice_server.hpp"
#include "cli/command.hpp"
#include "cli/fork_server.hpp"
#include "cli/number_check.hpp"
#include "cli/output_path.hpp"
#include "cli/progress.hpp"
#include "cli/run_options.hpp"
#include "cli/shard_option.hpp"
#include "cli/shrink.hpp"
#include "cli/temp_dir.hpp"
#include "cli/usage_error.hpp"
#include "cli/verdict.hpp"
#include "sched/schedule_file.hpp"
#include "sched/strategies/dfs.hpp"
#include "sched/strategies/strategy.hpp"
#include "weft/options.hpp"

namespace weft::cli {
namespace {

using clock_type = std::chrono::steady_clock;

struct finished_run {
  std::size_t index = 0;
  verdict judged;
  std::string output_tail;  // the last lines the program printed, for a failed run
  std::string directory;    // --fresh-dir: the failed run's directory, kept
};

struct running {
  std::size_t index = 0;
  clock_type::time_point deadline;
  bool killed_for_time = false;
  bool abandoned = false;  // killed because an earlier run already failed
  std::string directory;   // --fresh-dir: where it runs
};

class explore_command final : public command {
 public:
  CLI::App* define(CLI::App& weft) override {
    CLI::App* explore = weft.add_subcommand(
        "explore", "Run a program many times, each in its own process under a different controlled schedule");
    explore->add_option("-n,--iterations", iterations_, "Runs in the whole exploration (all shards)")
        ->default_val(1000)
        ->check(at_least(1));
    options_.define(*explore);
    explore->add_flag("--keep-going", keep_going_, "Go on after a failure and report every failing run");
    explore->add_option("--shard", shard_, "i/n: only the runs whose index is i modulo n");
    explore->add_option("--json", json_path_, "Write a machine-readable summary to FILE");
    explore->add_option("--save-dir", save_dir_, "Save each failing schedule to a file in DIR");
    explore->add_flag("-q,--quiet", quiet_, "Print only the failure's summary and replay command");
    explore->add_flag("-v,--verbose", verbose_, "A line per run, and the program's own output");
    explore->add_option("program", program_, "The program and its arguments (after --)");
    return explore;
  }

  int execute(const std::vector<std::string>& after_dashes) override;

 private:
  void check_input();
  void start_next(std::size_t index, const temp_dir& scratch);
  void collect(pid_t pid, const program_end& end, const temp_dir& scratch);
  void record(std::size_t index, const program_end& end, bool timed_out, const temp_dir& scratch,
              const std::string& directory);
  void explore_in_parallel(const std::vector<std::size_t>& indices, const temp_dir& scratch, progress& shown);
  void explore_depth_first(const std::vector<std::size_t>& indices, const temp_dir& scratch, progress& shown);
  void report(const finished_run& failure) const;
  std::string replay_command(const std::string& schedule) const;
  [[nodiscard]] std::string saved_path(const finished_run& failure) const;
  [[nodiscard]] std::string printable_replay_command(const finished_run& failure) const;
  void save(const finished_run& failure, const std::string& path) const;
  void write_json(double elapsed, double rate) const;

  run_options options_;
  std::size_t iterations_ = 1000;
  bool space_covered_ = false;
  bool keep_going_ = false;
  std::string shard_;
  std::string json_path_;
  std::string save_dir_;
  bool quiet_ = false;
  bool verbose_ = false;
  std::vector<std::string> program_;
  std::unique_ptr<run_starter> starter_;

  std::size_t shard_index_ = 0;
  std::size_t shard_count_ = 1;
  std::map<pid_t, running> running_;
  std::vector<finished_run> finished_;  // in the order they ended
  std::vector<finished_run> failures_;
  std::size_t first_failure_ = SIZE_MAX;  // lowest failing run index so far
  std::size_t uncontrolled_ = 0;
  // --races report: each distinct race, by the pair of source locations of its accesses.
  struct listed_race {
    std::string text;
    std::size_t first_run = SIZE_MAX;
    std::size_t runs = 0;
  };
  std::map<std::string, listed_race> races_found_;
  void report_races() const;
};

void explore_command::check_input() {
  if (program_.empty())
    throw usage_error("no program given; usage: weft explore [options] -- <program> [args]");
  options_.check(program_);
  const shard chosen = shard_setting(shard_);
  shard_index_ = chosen.index;
  shard_count_ = chosen.count;
  if (options_.strategy == "dfs" && shard_count_ > 1) {
    throw usage_error(
        "--shard cannot split dfs: each of its runs follows from the one before; use random, pct, "
        "pos or portfolio with --shard");
  }
  if (!save_dir_.empty()) prepare_writable_directory("--save-dir", save_dir_);
  if (!json_path_.empty()) check_writable_file("--json", json_path_);
}

void explore_command::start_next(std::size_t index, const temp_dir& scratch) {
  std::string directory = options_.directory_for_run();
  const pid_t pid = starter_->start(options_.launch_for(
      program_, index, scratch.file("run-" + std::to_string(index)), verbose_, directory));
  running_[pid] = {index, options_.deadline_from_now(), false, false, std::move(directory)};
}

void explore_command::collect(pid_t pid, const program_end& end, const temp_dir& scratch) {
  const running was = running_.at(pid);
  running_.erase(pid);
  if (!was.abandoned) {
    record(was.index, end, was.killed_for_time, scratch, was.directory);
  } else if (!was.directory.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(was.directory, ignored);
  }
}

void explore_command::record(std::size_t index, const program_end& end, bool timed_out,
                             const temp_dir& scratch, const std::string& directory) {
  const std::string stem = scratch.file("run-" + std::to_string(index));
  finished_run done;
  done.index = index;
  done.judged = options_.judge(stem, end, timed_out);
  if (done.judged.uncontrolled) ++uncontrolled_;
  for (const verdict::race& race : done.judged.races) {
    listed_race& listed = races_found_[race.key];
    if (index < listed.first_run) {
      listed.first_run = index;
      listed.text = race.text;
    }
    ++listed.runs;
  }
  if (verbose_) {
    std::fprintf(stderr, "weft explore: run %zu %s%s%s\n", index, done.judged.failed ? "failed: " : "passed",
                 done.judged.failed ? done.judged.kind.c_str() : "",
                 done.judged.replay.empty() ? "" : (" (" + done.judged.replay + ")").c_str());
  }
  if (done.judged.failed) {
    if (!verbose_) done.output_tail = tail_of(stem + ".out", 40);
    done.directory = directory;
    failures_.push_back(done);
    if (index < first_failure_) {
      first_failure_ = index;
      // Runs after the first failure cannot change what is reported; runs before it still can.
      if (!keep_going_) {
        for (auto& [other, state] : running_) {
          if (state.index > first_failure_ && !state.abandoned) {
            state.abandoned = true;
            kill(other, SIGKILL);
          }
        }
      }
    }
  }
  std::error_code ignored;
  if (!done.judged.failed && !directory.empty()) {
    std::filesystem::remove_all(directory, ignored);
  }
  std::filesystem::remove(stem + ".result", ignored);
  std::filesystem::remove(stem + ".out", ignored);
  finished_.push_back(std::move(done));
}

std::string explore_command::replay_command(const std::string& schedule) const {
  return options_.replay_command(schedule, program_);
}

void explore_command::report(const finished_run& failure) const {
  const verdict& judged = failure.judged;
  if (!quiet_) {
    std::fprintf(stderr, "weft explore: run %zu failed (%s)\n%s", failure.index, judged.kind.c_str(),
                 judged.report.c_str());
    if (!failure.output_tail.empty()) {
      std::fprintf(stderr, "\nthe program's output (its last lines):\n%s", failure.output_tail.c_str());
      if (!failure.output_tail.ends_with('\n')) std::fputc('\n', stderr);
    }
    if (!failure.directory.empty())
      std::fprintf(stderr, "the run's directory is kept: %s\n", failure.directory.c_str());
    if (judged.uncontrolled) {
      std::fputs(
          "(the run needed the watchdog: code weft does not see ran uncontrolled, so the replay may "
          "differ)\n",
          stderr);
    }
  } else {
    std::fprintf(stderr, "weft explore: run %zu failed (%s): %s\n", failure.index, judged.kind.c_str(),
                 judged.message.c_str());
  }
  if (judged.replay.empty()) {
    std::fprintf(stderr, "No schedule was reported (the process ended before weft could write it).\n");
  } else {
    std::fprintf(stderr, "Reproduce: %s\n", printable_replay_command(failure).c_str());
  }
}

void explore_command::report_races() const {
  if (races_found_.empty()) return;
  std::vector<const listed_race*> ordered;
  for (const auto& [key, race] : races_found_) ordered.push_back(&race);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->first_run < b->first_run; });
  std::fprintf(stderr, "weft explore: %zu distinct data race%s (--races report):\n", ordered.size(),
               ordered.size() == 1 ? "" : "s");
  for (const listed_race* race : ordered) {
    if (quiet_) {
      std::fprintf(stderr, "  %s (first in run %zu)\n", race->text.substr(0, race->text.find('\n')).c_str(),
                   race->first_run);
      continue;
    }
    std::fprintf(stderr, "\nfirst in run %zu, seen in %zu run%s:\n%s", race->first_run, race->runs,
                 race->runs == 1 ? "" : "s", race->text.c_str());
  }
}

// Where a failing schedule is saved: in --save-dir, by program, seed and run; without it, only a
// schedule too long to print, in the temporary directory under a name its content decides.
std::string explore_command::saved_path(const finished_run& failure) const {
  const std::string name = program_.front().substr(program_.front().rfind('/') + 1);
  if (!save_dir_.empty()) {
    return save_dir_ + "/" + name + "-seed" + std::to_string(options_.seed) + "-run" +
           std::to_string(failure.index) + ".schedule";
  }
  if (failure.judged.replay.size() <= sched::longest_printed_schedule) return "";
  return sched::temporary_schedule_path(name, failure.judged.replay);
}

// The command a person copies: with the schedule itself, or with the file a long one was saved to.
std::string explore_command::printable_replay_command(const finished_run& failure) const {
  const std::string& schedule = failure.judged.replay;
  if (schedule.size() <= sched::longest_printed_schedule) return replay_command(schedule);
  const std::string path = saved_path(failure);
  save(failure, path);
  return replay_command(path);
}

void explore_command::save(const finished_run& failure, const std::string& path) const {
  if (path.empty() || failure.judged.replay.empty()) return;
  const std::string error = sched::write_schedule_file(
      path, failure.judged.replay,
      failure.judged.kind + ": " + failure.judged.message + "\nreproduce: " + replay_command(path));
  if (!error.empty()) std::fprintf(stderr, "weft explore: %s\n", error.substr(6).c_str());
}

void explore_command::write_json(double elapsed, double rate) const {
  using nlohmann::json;
  json failures = json::array();
  std::vector<const finished_run*> ordered;
  for (const finished_run& failure : failures_) ordered.push_back(&failure);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->index < b->index; });
  for (const finished_run* failure : ordered) {
    json entry = {
        {"run", failure->index},
        {"kind", failure->judged.kind},
        {"message", failure->judged.message},
        {"replay", failure->judged.replay},
        {"replay_command", failure->judged.replay.empty() ? "" : printable_replay_command(*failure)},
        {"uncontrolled", failure->judged.uncontrolled}};
    if (failure->judged.exit_code >= 0) entry["exit_code"] = failure->judged.exit_code;
    if (failure->judged.signal != 0) entry["signal"] = failure->judged.signal;
    failures.push_back(std::move(entry));
  }
  std::vector<const finished_run*> runs;
  for (const finished_run& done : finished_) runs.push_back(&done);
  std::sort(runs.begin(), runs.end(), [](auto* a, auto* b) { return a->index < b->index; });
  json schedules = json::array();
  for (const finished_run* done : runs) {
    schedules.push_back({{"run", done->index},
                         {"replay", done->judged.replay},
                         {"outcome", done->judged.failed ? done->judged.kind : "pass"}});
  }
  json races = json::array();
  for (const auto& [key, race] : races_found_) {
    races.push_back(
        {{"sites", key}, {"first_run", race.first_run}, {"runs", race.runs}, {"report", race.text}});
  }
  const json summary = {{"schema", "weft.explore_summary"},
                        {"version", 1},
                        {"program", program_},
                        {"strategy", options_.strategy},
                        {"seed", options_.seed},
                        {"depth", options_.depth},
                        {"iterations", iterations_},
                        {"shard", {{"index", shard_index_}, {"count", shard_count_}}},
                        {"jobs", options_.jobs},
                        {"runs", finished_.size()},
                        {"races_mode", options_.races},
                        {"failures", std::move(failures)},
                        {"races", std::move(races)},
                        {"uncontrolled_runs", uncontrolled_},
                        {"space_covered", space_covered_},
                        {"fork_server", starter_->forking()},
                        {"elapsed_seconds", elapsed},
                        {"schedules_per_second", rate},
                        {"schedules", std::move(schedules)}};
  std::ofstream out(json_path_, std::ios::trunc);
  out << summary.dump(2) << "\n";
  if (!out) throw tool_error("cannot write the summary to " + json_path_);
}

void explore_command::explore_in_parallel(const std::vector<std::size_t>& indices, const temp_dir& scratch,
                                          progress& shown) {
  std::size_t next = 0;
  for (;;) {
    const bool stopping = !keep_going_ && first_failure_ != SIZE_MAX;
    while (running_.size() < options_.jobs && next < indices.size() &&
           !(stopping && indices[next] > first_failure_)) {
      start_next(indices[next++], scratch);
    }
    if (running_.empty()) break;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0 && running_.contains(pid)) {
      collect(pid, end_of(status), scratch);
      shown.update(finished_.size(), failures_.size());
      continue;
    }
    if (pid > 0) continue;  // a process the command adopted, or the fork server, ended
    if (pid < 0 && errno != EINTR && errno != ECHILD) throw tool_error("waitpid failed");
    const auto now = clock_type::now();
    auto wake = now + std::chrono::milliseconds(100);  // the progress display's pace
    for (auto& [child, state] : running_) {
      if (!state.killed_for_time && now >= state.deadline) {
        state.killed_for_time = true;
        kill(child, SIGKILL);
      }
      if (!state.killed_for_time) wake = std::min(wake, state.deadline);
    }
    shown.update(finished_.size(), failures_.size());
    await_child_event(
        std::chrono::ceil<std::chrono::milliseconds>(std::max(wake - now, clock_type::duration{})));
  }
}

void explore_command::explore_depth_first(const std::vector<std::size_t>& indices, const temp_dir& scratch,
                                          progress& shown) {
  sched::dfs_strategy search(options_.preemption_bound);
  for (const std::size_t index : indices) {
    if (!search.begin_run(index)) {
      space_covered_ = true;
      return;
    }
    const std::string directory = options_.directory_for_run();
    const served_run served = run_with_remote_choices(
        *starter_,
        options_.launch_for(program_, index, scratch.file("run-" + std::to_string(index)), verbose_,
                            directory),
        search, options_.deadline_from_now());
    record(index, served.end, served.timed_out, scratch, directory);
    shown.update(finished_.size(), failures_.size());
    if (!keep_going_ && !failures_.empty()) return;
  }
}

int explore_command::execute(const std::vector<std::string>& after_dashes) {
  if (!after_dashes.empty()) program_ = after_dashes;
  check_input();
  (void)preload_value();  // says what is missing before any run starts
  const temp_dir scratch;
  starter_ = std::make_unique<run_starter>("weft explore", program_, scratch.file("server.out"),
                                           options_.timeout_s, options_.exec_each_run, quiet_);
  std::vector<std::size_t> indices;
  for (std::size_t index = shard_index_; index < iterations_; index += shard_count_) indices.push_back(index);
  progress shown(quiet_ || verbose_ ? progress::style::none
                                    : (isatty(STDERR_FILENO) ? progress::style::bar : progress::style::lines),
                 indices.size());
  if (options_.strategy == "dfs") {
    explore_depth_first(indices, scratch, shown);
  } else {
    explore_in_parallel(indices, scratch, shown);
  }
  shown.clear();
  const double elapsed = shown.elapsed_seconds();
  const double rate = shown.schedules_per_second(finished_.size());

  std::sort(failures_.begin(), failures_.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  if (!keep_going_ && failures_.size() > 1) failures_.resize(1);
  // The first failure is reported shrunk, its story first; with --keep-going the others as found.
  if (!failures_.empty() && !options_.no_shrink) {
    failures_.front().judged = shrink_failure(
        failures_.front().judged, schedule_runner_for(options_, *starter_, program_, scratch.file("shrink")));
  }
  for (const finished_run& failure : failures_) {
    report(failure);
    if (!save_dir_.empty()) save(failure, saved_path(failure));
  }
  report_races();
  if (!json_path_.empty()) write_json(elapsed, rate);
  if (!quiet_) {
    if (uncontrolled_ > 0) {
      std::fprintf(
          stderr,
          "weft explore: %zu run(s) needed the watchdog (the program blocked or spun in code weft does "
          "not see); those schedules may not replay exactly\n",
          uncontrolled_);
    }
    if (space_covered_) {
      std::fprintf(stderr, "weft explore: dfs tried every schedule with at most %d preemption(s)\n",
                   options_.preemption_bound);
    }
    std::fprintf(stderr, "weft explore: %zu run%s, %zu failure%s, %.1f schedules/s\n", finished_.size(),
                 finished_.size() == 1 ? "" : "s", failures_.size(), failures_.size() == 1 ? "" : "s", rate);
  }
  return failures_.empty() ? exit_ok : exit_failure_found;
}

}  // namespace

std::unique_ptr<command> make_explore_command() {
  return std::make_unique<explore_command>();
}

}  // namespace weft::cli
