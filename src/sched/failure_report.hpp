// The text of a failed run: what went wrong, every involved thread with its stack, and the replay.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sched/run.hpp"

namespace weft::sched {

[[nodiscard]] std::string render_failure(const run_outcome& outcome, std::string_view replay,
                                         std::size_t schedules, std::string_view strategy);

}  // namespace weft::sched
