// The weft command's side of strategy "remote" (protocol.hpp): it starts one run and answers the
// run's choices with a strategy that lives in the command, so that dfs can go on from run to run.
#pragma once

#include <chrono>

#include "cli/child_process.hpp"
#include "cli/fork_server.hpp"
#include "sched/strategies/strategy.hpp"

namespace weft::cli {

struct served_run {
  program_end end;
  bool timed_out = false;
};

// Starts `what` with `starter` (adding the pipes' variable) and answers with `chooser` until the program
// exits; kills it at `deadline`. Calls chooser.end_run once, when the run ended or the program did.
[[nodiscard]] served_run run_with_remote_choices(run_starter& starter, launch what, sched::strategy& chooser,
                                                 std::chrono::steady_clock::time_point deadline);

}  // namespace weft::cli
