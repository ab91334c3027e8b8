// The text of a failed run: what went wrong, every involved thread with its stack, and the replay.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sched/run.hpp"

namespace weft::sched {

// One data race as text: what raced, then the stacks of both accesses. `key` names the pair of source
// locations of the two accesses (innermost frames), the same for the same race in any run or process.
struct rendered_race {
  std::string key;
  std::string text;
};
[[nodiscard]] rendered_race render_race(const data_race& race);

[[nodiscard]] std::string render_failure(const run_outcome& outcome, std::string_view replay,
                                         std::size_t schedules, std::string_view strategy);

}  // namespace weft::sched
