// `weft test`: every test of a GoogleTest or Catch2 binary explored on its own, each run in its own
// process selecting that one test, J runs at a time over the runs of one test and over tests; a test
// whose first run had one thread and no futex call runs once. Per-test verdicts as a table, reports
// with replay commands, JSON and JUnit XML.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
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
#include "cli/test_listing.hpp"
#include "cli/usage_error.hpp"
#include "cli/verdict.hpp"
#include "sched/schedule_file.hpp"
#include "sched/strategies/dfs.hpp"

namespace weft::cli {
namespace {

using clock_type = std::chrono::steady_clock;

struct failed_run {
  std::size_t index = 0;
  verdict judged;
  std::string output_tail;
  std::string directory;  // --fresh-dir: kept
  std::size_t alike = 1;  // identical failures (same kind, same top frames) folded into this one
};

struct listed_race {
  std::string text;
  std::size_t first_run = SIZE_MAX;
  std::size_t runs = 0;
};

struct test_state {
  listed_test test;
  std::vector<std::string> program;  // the binary, its arguments and the one selecting this test
  enum class phase { waiting, first_run, exploring, done } now = phase::waiting;
  std::size_t next_index = 0;
  std::size_t running = 0;
  std::size_t schedules = 0;
  std::size_t uncontrolled = 0;
  bool single_threaded = false;
  bool space_covered = false;  // dfs tried every schedule within its preemption bound
  std::size_t first_failure = SIZE_MAX;
  std::vector<failed_run> failures;
  std::map<std::string, listed_race> races;
  clock_type::time_point started{};
  clock_type::time_point budget_end{};
  double elapsed = 0;

  [[nodiscard]] bool failed() const { return !failures.empty(); }
  [[nodiscard]] std::string verdict_name() const {
    if (test.disabled) return "skipped";
    if (failed()) return "fail";
    if (single_threaded) return "single-threaded";
    return "pass";
  }
};

struct running_run {
  std::size_t test = 0;
  std::size_t index = 0;
  clock_type::time_point deadline;
  bool killed_for_time = false;
  bool abandoned = false;
  std::string directory;
};

// The functions on top of the stacks of a report's threads ("Thread ... with F on top of the stack").
std::string top_frames(const std::string& report) {
  std::string frames;
  std::size_t at = 0;
  while ((at = report.find(", with ", at)) != std::string::npos) {
    const std::size_t line_start = report.rfind('\n', at) + 1;
    const std::size_t end = report.find(" on top of the stack", at);
    const std::size_t line_end = report.find('\n', at);
    if (report.compare(line_start, 7, "Thread ") == 0 && end != std::string::npos && end < line_end)
      frames += report.substr(at + 7, end - at - 7) + "\n";
    at = line_end == std::string::npos ? report.size() : line_end;
  }
  return frames;
}

std::string xml_escaped(const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      default:
        // XML 1.0 has no way to carry other control characters, not even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          escaped += '?';
        } else {
          escaped += c;
        }
    }
  }
  return escaped;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", seconds);
  return text;
}

class test_command final : public command {
 public:
  CLI::App* define(CLI::App& weft) override {
    CLI::App* test = weft.add_subcommand(
        "test",
        "Explore every test of a GoogleTest or Catch2 binary on its own, each run in its own process");
    test->add_option("-n,--iterations", iterations_, "Runs per test at most")
        ->default_val(1000)
        ->check(at_least(1));
    test->add_option("--time-per-test", time_per_test_s_, "Seconds of exploring per test at most")
        ->check(positive_seconds());
    test->add_option("--filter", filter_,
                     "The tests to explore: gtest-style globs, ':' between, '-' before negatives");
    options_.define(*test);
    test->add_flag(
        "--keep-going", keep_going_,
        "Go on exploring a test after its first failure, within its budget; alike failures are counted");
    test->add_option("--shard", shard_, "i/n: only the tests whose position (after --filter) is i modulo n");
    test->add_option("--json", json_path_, "Write the per-test summary (weft.test_summary) to FILE");
    test->add_option("--junit", junit_path_, "Write JUnit XML, one testcase per test, to FILE");
    test->add_flag("-q,--quiet", quiet_, "Print only the failing tests' summaries and replay commands");
    test->add_option("program", program_, "The test binary and its arguments (after --)");
    return test;
  }

  int execute(const std::vector<std::string>& after_dashes) override;

 private:
  void check_input();
  void select_tests(const test_listing& listing);
  void start_run(std::size_t test, std::size_t index, const temp_dir& scratch);
  void collect(pid_t pid, const program_end& end, const temp_dir& scratch);
  void record(std::size_t test, std::size_t index, const program_end& end, bool timed_out,
              const temp_dir& scratch, const std::string& directory);
  [[nodiscard]] bool next_run(std::size_t& test, std::size_t& index);
  void finish_if_done(std::size_t test);
  void finish(std::size_t test);
  void run_death_test(std::size_t test, const temp_dir& scratch);
  void explore_in_parallel(const temp_dir& scratch);
  void explore_depth_first(const temp_dir& scratch);
  [[nodiscard]] std::string stem(const temp_dir& scratch, std::size_t test, std::size_t index) const;
  [[nodiscard]] std::string printable_replay_command(const test_state& test, const failed_run& failure) const;
  void print_table() const;
  void report_failures() const;
  void write_json(double elapsed) const;
  void write_junit(double elapsed) const;
  [[nodiscard]] std::size_t total_schedules() const;
  [[nodiscard]] std::size_t tests_failing() const;

  run_options options_;
  std::size_t iterations_ = 1000;
  double time_per_test_s_ = 0;  // 0: no time budget
  std::string filter_;
  bool keep_going_ = false;
  std::string shard_;
  std::string json_path_;
  std::string junit_path_;
  bool quiet_ = false;
  std::vector<std::string> program_;
  std::unique_ptr<run_starter> starter_;

  std::size_t shard_index_ = 0;
  std::size_t shard_count_ = 1;
  test_listing listing_;
  std::vector<test_state> tests_;
  std::map<pid_t, running_run> running_;
  std::size_t tests_done_ = 0;
  std::unique_ptr<progress> shown_;
};

void test_command::check_input() {
  if (program_.empty())
    throw usage_error("no test binary given; usage: weft test [options] -- <gtest or Catch2 binary> [args]");
  options_.check(program_);
  const shard chosen = shard_setting(shard_);
  shard_index_ = chosen.index;
  shard_count_ = chosen.count;
  if (!json_path_.empty()) check_writable_file("--json", json_path_);
  if (!junit_path_.empty()) check_writable_file("--junit", junit_path_);
}

void test_command::select_tests(const test_listing& listing) {
  std::vector<listed_test> selected;
  for (const listed_test& test : listing.tests) {
    if (filter_.empty() || filter_selects(filter_, test.name)) selected.push_back(test);
  }
  if (!filter_.empty() && selected.empty()) {
    throw usage_error("--filter \"" + filter_ + "\" selects none of the " +
                      std::to_string(listing.tests.size()) + " tests of " + program_.front());
  }
  for (std::size_t position = shard_index_; position < selected.size(); position += shard_count_) {
    test_state state;
    state.test = selected[position];
    state.program = program_;
    for (std::string& argument : arguments_selecting(listing, state.test))
      state.program.push_back(std::move(argument));
    if (state.test.disabled) {
      state.now = test_state::phase::done;
      ++tests_done_;
    }
    tests_.push_back(std::move(state));
  }
}

std::string test_command::stem(const temp_dir& scratch, std::size_t test, std::size_t index) const {
  return scratch.file("test-" + std::to_string(test) + "-run-" + std::to_string(index));
}

void test_command::start_run(std::size_t test, std::size_t index, const temp_dir& scratch) {
  test_state& state = tests_[test];
  if (state.now == test_state::phase::waiting) {
    state.now = test_state::phase::first_run;
    state.started = clock_type::now();
  }
  std::string directory = options_.directory_for_run();
  const pid_t pid = starter_->start(
      options_.launch_for(state.program, index, stem(scratch, test, index), false, directory));
  ++state.running;
  running_[pid] = {test, index, options_.deadline_from_now(), false, false, std::move(directory)};
}

void test_command::collect(pid_t pid, const program_end& end, const temp_dir& scratch) {
  const running_run was = running_.at(pid);
  running_.erase(pid);
  --tests_[was.test].running;
  if (!was.abandoned) {
    record(was.test, was.index, end, was.killed_for_time, scratch, was.directory);
  } else {
    std::error_code ignored;
    if (!was.directory.empty()) std::filesystem::remove_all(was.directory, ignored);
    std::filesystem::remove(stem(scratch, was.test, was.index) + ".result", ignored);
    std::filesystem::remove(stem(scratch, was.test, was.index) + ".out", ignored);
  }
  finish_if_done(was.test);
}

void test_command::record(std::size_t test, std::size_t index, const program_end& end, bool timed_out,
                          const temp_dir& scratch, const std::string& directory) {
  test_state& state = tests_[test];
  const std::string files = stem(scratch, test, index);
  const verdict judged = options_.judge(files, end, timed_out);
  ++state.schedules;
  if (judged.uncontrolled) ++state.uncontrolled;
  for (const verdict::race& race : judged.races) {
    listed_race& listed = state.races[race.key];
    if (index < listed.first_run) {
      listed.first_run = index;
      listed.text = race.text;
    }
    ++listed.runs;
  }
  std::error_code ignored;
  if (judged.failed) {
    failed_run failure{index, judged, tail_of(files + ".out", 40), directory, 1};
    const std::string key = judged.kind + "\n" + top_frames(judged.report);
    const auto alike =
        std::find_if(state.failures.begin(), state.failures.end(), [&](const failed_run& other) {
          return other.judged.kind + "\n" + top_frames(other.judged.report) == key;
        });
    if (alike == state.failures.end()) {
      state.failures.push_back(std::move(failure));
    } else {
      ++alike->alike;
      if (index < alike->index) {
        failure.alike = alike->alike;
        *alike = std::move(failure);
      }
    }
    if (index < state.first_failure) {
      state.first_failure = index;
      if (!keep_going_) {
        for (auto& [pid, other] : running_) {
          if (other.test == test && other.index > index && !other.abandoned) {
            other.abandoned = true;
            kill(pid, SIGKILL);
          }
        }
      }
    }
  } else if (!directory.empty()) {
    std::filesystem::remove_all(directory, ignored);
  }
  if (index == 0 && state.now == test_state::phase::first_run) {
    // One thread and no futex: no other thread could have run between any two of its steps, so every
    // schedule is this one.
    state.single_threaded = judged.single_threaded;
    state.now = test_state::phase::exploring;
    if (time_per_test_s_ > 0) {
      state.budget_end = state.started + std::chrono::duration_cast<clock_type::duration>(
                                             std::chrono::duration<double>(time_per_test_s_));
    }
  }
  std::filesystem::remove(files + ".result", ignored);
  std::filesystem::remove(files + ".out", ignored);
}

// The next run to start: the first test, in order, that has one to start; a test that waits for its
// first run's verdict lets the next test begin.
bool test_command::next_run(std::size_t& test, std::size_t& index) {
  const auto now = clock_type::now();
  for (std::size_t i = 0; i < tests_.size(); ++i) {
    test_state& state = tests_[i];
    if (state.now == test_state::phase::waiting && !state.test.death_test) {
      state.next_index = 1;
      test = i;
      index = 0;
      return true;
    }
    if (state.now != test_state::phase::exploring || state.single_threaded) continue;
    if (state.failed() && !keep_going_) continue;
    if (state.next_index >= iterations_) continue;
    if (time_per_test_s_ > 0 && now >= state.budget_end) continue;
    test = i;
    index = state.next_index++;
    return true;
  }
  return false;
}

void test_command::finish_if_done(std::size_t test) {
  test_state& state = tests_[test];
  if (state.now != test_state::phase::exploring || state.running > 0) return;
  const bool budget_spent = state.next_index >= iterations_ || state.single_threaded ||
                            (state.failed() && !keep_going_) ||
                            (time_per_test_s_ > 0 && clock_type::now() >= state.budget_end);
  if (budget_spent) finish(test);
}

void test_command::finish(std::size_t test) {
  test_state& state = tests_[test];
  state.now = test_state::phase::done;
  state.elapsed = std::chrono::duration<double>(clock_type::now() - state.started).count();
  ++tests_done_;
  if (quiet_) return;
  std::string line = "weft test: " + state.verdict_name() + " " + state.test.name;
  if (state.failed()) line += " (" + state.failures.front().judged.kind + ")";
  line += ": " + std::to_string(state.schedules) + " schedule" + (state.schedules == 1 ? "" : "s") + ", " +
          seconds_text(state.elapsed) + " s" + (state.test.death_test ? ", a death test, run once" : "") +
          (state.space_covered ? ", every schedule within the preemption bound" : "");
  shown_->print_line(line);
}

// A death test forks and exits on purpose; it runs once, as the binary runs it without weft's control.
void test_command::run_death_test(std::size_t test, const temp_dir& scratch) {
  test_state& state = tests_[test];
  state.started = clock_type::now();
  state.now = test_state::phase::exploring;
  state.single_threaded = false;
  launch what;
  what.command = state.program;
  what.null_stdin = true;
  what.output_path = stem(scratch, test, 0) + ".out";
  what.working_directory = options_.directory_for_run();
  what.setup_command = options_.setup;
  what.setup_timeout_s = options_.timeout_s;
  const pid_t pid = start_program(what);
  const auto deadline = options_.deadline_from_now();
  program_end end;
  bool timed_out = false;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      end = end_of(status);
      break;
    }
    if (done < 0 && errno != EINTR) break;
    if (!timed_out && clock_type::now() >= deadline) {
      timed_out = true;
      kill(pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ++state.schedules;
  verdict judged;
  judged.exit_code = end.exit_code;
  judged.signal = end.signal;
  if (timed_out || !end.exited || end.exit_code != options_.expect_exit) {
    judged.failed = true;
    judged.kind = timed_out ? "timeout" : (end.exited ? "exit" : "signal");
    judged.message = timed_out    ? "the death test did not end in time and was killed"
                     : end.exited ? "the death test's binary exited with " + std::to_string(end.exit_code)
                                  : std::string("the death test's binary died of ") + strsignal(end.signal);
    judged.report = "weft: " + judged.message + "\n";
    state.failures.push_back({0, judged, tail_of(what.output_path, 40), what.working_directory, 1});
  } else if (!what.working_directory.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(what.working_directory, ignored);
  }
  state.next_index = iterations_;
  finish(test);
}

void test_command::explore_in_parallel(const temp_dir& scratch) {
  for (;;) {
    // Death tests run alone, between runs, as they come in order.
    for (std::size_t i = 0; i < tests_.size() && running_.empty(); ++i) {
      if (tests_[i].now == test_state::phase::waiting && tests_[i].test.death_test) {
        bool earlier_waiting = false;
        for (std::size_t j = 0; j < i; ++j) earlier_waiting |= tests_[j].now == test_state::phase::waiting;
        if (!earlier_waiting) run_death_test(i, scratch);
      }
    }
    std::size_t test = 0;
    std::size_t index = 0;
    while (running_.size() < options_.jobs && next_run(test, index)) start_run(test, index, scratch);
    // A test's time budget can run out while none of its runs is going: nothing collects it then.
    for (std::size_t each = 0; each < tests_.size(); ++each) finish_if_done(each);
    if (running_.empty()) {
      const bool death_tests_left = std::any_of(tests_.begin(), tests_.end(), [](const test_state& state) {
        return state.now == test_state::phase::waiting;
      });
      if (!death_tests_left) break;
      continue;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0 && running_.contains(pid)) {
      collect(pid, end_of(status), scratch);
      shown_->update(tests_done_, tests_failing(), total_schedules());
      continue;
    }
    if (pid > 0) continue;  // a process the command adopted, or the fork server, ended
    if (pid < 0 && errno != EINTR && errno != ECHILD) throw tool_error("waitpid failed");
    const auto now = clock_type::now();
    auto wake = now + std::chrono::milliseconds(100);  // the progress display's pace, and time budgets
    for (auto& [child, state] : running_) {
      if (!state.killed_for_time && now >= state.deadline) {
        state.killed_for_time = true;
        kill(child, SIGKILL);
      }
      if (!state.killed_for_time) wake = std::min(wake, state.deadline);
    }
    shown_->update(tests_done_, tests_failing(), total_schedules());
    await_child_event(
        std::chrono::ceil<std::chrono::milliseconds>(std::max(wake - now, clock_type::duration{})));
  }
}

// dfs: one run at a time, each test's search on its own, its first run the probe for one thread.
void test_command::explore_depth_first(const temp_dir& scratch) {
  for (std::size_t test = 0; test < tests_.size(); ++test) {
    test_state& state = tests_[test];
    if (state.now == test_state::phase::done) continue;
    if (state.test.death_test) {
      run_death_test(test, scratch);
      continue;
    }
    sched::dfs_strategy search(options_.preemption_bound);
    state.now = test_state::phase::first_run;
    state.started = clock_type::now();
    for (std::size_t index = 0;; ++index) {
      if (index >= iterations_) break;
      if (!search.begin_run(index)) {
        state.space_covered = true;
        break;
      }
      if (time_per_test_s_ > 0 && index > 0 && clock_type::now() >= state.budget_end) break;
      const std::string directory = options_.directory_for_run();
      const served_run served = run_with_remote_choices(
          *starter_, options_.launch_for(state.program, index, stem(scratch, test, index), false, directory),
          search, options_.deadline_from_now());
      record(test, index, served.end, served.timed_out, scratch, directory);
      shown_->update(tests_done_, tests_failing(), total_schedules());
      if (state.single_threaded || (state.failed() && !keep_going_)) break;
    }
    state.next_index = iterations_;
    finish(test);
  }
}

std::size_t test_command::total_schedules() const {
  std::size_t total = 0;
  for (const test_state& state : tests_) total += state.schedules;
  return total;
}

std::size_t test_command::tests_failing() const {
  return static_cast<std::size_t>(
      std::count_if(tests_.begin(), tests_.end(), [](const test_state& state) { return state.failed(); }));
}

std::string test_command::printable_replay_command(const test_state& test, const failed_run& failure) const {
  if (test.test.death_test || failure.judged.replay.empty()) return "";
  const std::string& schedule = failure.judged.replay;
  if (schedule.size() <= sched::longest_printed_schedule)
    return options_.replay_command(schedule, test.program);
  const std::string name = program_.front().substr(program_.front().rfind('/') + 1);
  const std::string path = sched::temporary_schedule_path(name, schedule);
  const std::string command = options_.replay_command(path, test.program);
  const std::string error = sched::write_schedule_file(
      path, schedule, failure.judged.kind + ": " + failure.judged.message + "\nreproduce: " + command);
  if (!error.empty()) std::fprintf(stderr, "weft test: %s\n", error.substr(6).c_str());
  return command;
}

void test_command::print_table() const {
  std::size_t width = 4;
  for (const test_state& state : tests_) width = std::max(width, state.test.name.size());
  width = std::min<std::size_t>(width, 70);
  std::fprintf(stderr, "%-*s  %-15s  %-10s  %9s  %8s\n", static_cast<int>(width), "test", "verdict", "kind",
               "schedules", "time");
  for (const test_state& state : tests_) {
    std::string kind =
        state.failed() ? state.failures.front().judged.kind : (state.test.death_test ? "death test" : "");
    std::fprintf(stderr, "%-*s  %-15s  %-10s  %9zu  %6s s\n", static_cast<int>(width),
                 state.test.name.c_str(), state.verdict_name().c_str(), kind.c_str(), state.schedules,
                 seconds_text(state.elapsed).c_str());
  }
}

void test_command::report_failures() const {
  for (const test_state& state : tests_) {
    for (const failed_run& failure : state.failures) {
      const verdict& judged = failure.judged;
      const std::string alike =
          failure.alike > 1 ? " (and " + std::to_string(failure.alike - 1) + " more run(s) failed alike)"
                            : "";
      if (quiet_) {
        std::fprintf(stderr, "weft test: %s failed (%s) in run %zu%s: %s\n", state.test.name.c_str(),
                     judged.kind.c_str(), failure.index, alike.c_str(), judged.message.c_str());
      } else {
        std::fprintf(stderr, "\nweft test: %s failed (%s) in run %zu%s\n%s", state.test.name.c_str(),
                     judged.kind.c_str(), failure.index, alike.c_str(), judged.report.c_str());
        if (!failure.output_tail.empty()) {
          std::fprintf(stderr, "\nthe test's output (its last lines):\n%s", failure.output_tail.c_str());
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
      }
      const std::string command = printable_replay_command(state, failure);
      if (!command.empty()) {
        std::fprintf(stderr, "Reproduce: %s\n", command.c_str());
      } else if (state.test.death_test) {
        std::fprintf(stderr, "Rerun: %s\n", shell_command(state.program).c_str());
      } else {
        std::fprintf(stderr, "No schedule was reported (the process ended before weft could write it).\n");
      }
    }
    for (const auto& [key, race] : state.races) {
      if (quiet_) {
        std::fprintf(stderr, "weft test: %s: %s (first in run %zu)\n", state.test.name.c_str(),
                     race.text.substr(0, race.text.find('\n')).c_str(), race.first_run);
      } else {
        std::fprintf(
            stderr,
            "\nweft test: %s: a data race (--races report), first in run %zu, seen in %zu run(s):\n%s",
            state.test.name.c_str(), race.first_run, race.runs, race.text.c_str());
      }
    }
  }
}

void test_command::write_json(double elapsed) const {
  using nlohmann::json;
  json tests = json::array();
  for (const test_state& state : tests_) {
    json failures = json::array();
    for (const failed_run& failure : state.failures) {
      json entry = {{"run", failure.index},
                    {"kind", failure.judged.kind},
                    {"message", failure.judged.message},
                    {"report", failure.judged.report},
                    {"replay", failure.judged.replay},
                    {"replay_command", printable_replay_command(state, failure)},
                    {"alike", failure.alike}};
      if (!failure.directory.empty()) entry["directory"] = failure.directory;
      failures.push_back(std::move(entry));
    }
    json races = json::array();
    for (const auto& [key, race] : state.races)
      races.push_back(
          {{"sites", key}, {"first_run", race.first_run}, {"runs", race.runs}, {"report", race.text}});
    tests.push_back(
        {{"name", state.test.name},
         {"verdict", state.verdict_name()},
         {"kind", state.failed() ? state.failures.front().judged.kind : ""},
         {"death_test", state.test.death_test},
         {"space_covered", state.space_covered},
         {"schedules", state.schedules},
         {"uncontrolled_runs", state.uncontrolled},
         {"elapsed_seconds", state.elapsed},
         {"replay_command", state.failed() ? printable_replay_command(state, state.failures.front()) : ""},
         {"failures", std::move(failures)},
         {"races", std::move(races)}});
  }
  const std::size_t concurrent =
      static_cast<std::size_t>(std::count_if(tests_.begin(), tests_.end(), [](const test_state& state) {
        return !state.test.disabled && !state.single_threaded && !state.test.death_test &&
               state.schedules > 0;
      }));
  const json summary = {{"schema", "weft.test_summary"},
                        {"version", 1},
                        {"framework", listing_.framework == test_framework::gtest ? "gtest" : "catch2"},
                        {"program", program_},
                        {"filter", filter_},
                        {"shard", {{"index", shard_index_}, {"count", shard_count_}}},
                        {"strategy", options_.strategy},
                        {"seed", options_.seed},
                        {"iterations_per_test", iterations_},
                        {"time_per_test_seconds", time_per_test_s_},
                        {"jobs", options_.jobs},
                        {"races_mode", options_.races},
                        {"concurrent_tests", concurrent},
                        {"failing_tests", tests_failing()},
                        {"schedules", total_schedules()},
                        {"elapsed_seconds", elapsed},
                        {"fork_server", starter_->forking()},
                        {"tests", std::move(tests)}};
  std::ofstream out(json_path_, std::ios::trunc);
  out << summary.dump(2) << "\n";
  if (!out) throw tool_error("cannot write the summary to " + json_path_);
}

void test_command::write_junit(double elapsed) const {
  const std::string binary = program_.front().substr(program_.front().rfind('/') + 1);
  std::size_t skipped = 0;
  for (const test_state& state : tests_) skipped += state.test.disabled ? 1 : 0;
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string counts = " tests=\"" + std::to_string(tests_.size()) + "\" failures=\"" +
                             std::to_string(tests_failing()) + "\" errors=\"0\" skipped=\"" +
                             std::to_string(skipped) + "\" time=\"" + seconds_text(elapsed) + "\"";
  xml += "<testsuites name=\"weft test\"" + counts + ">\n";
  xml += "  <testsuite name=\"" + xml_escaped(binary) + "\"" + counts + ">\n";
  for (const test_state& state : tests_) {
    // gtest's own XML names the suite as the class; Catch2 test cases have none but the binary.
    std::string class_name = binary;
    std::string name = state.test.name;
    if (listing_.framework == test_framework::gtest && name.find('.') != std::string::npos) {
      class_name = name.substr(0, name.find('.'));
      name = name.substr(name.find('.') + 1);
    }
    xml += "    <testcase classname=\"" + xml_escaped(class_name) + "\" name=\"" + xml_escaped(name) +
           "\" time=\"" + seconds_text(state.elapsed) + "\">\n";
    if (state.test.disabled) {
      xml += "      <skipped message=\"disabled\"/>\n";
    } else if (state.failed()) {
      const failed_run& failure = state.failures.front();
      std::string body = failure.judged.report;
      if (!failure.output_tail.empty())
        body += "\nthe test's output (its last lines):\n" + failure.output_tail;
      const std::string command = printable_replay_command(state, failure);
      if (!command.empty()) body += "\nReproduce: " + command + "\n";
      xml += "      <failure type=\"" + xml_escaped(failure.judged.kind) + "\" message=\"" +
             xml_escaped(failure.judged.kind + ": " + failure.judged.message) + "\">" + xml_escaped(body) +
             "</failure>\n";
    }
    xml += "      <system-out>weft: " + xml_escaped(state.verdict_name()) + ", " +
           std::to_string(state.schedules) + " schedule(s)</system-out>\n";
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  std::ofstream out(junit_path_, std::ios::trunc);
  out << xml;
  if (!out) throw tool_error("cannot write the JUnit XML to " + junit_path_);
}

int test_command::execute(const std::vector<std::string>& after_dashes) {
  if (!after_dashes.empty()) program_ = after_dashes;
  check_input();
  (void)preload_value();  // says what is missing before any run starts
  listing_ = list_tests(program_, options_.timeout_s);
  select_tests(listing_);
  const temp_dir scratch;
  starter_ = std::make_unique<run_starter>("weft test", program_, scratch.file("server.out"),
                                           options_.timeout_s, options_.exec_each_run, quiet_);
  shown_ = std::make_unique<progress>(
      quiet_ ? progress::style::none
             : (isatty(STDERR_FILENO) ? progress::style::bar : progress::style::lines),
      tests_.size(), "weft test", "tests");
  if (options_.strategy == "dfs") {
    explore_depth_first(scratch);
  } else {
    explore_in_parallel(scratch);
  }
  shown_->clear();
  const double elapsed = shown_->elapsed_seconds();
  // Each failing test's first failure is reported shrunk, its story first.
  for (std::size_t test = 0; test < tests_.size() && !options_.no_shrink; ++test) {
    test_state& state = tests_[test];
    if (!state.failed() || state.test.death_test) continue;
    failed_run& first = state.failures.front();
    first.judged = shrink_failure(
        first.judged,
        schedule_runner_for(options_, *starter_, state.program, scratch.file("shrink-" + std::to_string(test))));
  }
  if (!quiet_) print_table();
  report_failures();
  if (!json_path_.empty()) write_json(elapsed);
  if (!junit_path_.empty()) write_junit(elapsed);
  std::size_t single = 0, skipped = 0, death = 0, uncontrolled = 0;
  for (const test_state& state : tests_) {
    single += state.single_threaded ? 1 : 0;
    skipped += state.test.disabled ? 1 : 0;
    death += state.test.death_test && !state.test.disabled ? 1 : 0;
    uncontrolled += state.uncontrolled;
  }
  const std::size_t concurrent = tests_.size() - single - skipped - death;
  if (!quiet_) {
    if (uncontrolled > 0) {
      std::fprintf(
          stderr,
          "weft test: %zu run(s) needed the watchdog (a test blocked or spun in code weft does not see); "
          "those schedules may not replay exactly\n",
          uncontrolled);
    }
    std::fprintf(
        stderr,
        "weft test: %zu test%s (%zu concurrent, %zu single-threaded, %zu death test%s, %zu skipped), %zu "
        "failed, %zu schedules, %.1f schedules/s\n",
        tests_.size(), tests_.size() == 1 ? "" : "s", concurrent, single, death, death == 1 ? "" : "s",
        skipped, tests_failing(), total_schedules(), shown_->schedules_per_second(total_schedules()));
  }
  return tests_failing() == 0 ? exit_ok : exit_failure_found;
}

}  // namespace

std::unique_ptr<command> make_test_command() {
  return std::make_unique<test_command>();
}

}  // namespace weft::cli
