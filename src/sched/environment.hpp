// The scheduler's environment variables, each read by one function. Every reader reads the variable
// now, so a program's own setenv counts, and throws config_error naming the variable and the value it
// saw when the value is malformed. nullopt: the variable is unset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "weft/sched.hpp"

namespace weft::sched {

// WEFT_SEED: a non-negative decimal integer below 2^64.
[[nodiscard]] std::optional<std::uint64_t> seed_from_environment();
// WEFT_ITERATIONS: a non-negative decimal integer below 2^64.
[[nodiscard]] std::optional<std::uint64_t> iterations_from_environment();
// WEFT_STRATEGY: a name of the strategy registry (make_strategy.cpp).
[[nodiscard]] std::optional<std::string> strategy_from_environment();
// WEFT_RACES: fail, report or off (explore_options::races).
[[nodiscard]] std::optional<race_mode> races_from_environment();
// WEFT_REPLAY: a schedule string that decodes (schedule_codec.hpp), or @FILE naming a file that holds
// one (schedule_file.hpp); returns the schedule itself.
[[nodiscard]] std::optional<std::string> replay_from_environment();

}  // namespace weft::sched
