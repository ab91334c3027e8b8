// Task records to task_info: names, states, async stacks and symbolized creation stacks.
#pragma once

#include <vector>

#include "weft/snapshot.hpp"
#include "weft/tasks.hpp"

namespace weft::tasks {

// Every live task, in id order, each with its own async stack. For snapshots.
[[nodiscard]] std::vector<task_info> describe_all();

// The live tasks registered after `after`, in id order, except those that await another of them: an
// awaiting task is shown in the async stack of the task it awaits, so a chain of coroutines stuck on
// one event is one entry whose async stack lists the chain, innermost first. For leak checks.
[[nodiscard]] std::vector<task_info> describe_leaked(task_id after);

}  // namespace weft::tasks
