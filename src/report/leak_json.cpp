// The leak report as JSON, schema "weft.leak_report" version 1. docs/json-schema.md describes every
// field; a change here that is not additive needs a new version there.
#include <nlohmann/json.hpp>

#include "report/frame_text.hpp"
#include "report/report_json.hpp"
#include "symbolize/runtime_frames.hpp"
#include "weft/leaks.hpp"

namespace weft {
namespace report {

using nlohmann::json;

json frame_json(const stack_frame& frame) {
  return {
      {"pc", report::hex_address(frame.pc)},
      {"function", frame.function},
      {"file", frame.file},
      {"line", frame.line},
      {"module", frame.module},
      {"module_offset", report::hex_address(frame.module_offset)},
  };
}

json stack_json(const stack_trace& stack) {
  if (!stack.available()) return {{"available", false}, {"reason", stack.unavailable_reason}};
  json frames = json::array();
  for (const stack_frame& frame : stack.frames) frames.push_back(frame_json(frame));
  return {{"available", true}, {"frames", std::move(frames)}};
}

namespace {

const char* origin_name(creation_record::origin how) {
  switch (how) {
    case creation_record::origin::pthread_create:
      return "pthread_create";
    case creation_record::origin::before_weft_loaded:
      return "before_weft_loaded";
    case creation_record::origin::unseen:
      return "unseen";
    case creation_record::origin::register_task:
      return "register_task";
  }
  return "unseen";
}

}  // namespace

json created_by_json(const creation_record& created) {
  return {
      {"origin", origin_name(created.how)},
      {"test", created.test},
      {"creator", report::is_empty_frame(created.creator) ? json(nullptr) : frame_json(created.creator)},
      {"creator_tid", created.creator_tid},
      {"stack", stack_json(created.stack)},
  };
}

json group_json(const leak_group& group) {
  const thread_info& first = group.threads.front();
  json threads = json::array();
  for (const thread_info& thread : group.threads) {
    threads.push_back({{"tid", thread.id.tid}, {"start_time", thread.id.start_time}, {"name", thread.name}});
  }
  return {
      {"count", group.threads.size()},
      {"threads", std::move(threads)},
      {"kernel_state", std::string(1, first.kernel_state)},
      {"state", first.state},
      {"top_function", symbolize::top_function(first.stack)},
      {"stack", stack_json(first.stack)},
      {"created_by", created_by_json(first.created)},
  };
}

const char* state_name(task_state state) {
  switch (state) {
    case task_state::created:
      return "created";
    case task_state::running:
      return "running";
    case task_state::suspended:
      return "suspended";
    case task_state::done:
      return "done";
  }
  return "created";
}

namespace {

// A suspension site carries function, file and line only; the rest of a frame's fields stay empty.
json site_json(const stack_frame& site) {
  return report::is_empty_frame(site) ? json(nullptr) : frame_json(site);
}

}  // namespace

json task_group_json(const task_group& group) {
  const task_info& first = group.tasks.front();
  json tasks = json::array();
  for (const task_info& task : group.tasks) tasks.push_back({{"id", task.id}, {"name", task.name}});
  json async_stack = json::array();
  for (const async_frame& frame : first.async_stack) {
    async_stack.push_back({{"id", frame.task_id},
                           {"name", frame.name},
                           {"state", state_name(frame.state)},
                           {"site", site_json(frame.site)}});
  }
  return {
      {"count", group.tasks.size()},           {"tasks", std::move(tasks)},
      {"state", state_name(first.state)},      {"suspended_at", site_json(first.suspended_at)},
      {"async_stack", std::move(async_stack)}, {"created_by", created_by_json(first.created)},
  };
}

}  // namespace report

std::string leak_report::json() const {
  using report::group_json;
  using report::task_group_json;
  nlohmann::json groups = nlohmann::json::array();
  for (const leak_group& group : groups_) {
    if (!group.threads.empty()) groups.push_back(group_json(group));
  }
  nlohmann::json task_groups = nlohmann::json::array();
  for (const task_group& group : task_groups_) {
    if (!group.tasks.empty()) task_groups.push_back(task_group_json(group));
  }
  const nlohmann::json document = {
      {"schema", "weft.leak_report"},   {"version", 1},
      {"thread_count", thread_count()}, {"groups", std::move(groups)},
      {"task_count", task_count()},     {"task_groups", std::move(task_groups)},
  };
  // Thread names and paths come from the kernel and from ELF files as raw bytes; a name that is not
  // UTF-8 is printed with U+FFFD instead of failing the whole report.
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace weft
