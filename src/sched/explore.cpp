// The loop over runs (explore), one exact run (replay), and the environment's overrides.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "report/one_line.hpp"
#include "sched/crash_guard.hpp"
#include "sched/environment.hpp"
#include "sched/failure_report.hpp"
#include "sched/run.hpp"
#include "sched/schedule_codec.hpp"
#include "sched/schedule_file.hpp"
#include "sched/strategies/recording.hpp"
#include "sched/strategies/replay.hpp"
#include "weft/options.hpp"
#include "weft/sched.hpp"

namespace weft {
namespace {

using sched::run;
using sched::run_end_kind;

explore_options with_environment(explore_options options) {
  if (const std::optional<std::uint64_t> seed = sched::seed_from_environment()) options.seed(*seed);
  if (const std::optional<std::uint64_t> runs = sched::iterations_from_environment())
    options.iterations(*runs);
  if (std::optional<std::string> name = sched::strategy_from_environment())
    options.strategy(std::move(*name));
  if (const std::optional<race_mode> races = sched::races_from_environment()) options.races(*races);
  return options;
}

// The distinct races of an exploration with race_mode::report, once per pair of source locations.
class race_list {
 public:
  void add(const std::string& key, std::string text, explore_result& result) {
    if (keys_.insert(key).second) result.races.push_back(std::move(text));
  }
  void add(const std::vector<sched::data_race>& races, explore_result& result) {
    for (const sched::data_race& race : races) {
      sched::rendered_race rendered = sched::render_race(race);
      add(rendered.key, std::move(rendered.text), result);
    }
  }

 private:
  std::set<std::string> keys_;
};

using report::as_one_line;
using report::from_one_line;

void print_races(const explore_result& result, const explore_options& options) {
  if (options.quiet() || result.races.empty()) return;
  std::string text = "weft: the runs exhibited " + std::to_string(result.races.size()) +
                     " distinct data race" + (result.races.size() == 1 ? "" : "s") + " (races: report):\n";
  for (const std::string& race : result.races) text += "\n" + race;
  std::fputs(text.c_str(), stderr);
}

sched::strategy_kind strategy_named(const std::string& name, const char* source) {
  sched::strategy_kind kind;
  if (!sched::parse_strategy(name, kind)) {
    throw config_error(std::string("weft: ") + source +
                       " must be one of random, pct, pos, dfs, bytes, portfolio, surw, rff; got \"" + name +
                       "\"");
  }
  return kind;
}

std::int64_t clock_ns(clockid_t clock) {
  timespec now;
  clock_gettime(clock, &now);
  return now.tv_sec * 1'000'000'000LL + now.tv_nsec;
}

sched::run_limits limits_from(const explore_options& options) {
  sched::run_limits limits;
  limits.max_steps = options.max_steps();
  limits.watchdog = options.watchdog();
  limits.hard_timeout = std::max(std::chrono::milliseconds(30'000), options.watchdog() * 30);
  limits.races = options.races();
  // Fixed once per exploration, so every run sees the same virtual times.
  limits.realtime_base_ns = clock_ns(CLOCK_REALTIME);
  limits.monotonic_base_ns = clock_ns(CLOCK_MONOTONIC);
  return limits;
}

explore_result::failure failure_of(run_end_kind kind) {
  switch (kind) {
    case run_end_kind::completed:
      return explore_result::failure::none;
    case run_end_kind::deadlock:
      return explore_result::failure::deadlock;
    case run_end_kind::livelock:
      return explore_result::failure::livelock;
    case run_end_kind::leak:
      return explore_result::failure::leak;
    case run_end_kind::exception:
      return explore_result::failure::exception;
    case run_end_kind::user_check:
      return explore_result::failure::user_check;
    case run_end_kind::hung:
      return explore_result::failure::hung;
    case run_end_kind::race:
      return explore_result::failure::race;
  }
  return explore_result::failure::none;
}

// The recorded outcome in a schedule: the words of weft replay's verdicts, so that a schedule means the
// same to the command and to the library.
std::string_view outcome_word(explore_result::failure kind) {
  switch (kind) {
    case explore_result::failure::none:
      return "";
    case explore_result::failure::exception:
      return "exception";
    case explore_result::failure::deadlock:
      return "deadlock";
    case explore_result::failure::livelock:
      return "livelock";
    case explore_result::failure::leak:
      return "leak";
    case explore_result::failure::user_check:
      return "check";
    case explore_result::failure::hung:
      return "hung";
    case explore_result::failure::crash:
      return "signal";
    case explore_result::failure::race:
      return "race";
  }
  return "";
}

// The schedule the recorder holds, with how its run ended.
std::string encode_recorded(const sched::recording_strategy& recorder, explore_result::failure kind) {
  sched::schedule recorded = recorder.recorded();
  recorded.outcome = std::string(outcome_word(kind));
  return sched::encode(recorded);
}

// What the report's Reproduce line shows: the schedule, or the file a long one was saved to.
std::string printable(const std::string& replay, std::string_view message) {
  const std::string first_line(message.substr(0, message.find('\n')));
  return sched::printable_schedule(replay, "",
                                   "a failing schedule of weft::explore: " + first_line +
                                       "\nreplay it with WEFT_REPLAY=@<this file> and the same test");
}

// A finished run's threads may still be on their way out (a thread that handed the baton on still
// returns through weft's code), so a run is freed only once all its OS threads have exited. A failed
// run's threads stay parked on it for good.
class retired_runs {
 public:
  void retire(std::unique_ptr<run> finished) {
    recent_.push_back(std::move(finished));
    std::erase_if(recent_, [](const std::unique_ptr<run>& retired) { return retired->threads_gone(); });
  }
  static void keep_forever(std::unique_ptr<run> failed) { (void)failed.release(); }

  // The last runs' threads are usually gone within microseconds; one that is not after a second is
  // stuck somewhere weft cannot see, and its run is kept rather than freed under it.
  ~retired_runs() {
    const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    for (std::unique_ptr<run>& retired : recent_) {
      while (!retired->threads_gone() && std::chrono::steady_clock::now() < give_up_at) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      if (!retired->threads_gone()) keep_forever(std::move(retired));
    }
  }

 private:
  std::deque<std::unique_ptr<run>> recent_;
};

// What a fork()ed run sends back: the outcome, or, if it died of a signal, its crash line.
struct child_outcome {
  explore_result::failure kind = explore_result::failure::none;
  std::size_t steps = 0;
  bool uncontrolled = false;
  std::string replay;
  std::string divergence;  // a replay's: where it left the schedule; empty when it did not
  std::string report;
  std::vector<std::pair<std::string, std::string>> races;  // key and text of each race, when reported
};

void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t written = write(fd, text.data() + done, text.size() - done);
    if (written <= 0) return;
    done += static_cast<std::size_t>(written);
  }
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// The schedule in crash_guard's line, "... Reproduce: WEFT_REPLAY=<schedule or @file>".
std::string schedule_in_crash_line(const std::string& received) {
  const std::size_t at = received.find("WEFT_REPLAY=");
  if (at == std::string::npos) return "";
  const std::size_t from = at + std::string_view("WEFT_REPLAY=").size();
  const sched::schedule_text found =
      sched::resolve_schedule(received.substr(from, received.find_first_of(" \n", from) - from));
  return found.text;
}

// Runs one schedule in a fork()ed child, so that a crash ends the child, not the caller's process.
// `replaying` is the replayed schedule's strategy inside `recorder`, or nullptr when exploring.
child_outcome run_in_child(const std::function<void()>& test, sched::recording_strategy& recorder,
                           const sched::replaying_strategy* replaying, const sched::run_limits& limits,
                           std::size_t schedules) {
  int channel[2];
  if (pipe(channel) != 0)
    throw std::system_error(errno, std::generic_category(), "weft: pipe for a forked run");
  const pid_t child = fork();
  if (child < 0) throw std::system_error(errno, std::generic_category(), "weft: fork for a forked run");
  if (child == 0) {
    close(channel[0]);
    sched::crash_guard::also_report_to(channel[1]);
    auto current = std::make_unique<run>(recorder, limits);
    const sched::run_outcome outcome = current->execute(test);
    recorder.end_run(outcome.steps);
    const explore_result::failure kind = failure_of(outcome.kind);
    const std::string replay = encode_recorded(recorder, kind);
    std::string message = std::to_string(static_cast<int>(kind)) + "\n" + std::to_string(outcome.steps) +
                          "\n" + (outcome.uncontrolled ? "1" : "0") + "\n" + replay + "\n" +
                          (replaying != nullptr ? one_line(replaying->divergence()) : "") + "\n" +
                          std::to_string(outcome.races.size()) + "\n";
    for (const sched::data_race& race : outcome.races) {
      const sched::rendered_race rendered = sched::render_race(race);
      message += as_one_line(rendered.key) + "\n" + as_one_line(rendered.text) + "\n";
    }
    if (outcome.kind != run_end_kind::completed) {
      message +=
          sched::render_failure(outcome, printable(replay, outcome.message), schedules, recorder.name());
    }
    write_all(channel[1], message);
    _exit(0);  // no destructors or atexit handlers of the parent's program run in the child
  }
  close(channel[1]);
  std::string received;
  char buffer[4096];
  for (;;) {
    const ssize_t got = read(channel[0], buffer, sizeof buffer);
    if (got > 0) {
      received.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      break;
    }
  }
  close(channel[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  child_outcome outcome;
  if (WIFSIGNALED(status)) {
    outcome.kind = explore_result::failure::crash;
    outcome.replay = schedule_in_crash_line(received);
    outcome.report = std::string("weft: the run died of ") + strsignal(WTERMSIG(status)) + received;
    if (!outcome.report.ends_with('\n')) outcome.report += '\n';
    return outcome;
  }
  std::istringstream lines(received);
  std::string kind, steps, uncontrolled, races;
  std::getline(lines, kind);
  std::getline(lines, steps);
  std::getline(lines, uncontrolled);
  std::getline(lines, outcome.replay);
  std::getline(lines, outcome.divergence);
  std::getline(lines, races);
  const std::size_t race_count = static_cast<std::size_t>(std::strtoull(races.c_str(), nullptr, 10));
  for (std::size_t i = 0; i < race_count && lines; ++i) {
    std::string key;
    std::string text;
    std::getline(lines, key);
    std::getline(lines, text);
    outcome.races.emplace_back(from_one_line(key), from_one_line(text));
  }
  outcome.kind = static_cast<explore_result::failure>(std::atoi(kind.c_str()));
  outcome.steps = static_cast<std::size_t>(std::strtoull(steps.c_str(), nullptr, 10));
  outcome.uncontrolled = uncontrolled == "1";
  outcome.report.assign(std::istreambuf_iterator<char>(lines), std::istreambuf_iterator<char>());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || outcome.replay.empty()) {
    outcome.kind = explore_result::failure::crash;
    outcome.report =
        "weft: a forked run ended without reporting (exit status " + std::to_string(status) + ")\n";
  }
  return outcome;
}

}  // namespace

explore_result explore(std::function<void()> test, const explore_options& given) {
  check_environment();
  const explore_options options = with_environment(given);
  if (const std::optional<std::string> schedule = sched::replay_from_environment())
    return replay(*schedule, std::move(test), options);

  sched::strategy_config config;
  config.seed = options.seed();
  config.pct_depth = options.pct_depth();
  config.dfs_preemption_bound = options.preemption_bound();
  config.bytes = {reinterpret_cast<const std::uint8_t*>(options.bytes().data()), options.bytes().size()};
  const sched::strategy_kind kind = strategy_named(options.strategy(), "the strategy");
  if (options.fork_each_run() && kind == sched::strategy_kind::dfs) {
    throw config_error(
        "weft: dfs cannot run with fork_each_run: its search state lives in each run's process");
  }
  sched::recording_strategy recorder(sched::make_strategy(kind, config));
  const sched::run_limits limits = limits_from(options);
  const auto give_up_at = std::chrono::steady_clock::now() + options.time_budget();

  explore_result result;
  race_list races;
  retired_runs retired;
  std::atomic<std::size_t> run_number{0};
  const sched::crash_guard crash_report(recorder, run_number);
  for (std::size_t index = 0; index < options.iterations(); ++index) {
    if (std::chrono::steady_clock::now() >= give_up_at) break;
    run_number.store(index + 1);
    if (!recorder.begin_run(index)) {
      result.space_covered = true;
      break;
    }
    if (options.fork_each_run()) {
      const child_outcome outcome = run_in_child(test, recorder, nullptr, limits, index + 1);
      recorder.end_run(outcome.steps);
      result.schedules = index + 1;
      result.uncontrolled |= outcome.uncontrolled;
      if (options.races() == race_mode::report) {
        for (const auto& [key, text] : outcome.races) races.add(key, text, result);
      }
      if (outcome.kind == explore_result::failure::none) continue;
      result.kind = outcome.kind;
      result.strategy = std::string(recorder.name());
      result.replay = outcome.replay;
      result.report = outcome.report;
      if (!options.quiet()) std::fputs(result.report.c_str(), stderr);
      print_races(result, options);
      return result;
    }
    auto current = std::make_unique<run>(recorder, limits);
    const sched::run_outcome outcome = current->execute(test);
    recorder.end_run(outcome.steps);
    result.schedules = index + 1;
    result.uncontrolled |= outcome.uncontrolled;
    if (options.races() == race_mode::report) races.add(outcome.races, result);
    if (outcome.kind == run_end_kind::completed) {
      retired.retire(std::move(current));
      continue;
    }
    result.kind = failure_of(outcome.kind);
    result.strategy = std::string(recorder.name());
    result.replay = encode_recorded(recorder, result.kind);
    result.report = sched::render_failure(outcome, printable(result.replay, outcome.message),
                                          result.schedules, result.strategy);
    retired_runs::keep_forever(std::move(current));
    if (!options.quiet()) std::fputs(result.report.c_str(), stderr);
    print_races(result, options);
    return result;
  }
  print_races(result, options);
  return result;
}

explore_result replay(std::string_view schedule, std::function<void()> test, const explore_options& given) {
  const explore_options options = with_environment(given);
  const sched::schedule_text resolved = sched::resolve_schedule(schedule);
  if (!resolved.ok()) throw config_error(resolved.error);
  sched::decode_result decoded = sched::decode(resolved.text);
  if (!decoded.ok()) throw config_error(decoded.error);
  const std::string recorded_outcome = decoded.decoded.outcome;
  auto replaying = std::make_unique<sched::replaying_strategy>(std::move(decoded.decoded));
  const sched::replaying_strategy& chooser = *replaying;
  // Recorded again as it runs, so that a crash prints the schedule as far as it got.
  sched::recording_strategy recorder(std::move(replaying));
  const sched::run_limits limits = limits_from(options);
  std::atomic<std::size_t> run_number{1};
  const sched::crash_guard crash_report(recorder, run_number);
  (void)recorder.begin_run(0);

  explore_result result;
  result.schedules = 1;
  result.strategy = "replay";
  result.replay = resolved.text;
  std::string failure_report;
  std::unique_ptr<run> current;
  if (options.fork_each_run()) {
    const child_outcome outcome = run_in_child(test, recorder, &chooser, limits, 1);
    result.kind = outcome.kind;
    result.uncontrolled = outcome.uncontrolled;
    result.divergence = outcome.divergence;
    failure_report = outcome.report;
    if (options.races() == race_mode::report) {
      race_list races;
      for (const auto& [key, text] : outcome.races) races.add(key, text, result);
    }
  } else {
    current = std::make_unique<run>(recorder, limits);
    const sched::run_outcome outcome = current->execute(test);
    recorder.end_run(outcome.steps);
    result.kind = failure_of(outcome.kind);
    result.uncontrolled = outcome.uncontrolled;
    result.divergence = chooser.divergence();
    if (options.races() == race_mode::report) race_list().add(outcome.races, result);
    if (result.failed()) {
      failure_report =
          sched::render_failure(outcome, printable(result.replay, outcome.message), 1, result.strategy);
    }
  }
  result.diverged = !result.divergence.empty();
  if (result.diverged) {
    // The verdict of another path says nothing about this schedule.
    result.kind = explore_result::failure::none;
    result.report = "weft: replay diverged: " + result.divergence + "\n";
  } else {
    result.report = failure_report;
    if (!recorded_outcome.empty() && outcome_word(result.kind) != recorded_outcome) {
      // The same path to another end: the program or its environment changed since the recording.
      result.diverged = true;
      result.divergence = "the replay " +
                          (result.failed() ? "failed with " + std::string(outcome_word(result.kind))
                                           : std::string("ran to its end without a failure")) +
                          ", but the schedule was recorded from a " + recorded_outcome + " failure";
      result.report += "weft: replay differs: " + result.divergence + "\n";
    }
  }
  // A replay is one run: kept, since its threads may still be leaving, or stay parked on it for good.
  retired_runs::keep_forever(std::move(current));
  if (!options.quiet() && !result.report.empty()) std::fputs(result.report.c_str(), stderr);
  print_races(result, options);
  return result;
}

}  // namespace weft
