// One task as a block of text, in the shape of a thread's: what it is, where it waits, who waits for
// it, where it came from. Leak reports and snapshots print tasks only through render_task.
#include <string>

#include "report/frame_text.hpp"
#include "report/render_stack.hpp"

namespace weft {

const char* describe(task_state state) {
  switch (state) {
    case task_state::created:
      return "not started";
    case task_state::running:
      return "running";
    case task_state::suspended:
      return "suspended";
    case task_state::done:
      return "finished but never destroyed";
  }
  return "in an unknown state";
}

namespace report {
namespace {

// "suspended at outer at coro.cpp:41", "not started".
std::string state_with_site(task_state state, const stack_frame& site) {
  std::string words = describe(state);
  if (state == task_state::suspended && !is_empty_frame(site)) words.append(" at ").append(site.location());
  return words;
}

void render_async_stack(std::string& out, const task_info& task) {
  for (std::size_t i = 0; i < task.async_stack.size(); ++i) {
    const async_frame& frame = task.async_stack[i];
    out.append("  #")
        .append(std::to_string(i))
        .append(" task ")
        .append(std::to_string(frame.task_id))
        .append(" \"")
        .append(frame.name)
        .append("\" ")
        .append(state_with_site(frame.state, frame.site))
        .append("\n");
  }
}

}  // namespace

void render_task(std::string& out, const task_info& task, std::string_view who, stack_detail detail) {
  if (who.empty()) {
    out.append("Task ").append(std::to_string(task.id)).append(" \"").append(task.name).append("\"");
  } else {
    out.append(who);
  }
  out.append(" ").append(state_with_site(task.state, task.suspended_at));
  const bool awaited = task.async_stack.size() > 1;
  if (awaited || task.state == task_state::suspended) {
    out.append(awaited ? ", awaited by " + std::to_string(task.async_stack.size() - 1) + " more; " : "; ");
    out.append("async stack, innermost first:\n");
    render_async_stack(out, task);
  } else {
    out.append("\n");
  }
  const creation_record& created = task.created;
  out.append("created by ");
  out.append(is_empty_frame(created.creator) ? "an unknown function" : created.creator.location());
  if (!created.test.empty()) out.append(" in test ").append(created.test);
  out.append("\n");
  render_stack(out, created.stack, "  ", default_max_frames, detail);
}

}  // namespace report
}  // namespace weft
