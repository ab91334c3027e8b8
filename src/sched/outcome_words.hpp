// How a run ended, in one vocabulary. A run says it with run_end_kind, the API with
// explore_result::failure (which adds crash: only a process around the run can see a signal), and
// everything that leaves the process with one word per kind: the replay string's recorded outcome, a
// child run's report (fork_each_run's pipe, the weft command's result file) and the command's verdicts.
#pragma once

#include <optional>
#include <string_view>

#include "sched/run.hpp"
#include "weft/sched.hpp"

namespace weft::sched {

// The API's kind for a run's: one to one, completed being failure::none. crash and memory_error are
// no run's: a signal ends the process, and so does AddressSanitizer after its report.
[[nodiscard]] explore_result::failure failure_of(run_end_kind kind);

// "completed", "exception", "deadlock", "livelock", "leak", "check" (weft::expect), "hung", "signal"
// (crash), "race", "memory-error", "use-after-free" or "double-free".
[[nodiscard]] std::string_view word_of(explore_result::failure kind);

// The kind a word of word_of names; nullopt for any other word.
[[nodiscard]] std::optional<explore_result::failure> failure_named(std::string_view word);

}  // namespace weft::sched
