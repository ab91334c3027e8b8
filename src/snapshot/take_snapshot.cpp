#include <algorithm>
#include <string>
#include <system_error>

#include "platform/threads.hpp"
#include "registry/registry.hpp"
#include "snapshot/describe_threads.hpp"
#include "snapshot/wait_reason.hpp"
#include "symbolize/runtime_frames.hpp"
#include "symbolize/symbolizer.hpp"
#include "tasks/describe_tasks.hpp"
#include "weft/options.hpp"
#include "weft/snapshot.hpp"

namespace weft {
namespace snapshots {

creation_record creation_of(int tid) {
  creation_record created;
  if (std::optional<registry::thread_record> record = registry::find_live(tid)) {
    created.how = creation_record::origin::pthread_create;
    created.test = record->test != nullptr ? record->test : "";
    created.creator_tid = record->creator_tid;
    created.stack.frames = symbolize::frames(record->creation_pcs, /*first_is_exact=*/false);
    if (created.stack.frames.empty())
      created.stack.unavailable_reason = "the creation stack could not be unwound";
    if (const stack_frame* creator = symbolize::first_user_frame(created.stack)) created.creator = *creator;
  } else if (registry::existed_at_load(tid)) {
    created.how = creation_record::origin::before_weft_loaded;
  } else {
    created.how = creation_record::origin::unseen;
  }
  return created;
}

std::vector<thread_info> describe_threads(std::span<const int> tids,
                                          std::chrono::milliseconds stack_timeout) {
  std::vector<int> alive;
  std::vector<platform::task_status> statuses;
  alive.reserve(tids.size());
  statuses.reserve(tids.size());
  for (int tid : tids) {
    // A thread that has left its start routine is on its way out: what it still runs (thread-local
    // destructors) is no one's leak, and a signal would only interrupt it.
    if (registry::finished_recently(tid)) continue;
    if (std::optional<platform::task_status> status = platform::read_task(tid)) {
      alive.push_back(tid);
      statuses.push_back(std::move(*status));
    }
  }

  std::vector<platform::captured_stack> stacks = platform::capture_stacks(alive, stack_timeout);

  std::vector<thread_info> threads;
  threads.reserve(alive.size());
  for (std::size_t i = 0; i < alive.size(); ++i) {
    platform::captured_stack& captured = stacks[i];
    if (captured.exited) continue;
    thread_info& thread = threads.emplace_back();
    thread.id = {alive[i], statuses[i].start_time};
    thread.name = statuses[i].name;
    thread.kernel_state = statuses[i].state;
    if (captured.unavailable_reason.empty()) {
      thread.stack.frames = symbolize::frames(captured.pcs, /*first_is_exact=*/true);
      if (thread.stack.frames.empty()) thread.stack.unavailable_reason = "the stack could not be unwound";
    } else {
      thread.stack.unavailable_reason = std::move(captured.unavailable_reason);
    }
    thread.state = describe_wait(statuses[i], thread.stack);
    thread.created = creation_of(alive[i]);
  }
  return threads;
}

}  // namespace snapshots

snapshot take_snapshot(const snapshot_options& options) {
  check_environment();
  std::vector<int> tids;
  if (!platform::list_threads(tids)) {
    throw std::system_error(errno, std::generic_category(),
                            "weft: cannot list the threads in /proc/self/task");
  }
  if (!options.include_caller) std::erase(tids, platform::current_tid());
  return snapshot{snapshots::describe_threads(tids, options.stack_timeout), tasks::describe_all()};
}

}  // namespace weft
