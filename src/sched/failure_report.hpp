// The text of a failed run: what went wrong, every involved thread with its stack, and the replay.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sched/run.hpp"

namespace weft::sched {

// `replay` is what the closing "Reproduce: WEFT_REPLAY=" line shows: the schedule, or "@FILE" for one
// saved to a file (schedule_file.hpp's printable_schedule); the caller decides, since only it knows
// whether a person reads the line.
[[nodiscard]] std::string render_failure(const run_outcome& outcome, std::string_view replay,
                                         std::size_t schedules, std::string_view strategy);

}  // namespace weft::sched
