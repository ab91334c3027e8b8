// The task records. Each is heap-allocated once, in register_task, and freed by unregister_task; the
// maps only point at records. Every entry point is weft's own business in a controlled run: its lock
// must not become a scheduling point, hence platform::own_code_section.
#include "tasks/task_registry.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "platform/own_code.hpp"
#include "platform/threads.hpp"
#include "registry/registry.hpp"

namespace weft::tasks {
namespace {

// As for threads: 64 frames reach well past any executor's submit function.
constexpr std::size_t max_creation_pcs = 64;
// Room for weft's own frames above the caller's, which are cut off before recording.
constexpr int captured_pcs = 72;

struct record {
  task_record fields;
  void* frame = nullptr;  // the coroutine frame, for tracked_promise; nullptr for other tasks
  bool (*is_done)(void*) = nullptr;
};

struct registry_state {
  std::mutex mutex;
  std::map<task_id, std::unique_ptr<record>> live;  // ordered: checks ask for ids above a baseline
  std::unordered_map<void*, task_id> by_frame;
};

// Never destroyed: coroutine frames may be destroyed while static destructors run at exit.
registry_state& state() {
  static registry_state* const instance = new registry_state;
  return *instance;
}

constinit std::atomic<task_id> last_id{0};

task_id add(std::string_view name, void* frame, bool (*is_done)(void*), std::uintptr_t return_address) {
  platform::own_code_section internal;
  std::uintptr_t pcs[captured_pcs];
  const int count = platform::capture_current_stack(pcs, captured_pcs, 0);
  // The stack starts at whoever called into weft: found by value, which inlining cannot make wrong.
  const std::uintptr_t* const end = pcs + count;
  const std::uintptr_t* first = std::find(static_cast<const std::uintptr_t*>(pcs), end, return_address);
  if (first == end) first = pcs;
  auto made = std::make_unique<record>();
  made->frame = frame;
  made->is_done = is_done;
  task_record& fields = made->fields;
  fields.name = name;
  fields.coroutine = frame != nullptr;
  fields.creation_pcs.assign(first, first + std::min<std::size_t>(end - first, max_creation_pcs));
  fields.test = registry::current_test();
  fields.creator_tid = platform::current_tid();
  fields.registered_at = std::chrono::steady_clock::now();
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  // Numbered under the lock so that the map's order is registration order.
  fields.id = last_id.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (frame != nullptr) s.by_frame[frame] = fields.id;
  const task_id id = fields.id;
  s.live.emplace(id, std::move(made));
  return id;
}

template <class Change>
void change(task_id id, Change&& apply) {
  if (id == 0) return;
  platform::own_code_section internal;
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  if (auto it = s.live.find(id); it != s.live.end()) apply(it->second->fields);
}

}  // namespace

task_id last_task_id() {
  return last_id.load(std::memory_order_acquire);
}

std::size_t count_live_after(task_id after) {
  platform::own_code_section internal;
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  return static_cast<std::size_t>(std::distance(s.live.upper_bound(after), s.live.end()));
}

void live_tasks(std::vector<task_record>& out) {
  platform::own_code_section internal;
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  for (const auto& [id, live] : s.live) {
    task_record& copy = out.emplace_back(live->fields);
    // A coroutine reports no state change when it reaches its final suspend point; its frame says so.
    // Asked under the lock, so the frame cannot be destroyed meanwhile (its promise's destructor
    // unregisters through this lock first). done() reads one word the coroutine writes as it suspends;
    // for a coroutine running right now it is still the word of a coroutine that has not finished.
    if (live->is_done != nullptr && live->is_done(live->frame)) {
      copy.state = task_state::done;
    }
  }
}

}  // namespace weft::tasks

namespace weft {

task_id register_task(std::string_view name) {
  return tasks::add(name, nullptr, nullptr, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

void mark_running(task_id id) {
  tasks::change(id, [](tasks::task_record& task) { task.state = task_state::running; });
}

void mark_suspended(task_id id, task_site where) {
  tasks::change(id, [&](tasks::task_record& task) {
    task.state = task_state::suspended;
    task.site = where;
    if (task.first_function == nullptr) task.first_function = where.function;
  });
}

void mark_done(task_id id) {
  tasks::change(id, [](tasks::task_record& task) { task.state = task_state::done; });
}

void mark_awaits(task_id awaiter, task_id awaited) {
  if (awaiter == awaited) return;
  tasks::change(awaited, [&](tasks::task_record& task) { task.awaiter = awaiter; });
}

void unregister_task(task_id id) {
  if (id == 0) return;
  platform::own_code_section internal;
  std::unique_ptr<tasks::record> gone;
  tasks::registry_state& s = tasks::state();
  {
    std::lock_guard lock(s.mutex);
    auto it = s.live.find(id);
    if (it == s.live.end()) return;
    gone = std::move(it->second);
    s.live.erase(it);
    if (gone->frame != nullptr) s.by_frame.erase(gone->frame);
  }
}

namespace detail {

task_id register_coroutine(void* frame, bool (*is_done)(void*)) {
  return tasks::add({}, frame, is_done, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0)));
}

task_id task_of_frame(void* frame) {
  if (frame == nullptr) return 0;
  platform::own_code_section internal;
  tasks::registry_state& s = tasks::state();
  std::lock_guard lock(s.mutex);
  auto it = s.by_frame.find(frame);
  return it != s.by_frame.end() ? it->second : 0;
}

}  // namespace detail
}  // namespace weft
