// The text of a failed run: what went wrong, every involved thread with its stack, and the replay.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "report/stack_detail.hpp"
#include "sched/run.hpp"

namespace weft::sched {

// One data race as text: what raced, then the stacks of both accesses, folded or full as `detail`
// says (by default as WEFT_FULL_STACKS asks; a malformed value shows full stacks, since explore has
// refused it before its first run). `key` names the pair of source locations of the two accesses
// (innermost frames), the same for the same race in any run or process.
struct rendered_race {
  std::string key;
  std::string text;
};
[[nodiscard]] rendered_race render_race(const data_race& race, report::stack_detail detail);
[[nodiscard]] rendered_race render_race(const data_race& race);

// `replay` is what the closing "Reproduce: WEFT_REPLAY=" line shows: the schedule, or "@FILE" for one
// saved to a file (schedule_file.hpp's printable_schedule); the caller decides, since only it knows
// whether a person reads the line.
[[nodiscard]] std::string render_failure(const run_outcome& outcome, std::string_view replay,
                                         std::size_t schedules, std::string_view strategy);

}  // namespace weft::sched
