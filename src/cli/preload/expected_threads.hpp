// The ignore rules at the end of a controlled run: threads still blocked when main returned that the
// rules expect (WEFT_IGNORE, with the weft command's --ignore rules added) are no leak. A library's
// process-lifetime pool blocks like that in every run.
#pragma once

#include "sched/run.hpp"

namespace weft::cli {

// Takes the expected threads out of a `leak` outcome: it becomes `completed` when they were all
// expected, else its message and tids keep only the others. Returns whether some expected thread
// stays parked on the run (the process must then not run static destructors, which could wait for
// it). Describes the blocked threads (signals them for their stacks); does nothing for other outcomes.
[[nodiscard]] bool forgive_expected_threads(sched::run_outcome& outcome);

}  // namespace weft::cli
