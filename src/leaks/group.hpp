// Leaked threads that look the same are reported once.
#pragma once

#include <vector>

#include "weft/leaks.hpp"

namespace weft::leaks {

// Groups threads with the same creation (origin, test, creation stack), state and stack. Names are
// not part of the key: pool workers are often numbered. Groups come in the order of their first tid.
[[nodiscard]] std::vector<leak_group> group_alike(std::vector<thread_info> threads);

// Groups tasks with the same name, state, creation (test, stack by source location) and async stack
// (names, states and sites). Groups come in the order of their first id.
[[nodiscard]] std::vector<task_group> group_alike_tasks(std::vector<task_info> tasks);

}  // namespace weft::leaks
