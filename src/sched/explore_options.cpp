#include <optional>
#include <string>

#include "sched/environment.hpp"
#include "weft/options.hpp"
#include "weft/sched.hpp"

namespace weft {

explore_options& explore_options::strategy(std::string name) {
  strategy_ = std::move(name);
  return *this;
}

explore_options& explore_options::seed(std::uint64_t seed) {
  seed_ = seed;
  return *this;
}

explore_options& explore_options::iterations(std::size_t runs) {
  iterations_ = runs;
  return *this;
}

explore_options& explore_options::time_budget(std::chrono::milliseconds t) {
  if (t.count() < 0) throw config_error("weft: explore_options::time_budget must not be negative");
  time_budget_ = t;
  return *this;
}

explore_options& explore_options::pct_depth(int depth) {
  if (depth < 1)
    throw config_error("weft: explore_options::pct_depth must be at least 1; got " + std::to_string(depth));
  pct_depth_ = depth;
  return *this;
}

explore_options& explore_options::preemption_bound(int bound) {
  if (bound < 0) {
    throw config_error("weft: explore_options::preemption_bound must not be negative; got " +
                       std::to_string(bound));
  }
  preemption_bound_ = bound;
  return *this;
}

explore_options& explore_options::max_steps(std::size_t steps) {
  if (steps == 0) throw config_error("weft: explore_options::max_steps must be at least 1");
  max_steps_ = steps;
  return *this;
}

explore_options& explore_options::watchdog(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) throw config_error("weft: explore_options::watchdog must be positive");
  watchdog_ = timeout;
  return *this;
}

explore_options& explore_options::bytes(std::string_view decisions) {
  bytes_ = decisions;
  return *this;
}

explore_options& explore_options::fork_each_run(bool enabled) {
  fork_each_run_ = enabled;
  return *this;
}

explore_options& explore_options::races(race_mode mode) {
  races_ = mode;
  return *this;
}

explore_options& explore_options::report_races(bool enabled) {
  races_ = enabled ? race_mode::fail : race_mode::off;
  return *this;
}

explore_options& explore_options::replay_schedule(std::string schedule) {
  replay_schedule_ = std::move(schedule);
  return *this;
}

explore_options& explore_options::read_environment(bool enabled) {
  read_environment_ = enabled;
  return *this;
}

// The one place explore's options meet the environment: each variable through its one reader.
explore_options explore_options::from_environment() const {
  explore_options options = *this;
  if (const std::optional<std::uint64_t> seed = sched::seed_from_environment()) options.seed(*seed);
  if (const std::optional<std::uint64_t> runs = sched::iterations_from_environment())
    options.iterations(*runs);
  if (std::optional<std::string> name = sched::strategy_from_environment())
    options.strategy(std::move(*name));
  if (const std::optional<race_mode> races = sched::races_from_environment()) options.races(*races);
  if (std::optional<std::string> schedule = sched::replay_from_environment())
    options.replay_schedule(std::move(*schedule));
  return options;
}

explore_options& explore_options::shrink(bool enabled) {
  shrink_ = enabled;
  return *this;
}

explore_options& explore_options::quiet(bool enabled) {
  quiet_ = enabled;
  return *this;
}

}  // namespace weft
