// One thread as a block of text: what it is, what it does, where it stands, where it came from.
// Leak reports and snapshots print threads only through render_thread.
#include <string>

#include "report/frame_text.hpp"
#include "report/render_stack.hpp"
#include "symbolize/runtime_frames.hpp"

namespace weft {
namespace report {
namespace {

void render_title(std::string& out, const thread_info& thread, std::string_view who) {
  if (who.empty()) {
    out.append("Thread ")
        .append(std::to_string(thread.id.tid))
        .append(" \"")
        .append(thread.name)
        .append("\"");
  } else {
    out.append(who);
  }
  // The snapshot always words the state; the kernel's letter is the fallback for hand-built values.
  out.append(" in state ").append(thread.state.empty() ? std::string(1, thread.kernel_state) : thread.state);
  if (!thread.stack.available()) {
    out.append(", stack unavailable: ").append(thread.stack.unavailable_reason).append("\n");
  } else if (thread.stack.frames.empty()) {
    out.append(", with an empty stack\n");
  } else {
    out.append(", with ").append(symbolize::top_function(thread.stack)).append(" on top of the stack:\n");
  }
}

void render_creation(std::string& out, const creation_record& created, stack_detail detail) {
  switch (created.how) {
    case creation_record::origin::pthread_create:
      out.append("created by ");
      out.append(is_empty_frame(created.creator) ? "an unknown function" : created.creator.location());
      if (!created.test.empty()) out.append(" in test ").append(created.test);
      out.append("\n");
      render_stack(out, created.stack, "  ", default_max_frames, detail);
      return;
    case creation_record::origin::before_weft_loaded:
      out.append("created before weft was loaded\n");
      return;
    case creation_record::origin::unseen:
      out.append("created without pthread_create, so weft did not see where\n");
      return;
    case creation_record::origin::register_task:
      // A task's creation record on a thread is a caller's mistake; say what it claims.
      out.append("registered as a task, not created as a thread\n");
      return;
  }
}

}  // namespace

void render_thread(std::string& out, const thread_info& thread, std::string_view who, stack_detail detail) {
  render_title(out, thread, who);
  if (thread.stack.available()) render_stack(out, thread.stack, "  ", default_max_frames, detail);
  render_creation(out, thread.created, detail);
}

}  // namespace report

std::string snapshot::text() const {
  std::string out;
  for (const thread_info& thread : threads) {
    if (!out.empty()) out.append("\n");
    report::render_thread(out, thread);
  }
  for (const task_info& task : tasks) {
    if (!out.empty()) out.append("\n");
    report::render_task(out, task);
  }
  return out;
}

}  // namespace weft
