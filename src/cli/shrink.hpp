// Shrinking a failure the command found (docs/cli.md, "Shrinking"): each try is one run of the
// program under a schedule in its replay file, as `weft replay` runs one; first the failure's own
// schedule, to learn its switches, then guides with fewer preemptions (sched/shrink.hpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/fork_server.hpp"
#include "cli/run_options.hpp"
#include "cli/verdict.hpp"

namespace weft::cli {

// Runs the program once under `schedule` (a replay string or a guide, sched/strategies/guided.hpp)
// and judges the run. Blocks until the run ended (each run is bounded by its own timeout).
using schedule_runner = std::function<verdict(const std::string& schedule)>;

// The failure to report for `found`: the run with the fewest preemptions found that fails the same
// way (the same kind and the same innermost frames in its report), its report starting with its
// story and its replay the shrunk schedule; or `found` unchanged when it has no schedule, its replay
// does not fail the same way, or dies of a signal (a process that died cannot tell the switches it
// took). At most 100 runs or 10 s, plus the run in progress.
[[nodiscard]] verdict shrink_failure(const verdict& found, const schedule_runner& run_schedule);

// A runner that starts `program` with `starter` (forked at main, as the exploration's runs were) as
// `options` say (setup, fresh directory, timeout, races, ignore rules), its files under `stem`.
[[nodiscard]] schedule_runner schedule_runner_for(const run_options& options, run_starter& starter,
                                                  const std::vector<std::string>& program,
                                                  const std::string& stem);

}  // namespace weft::cli
