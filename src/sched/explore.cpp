// The loop over runs (explore) and one exact run (replay).
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

#include "sched/child_run.hpp"
#include "sched/crash_guard.hpp"
#include "sched/failure_report.hpp"
#include "sched/outcome_words.hpp"
#include "sched/run.hpp"
#include "sched/schedule_codec.hpp"
#include "sched/schedule_file.hpp"
#include "sched/shrink.hpp"
#include "sched/story.hpp"
#include "sched/strategies/guided.hpp"
#include "sched/strategies/recording.hpp"
#include "sched/strategies/replay.hpp"
#include "weft/options.hpp"
#include "weft/sched.hpp"

namespace weft {
namespace {

using sched::run;
using sched::run_end_kind;

// The options explore and replay go by: the environment's overrides applied, unless the caller said
// not to.
explore_options effective(const explore_options& given) {
  if (!given.read_environment()) return given;
  return given.from_environment().read_environment(false);
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

void print_races(const explore_result& result, const explore_options& options) {
  if (options.quiet() || result.races.empty()) return;
  std::string text = "weft: the runs exhibited " + std::to_string(result.races.size()) +
                     " distinct data race" + (result.races.size() == 1 ? "" : "s") + " (races: report):\n";
  for (const std::string& race : result.races) text += "\n" + race;
  std::fputs(text.c_str(), stderr);
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

// The schedule the recorder holds, with how its run ended.
std::string encode_recorded(const sched::recording_strategy& recorder, explore_result::failure kind) {
  sched::schedule recorded = recorder.recorded();
  // A completed run records no outcome.
  recorded.outcome = kind == explore_result::failure::none ? "" : std::string(sched::word_of(kind));
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

}  // namespace

// In namespace sched, so that reports fold its frames with weft's own: it creates the runs' threads.
namespace sched {
namespace {

// A failure as a report tells it: the run's outcome, its schedule, and its story once shrunk.
struct told_failure {
  run_outcome outcome;
  std::string replay;
  std::string story;  // empty when it was not shrunk
  std::size_t preemptions = 0;
};

// A run abandoned as hung leaves its threads running, possibly inside its strategy: the strategy then
// stays, like the run, for the rest of the process.
void keep_if_abandoned(std::unique_ptr<recording_strategy>& recorder, const run_outcome& outcome) {
  if (outcome.kind == run_end_kind::hung) (void)recorder.release();
}

// What makes two failures the same for shrinking: the kind, the innermost frames where the failure
// was raised and the first race. Step counts, messages and thread numbers may differ.
std::string failure_signature(const run_outcome& outcome) {
  std::string signature(word_of(failure_of(outcome.kind)));
  constexpr std::size_t top_frames = 3;
  for (std::size_t i = 0; i < std::min(top_frames, outcome.failure_pcs.size()); ++i)
    signature += " " + std::to_string(outcome.failure_pcs[i]);
  if (!outcome.races.empty()) signature += " " + render_race(outcome.races.front()).key;
  return signature;
}

// Looks for a schedule with fewer preemptions that fails as `found` did (sched/shrink.hpp), each try
// one run in this process, and returns the failure to report: the best one, told as a story, or
// `found` as it was when even its own replay does not fail the same way (an uncontrolled run).
told_failure shrink_in_process(const std::function<void()>& test, const schedule& found_schedule,
                               told_failure found, const run_limits& limits, retired_runs& retired) {
  const std::string wanted = failure_signature(found.outcome);
  thread_origins origins;
  struct kept_failure {
    told_failure failure;
    std::vector<switch_point> switches;
    std::vector<std::vector<std::uintptr_t>> creation_stacks;
  };
  std::optional<kept_failure> last;  // the last try that failed the same way
  const auto try_once = [&](std::unique_ptr<guided_strategy> guided) {
    const guided_strategy& guide = *guided;
    auto owned_recorder = std::make_unique<recording_strategy>(std::move(guided));
    recording_strategy& recorder = *owned_recorder;
    (void)recorder.begin_run(0);
    auto current = std::make_unique<run>(recorder, limits);
    run_outcome outcome = current->execute(test);
    recorder.end_run(outcome.steps);
    if (outcome.kind == run_end_kind::completed) {
      retired.retire(std::move(current));
      return false;
    }
    retired_runs::keep_forever(std::move(current));
    keep_if_abandoned(owned_recorder, outcome);
    if (outcome.uncontrolled || failure_signature(outcome) != wanted) return false;
    last.emplace();
    last->failure.replay = encode_recorded(recorder, failure_of(outcome.kind));
    last->failure.outcome = std::move(outcome);
    last->switches = guide.taken();
    last->creation_stacks = origins.creation_stacks();
    return true;
  };
  // The found schedule's switches, learnt by replaying it.
  auto replaying = std::make_unique<replaying_strategy>(found_schedule);
  if (!try_once(std::make_unique<guided_strategy>(std::move(replaying)))) return found;
  kept_failure best = std::move(*last);
  const std::size_t original_preemptions = preemptions_in(best.switches);
  const shrink_outcome shrunk = shrink(
      best.switches,
      [&](std::span<const switch_point> guide, free_order order) -> std::optional<std::vector<switch_point>> {
        if (!try_once(std::make_unique<guided_strategy>(std::vector<switch_point>(guide.begin(), guide.end()),
                                                        order)))
          return std::nullopt;
        // shrink keeps a try with fewer preemptions than its best so far, which is this best too.
        if (preemptions_in(last->switches) < preemptions_in(best.switches)) best = std::move(*last);
        return best.switches;
      },
      shrink_budget{});
  story_context context;
  context.original_preemptions = original_preemptions;
  context.runs = shrunk.runs + 1;
  context.minimal = shrunk.minimal;
  context.shrunk = preemptions_in(best.switches) < original_preemptions;
  best.failure.preemptions = preemptions_in(best.switches);
  best.failure.story =
      render_story(best.switches, best.creation_stacks, context, best.failure.outcome.message);
  return std::move(best.failure);
}

}  // namespace
}  // namespace sched

namespace {

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

// A fork()ed run's outcome, sent to the parent through `fd`.
void send_child_outcome(int fd, const sched::run_outcome& outcome, sched::recording_strategy& recorder,
                        const sched::replaying_strategy* replaying, std::size_t schedules) {
  recorder.end_run(outcome.steps);
  const explore_result::failure kind = sched::failure_of(outcome.kind);
  const std::string replay = encode_recorded(recorder, kind);
  sched::child_run_text message;
  message.add("kind", sched::word_of(kind))
      .add("steps", static_cast<long long>(outcome.steps))
      .add("uncontrolled", outcome.uncontrolled)
      .add("replay", replay);
  if (replaying != nullptr && replaying->diverged()) message.add("divergence", replaying->divergence());
  for (const sched::data_race& race : outcome.races) {
    const sched::rendered_race rendered = sched::render_race(race);
    message.add_race(rendered.key, rendered.text);
  }
  if (outcome.kind != run_end_kind::completed) {
    message.report(
        sched::render_failure(outcome, printable(replay, outcome.message), schedules, recorder.name()));
  }
  write_all(fd, message.text());
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
    // Never freed: the child ends in `report`, on the helper that watched the run, with the run's
    // threads parked or returning.
    auto* current = new run(recorder, limits);
    const std::function<void(const sched::run_outcome&)> report = [&](const sched::run_outcome& outcome) {
      send_child_outcome(channel[1], outcome, recorder, replaying, schedules);
      _exit(0);  // no destructors or atexit handlers of the parent's program run in the child
    };
    // The test function runs on the thread that forked, the child's only one, with the malloc arena
    // its caller has (glibc's main arena when explore is called from main), as without weft.
    (void)current->execute_here(test, report);
    _exit(0);
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
    outcome.replay = sched::schedule_in_crash_line(received);
    outcome.report = std::string("weft: the run died of ") + strsignal(WTERMSIG(status)) + received;
    if (!outcome.report.ends_with('\n')) outcome.report += '\n';
    return outcome;
  }
  const sched::child_run_report reported = sched::read_child_run(received);
  outcome.kind = sched::failure_named(reported.field("kind")).value_or(explore_result::failure::crash);
  outcome.steps = static_cast<std::size_t>(std::strtoull(reported.field("steps").c_str(), nullptr, 10));
  outcome.uncontrolled = reported.field("uncontrolled") == "1";
  outcome.replay = reported.field("replay");
  outcome.divergence = reported.field("divergence");
  outcome.races = reported.races;
  outcome.report = reported.report;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || outcome.replay.empty()) {
    outcome.kind = explore_result::failure::crash;
    outcome.report =
        "weft: a forked run ended without reporting (exit status " + std::to_string(status) + ")\n";
  }
  return outcome;
}

}  // namespace

explore_result explore(std::function<void()> test, const explore_options& given) {
  if (given.read_environment()) check_environment();
  const explore_options options = effective(given);
  if (!options.replay_schedule().empty()) return replay(options.replay_schedule(), std::move(test), options);

  sched::strategy_config config;
  config.seed = options.seed();
  config.pct_depth = options.pct_depth();
  config.dfs_preemption_bound = options.preemption_bound();
  config.bytes = {reinterpret_cast<const std::uint8_t*>(options.bytes().data()), options.bytes().size()};
  const sched::strategy_kind kind = sched::strategy_named(options.strategy(), "the strategy");
  if (options.fork_each_run() && kind == sched::strategy_kind::dfs) {
    throw config_error(
        "weft: dfs cannot run with fork_each_run: its search state lives in each run's process");
  }
  auto owned_recorder = std::make_unique<sched::recording_strategy>(sched::make_strategy(kind, config));
  sched::recording_strategy& recorder = *owned_recorder;
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
    result.kind = sched::failure_of(outcome.kind);
    result.strategy = std::string(recorder.name());
    retired_runs::keep_forever(std::move(current));
    sched::keep_if_abandoned(owned_recorder, outcome);
    sched::told_failure told;
    told.outcome = outcome;
    told.replay = encode_recorded(recorder, result.kind);
    if (options.shrink())
      told = sched::shrink_in_process(test, recorder.recorded(), std::move(told), limits, retired);
    result.replay = told.replay;
    result.preemptions = told.preemptions;
    result.report =
        told.story + sched::render_failure(told.outcome, printable(result.replay, told.outcome.message),
                                           result.schedules, result.strategy);
    if (!options.quiet()) std::fputs(result.report.c_str(), stderr);
    print_races(result, options);
    return result;
  }
  print_races(result, options);
  return result;
}

explore_result replay(std::string_view schedule, std::function<void()> test, const explore_options& given) {
  const explore_options options = effective(given);
  const sched::schedule_text resolved = sched::resolve_schedule(schedule);
  if (!resolved.ok()) throw config_error(resolved.error);
  sched::decode_result decoded = sched::decode(resolved.text);
  if (!decoded.ok()) throw config_error(decoded.error);
  const std::string recorded_outcome = decoded.decoded.outcome;
  auto replaying = std::make_unique<sched::replaying_strategy>(std::move(decoded.decoded));
  const sched::replaying_strategy& chooser = *replaying;
  // Recorded again as it runs, so that a crash prints the schedule as far as it got.
  auto owned_recorder = std::make_unique<sched::recording_strategy>(std::move(replaying));
  sched::recording_strategy& recorder = *owned_recorder;
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
    result.kind = sched::failure_of(outcome.kind);
    result.uncontrolled = outcome.uncontrolled;
    result.divergence = chooser.divergence();
    sched::keep_if_abandoned(owned_recorder, outcome);
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
    if (!recorded_outcome.empty() && sched::word_of(result.kind) != recorded_outcome) {
      // The same path to another end: the program or its environment changed since the recording.
      result.diverged = true;
      result.divergence = "the replay " +
                          (result.failed() ? "failed with " + std::string(sched::word_of(result.kind))
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
