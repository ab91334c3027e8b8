#include "tasks/describe_tasks.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "symbolize/function_name.hpp"
#include "symbolize/runtime_frames.hpp"
#include "symbolize/symbolizer.hpp"
#include "tasks/task_registry.hpp"

namespace weft::tasks {
namespace {

// Deeper chains are cut: no real program awaits through this many coroutines, and a cycle of
// mark_awaits calls must not loop forever.
constexpr std::size_t max_async_depth = 64;

using index = std::unordered_map<task_id, const task_record*>;

// "a::b<int>::b(int)" is a constructor: its last two name components agree, template arguments aside.
bool is_constructor(std::string_view function) {
  const symbolize::function_name name = symbolize::parse_function_name(function);
  return name.is_constructor_or_destructor() && !name.scopes.back().name.starts_with('~');
}

stack_frame frame_of(const task_site& site) {
  stack_frame frame;
  frame.function = site.function != nullptr ? site.function : "";
  frame.file = site.file != nullptr ? site.file : "";
  frame.line = site.line;
  return frame;
}

creation_record creation_of(const task_record& task) {
  creation_record created;
  created.how = creation_record::origin::register_task;
  created.test = task.test != nullptr ? task.test : "";
  created.creator_tid = task.creator_tid;
  std::vector<stack_frame> frames = symbolize::frames(task.creation_pcs, /*first_is_exact=*/false);
  // A coroutine is registered by its promise's constructors (tracked_promise's and the task type's);
  // a constructor cannot be a coroutine, so the stack starts at the first frame that is not one: the
  // coroutine itself, or its caller when the compiler inlined it.
  if (task.coroutine) {
    auto own = std::find_if(frames.begin(), frames.end(),
                            [](const stack_frame& frame) { return !is_constructor(frame.function); });
    frames.erase(frames.begin(), own);
  }
  created.stack.frames = std::move(frames);
  if (created.stack.frames.empty())
    created.stack.unavailable_reason = "the creation stack could not be unwound";
  if (const stack_frame* creator = symbolize::first_user_frame(created.stack)) created.creator = *creator;
  return created;
}

std::string name_of(const task_record& task, const creation_record& created) {
  if (!task.name.empty()) return task.name;
  if (task.first_function != nullptr) return task.first_function;
  return created.creator.function;
}

task_info describe(const task_record& task, const index& by_id) {
  task_info info;
  info.id = task.id;
  info.created = creation_of(task);
  info.name = name_of(task, info.created);
  info.state = task.state;
  if (task.state == task_state::suspended) info.suspended_at = frame_of(task.site);
  std::unordered_set<task_id> seen;
  for (const task_record* link = &task; link != nullptr && info.async_stack.size() < max_async_depth;) {
    if (!seen.insert(link->id).second) break;
    async_frame& frame = info.async_stack.emplace_back();
    frame.task_id = link->id;
    frame.name = link == &task ? info.name : name_of(*link, creation_of(*link));
    frame.state = link->state;
    if (link->state == task_state::suspended) frame.site = frame_of(link->site);
    auto next = by_id.find(link->awaiter);
    link = next != by_id.end() ? next->second : nullptr;
  }
  return info;
}

index index_of(const std::vector<task_record>& records) {
  index by_id;
  for (const task_record& task : records) by_id.emplace(task.id, &task);
  return by_id;
}

}  // namespace

std::vector<task_info> describe_all() {
  std::vector<task_record> records;
  live_tasks(records);
  const index by_id = index_of(records);
  std::vector<task_info> infos;
  infos.reserve(records.size());
  for (const task_record& task : records) infos.push_back(describe(task, by_id));
  return infos;
}

std::vector<task_info> describe_leaked(task_id after) {
  std::vector<task_info> infos;
  if (count_live_after(after) == 0) return infos;
  std::vector<task_record> records;
  live_tasks(records);
  const index by_id = index_of(records);
  std::unordered_set<task_id> awaiting_a_leak;
  for (const task_record& task : records) {
    if (task.id > after && task.awaiter != 0) awaiting_a_leak.insert(task.awaiter);
  }
  for (const task_record& task : records) {
    if (task.id > after && !awaiting_a_leak.contains(task.id)) infos.push_back(describe(task, by_id));
  }
  return infos;
}

}  // namespace weft::tasks
