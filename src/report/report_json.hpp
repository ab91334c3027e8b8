// The one JSON writer of frames, stacks, creation records and groups of threads and tasks: the leak
// report's JSON (leak_json.cpp) and the census's (src/census/) are written with it.
#pragma once

#include <nlohmann/json.hpp>

#include "weft/leaks.hpp"

namespace weft::report {

[[nodiscard]] nlohmann::json frame_json(const stack_frame& frame);
[[nodiscard]] nlohmann::json stack_json(const stack_trace& stack);
[[nodiscard]] nlohmann::json created_by_json(const creation_record& created);
[[nodiscard]] nlohmann::json group_json(const leak_group& group);
[[nodiscard]] nlohmann::json task_group_json(const task_group& group);
// "created", "running", "suspended", "done".
[[nodiscard]] const char* state_name(task_state state);

}  // namespace weft::report
