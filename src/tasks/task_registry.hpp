// The record of every live task: registered through weft/tasks.hpp, read by leak checks and snapshots.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "weft/snapshot.hpp"
#include "weft/tasks.hpp"

namespace weft::tasks {

// A copy of one live record.
struct task_record {
  task_id id = 0;
  std::string name;
  task_state state = task_state::created;
  task_site site;                            // valid while suspended
  const char* first_function = nullptr;      // the function of its first suspension; names unnamed tasks
  task_id awaiter = 0;                       // the task that awaits this one; 0 when none
  std::vector<std::uintptr_t> creation_pcs;  // innermost first, from register_task's caller
  const char* test = nullptr;                // interned test name; nullptr outside any test
  int creator_tid = 0;
  bool coroutine = false;                               // registered by tracked_promise
  std::chrono::steady_clock::time_point registered_at;  // for the census's oldest age
};

// Id of the newest task; 0 before any was registered.
[[nodiscard]] task_id last_task_id();
// How many live tasks have ids above `after`. One lock, no allocation.
[[nodiscard]] std::size_t count_live_after(task_id after);
// Copies of every live task (not only those after some id: an awaiter may be older), in id order.
void live_tasks(std::vector<task_record>& out);

}  // namespace weft::tasks
