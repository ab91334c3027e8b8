// The loop over runs (explore), one exact run (replay), and the environment's overrides.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>

#include "sched/failure_report.hpp"
#include "sched/run.hpp"
#include "sched/schedule_codec.hpp"
#include "sched/strategies/recording.hpp"
#include "sched/strategies/replay.hpp"
#include "weft/options.hpp"
#include "weft/sched.hpp"

namespace weft {
namespace {

using sched::run;
using sched::run_end_kind;

std::uint64_t parse_number(const char* variable, const char* text) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-') {
    throw config_error(std::string("weft: ") + variable + " must be a non-negative integer; got \"" + text + "\"");
  }
  return value;
}

explore_options with_environment(explore_options options) {
  if (const char* seed = std::getenv("WEFT_SEED")) options.seed(parse_number("WEFT_SEED", seed));
  if (const char* runs = std::getenv("WEFT_ITERATIONS")) options.iterations(parse_number("WEFT_ITERATIONS", runs));
  if (const char* name = std::getenv("WEFT_STRATEGY")) options.strategy(name);
  return options;
}

sched::strategy_kind strategy_named(const std::string& name, const char* source) {
  sched::strategy_kind kind;
  if (!sched::parse_strategy(name, kind)) {
    throw config_error(std::string("weft: ") + source +
                       " must be one of random, pct, pos, dfs, bytes, portfolio; got \"" + name + "\"");
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
  limits.max_steps = options.max_steps_value;
  limits.watchdog = options.watchdog_timeout;
  limits.hard_timeout = std::max(std::chrono::milliseconds(30'000), options.watchdog_timeout * 30);
  // Fixed once per exploration, so every run sees the same virtual times.
  limits.realtime_base_ns = clock_ns(CLOCK_REALTIME);
  limits.monotonic_base_ns = clock_ns(CLOCK_MONOTONIC);
  return limits;
}

explore_result::failure failure_of(run_end_kind kind) {
  switch (kind) {
    case run_end_kind::completed: return explore_result::failure::none;
    case run_end_kind::deadlock: return explore_result::failure::deadlock;
    case run_end_kind::livelock: return explore_result::failure::livelock;
    case run_end_kind::leak: return explore_result::failure::leak;
    case run_end_kind::exception: return explore_result::failure::exception;
    case run_end_kind::user_check: return explore_result::failure::user_check;
    case run_end_kind::hung: return explore_result::failure::hung;
  }
  return explore_result::failure::none;
}

// Runs whose threads may still be on their way out keep their memory until two later runs ended; a
// failed run's threads stay parked on it for good.
class retired_runs {
 public:
  void retire(std::unique_ptr<run> finished) {
    recent_.push_back(std::move(finished));
    if (recent_.size() > 2) recent_.pop_front();
  }
  static void keep_forever(std::unique_ptr<run> failed) { (void)failed.release(); }

 private:
  std::deque<std::unique_ptr<run>> recent_;
};

}  // namespace

explore_result explore(std::function<void()> test, const explore_options& given) {
  const explore_options options = with_environment(given);
  if (const char* schedule = std::getenv("WEFT_REPLAY")) return replay(schedule, std::move(test), options);

  sched::strategy_config config;
  config.seed = options.seed_value;
  config.pct_depth = options.pct_depth_value;
  config.dfs_preemption_bound = options.preemption_bound_value;
  config.bytes = {reinterpret_cast<const std::uint8_t*>(options.bytes_value.data()), options.bytes_value.size()};
  sched::recording_strategy recorder(
      sched::make_strategy(strategy_named(options.strategy_name, "the strategy"), config));
  const sched::run_limits limits = limits_from(options);
  const auto give_up_at = std::chrono::steady_clock::now() + options.time_limit;

  explore_result result;
  retired_runs retired;
  for (std::size_t index = 0; index < options.iteration_count; ++index) {
    if (std::chrono::steady_clock::now() >= give_up_at) break;
    if (!recorder.begin_run(index)) {
      result.space_covered = true;
      break;
    }
    auto current = std::make_unique<run>(recorder, limits);
    const sched::run_outcome outcome = current->execute(test);
    recorder.end_run(outcome.steps);
    result.schedules = index + 1;
    result.uncontrolled |= outcome.uncontrolled;
    if (outcome.kind == run_end_kind::completed) {
      retired.retire(std::move(current));
      continue;
    }
    result.kind = failure_of(outcome.kind);
    result.strategy = std::string(recorder.name());
    result.replay = sched::encode(recorder.recorded());
    result.report = sched::render_failure(outcome, result.replay, result.schedules, result.strategy);
    retired_runs::keep_forever(std::move(current));
    if (!options.quiet_value) std::fputs(result.report.c_str(), stderr);
    return result;
  }
  return result;
}

explore_result replay(std::string_view schedule, std::function<void()> test, const explore_options& options) {
  sched::decode_result decoded = sched::decode(schedule);
  if (!decoded.ok()) throw config_error(decoded.error);
  sched::replaying_strategy chooser(std::move(decoded.decoded));
  auto current = std::make_unique<run>(chooser, limits_from(options));
  (void)chooser.begin_run(0);
  const sched::run_outcome outcome = current->execute(test);
  chooser.end_run(outcome.steps);
  explore_result result;
  result.schedules = 1;
  result.strategy = "replay";
  result.replay = std::string(schedule);
  result.uncontrolled = outcome.uncontrolled;
  result.diverged = chooser.diverged();
  result.divergence = chooser.divergence();
  if (result.diverged) {
    // The verdict of another path says nothing about this schedule.
    result.report = "weft: replay diverged: " + result.divergence + "\n";
  } else if (outcome.kind != run_end_kind::completed) {
    result.kind = failure_of(outcome.kind);
    result.report = sched::render_failure(outcome, result.replay, 1, result.strategy);
  }
  if (outcome.kind == run_end_kind::completed) {
    (void)current.release();  // its threads may still be leaving; a replay is one run, so keep it
  } else {
    retired_runs::keep_forever(std::move(current));
  }
  if (!options.quiet_value && !result.report.empty()) std::fputs(result.report.c_str(), stderr);
  return result;
}

}  // namespace weft
