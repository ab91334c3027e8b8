#include "leaks/group.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace weft::leaks {
namespace {

std::vector<std::uintptr_t> pcs_of(const stack_trace& stack) {
  std::vector<std::uintptr_t> pcs;
  pcs.reserve(stack.frames.size());
  for (const stack_frame& frame : stack.frames) pcs.push_back(frame.pc);
  return pcs;
}

using group_key = std::tuple<int, std::string, std::vector<std::uintptr_t>, std::string, std::string,
                             std::vector<std::uintptr_t>>;

group_key key_of(const thread_info& thread) {
  return {static_cast<int>(thread.created.how), thread.created.test,
          pcs_of(thread.created.stack),         thread.state,
          thread.stack.unavailable_reason,      pcs_of(thread.stack)};
}

using task_key = std::tuple<std::string, int, std::string, std::string, std::string>;

// Source locations rather than pcs: jobs submitted from one line of an unrolled loop are one group.
std::string locations_of(const stack_trace& stack) {
  std::string key = stack.unavailable_reason;
  for (const stack_frame& frame : stack.frames) key.append(frame.location()).append("\n");
  return key;
}

// The async stack as text: names, states and sites, which is what a reader compares.
std::string async_stack_key(const task_info& task) {
  std::string key;
  for (const async_frame& frame : task.async_stack) {
    key.append(frame.name).append("|").append(std::to_string(static_cast<int>(frame.state))).append("|");
    key.append(frame.site.file).append(":").append(std::to_string(frame.site.line)).append("\n");
  }
  return key;
}

task_key key_of(const task_info& task) {
  return {task.name, static_cast<int>(task.state), task.created.test, locations_of(task.created.stack),
          async_stack_key(task)};
}

}  // namespace

std::vector<task_group> group_alike_tasks(std::vector<task_info> tasks) {
  std::sort(tasks.begin(), tasks.end(), [](const task_info& a, const task_info& b) { return a.id < b.id; });
  std::vector<task_group> groups;
  std::map<task_key, std::size_t> index_of;
  for (task_info& task : tasks) {
    auto [where, inserted] = index_of.try_emplace(key_of(task), groups.size());
    if (inserted) groups.emplace_back();
    groups[where->second].tasks.push_back(std::move(task));
  }
  return groups;
}

std::vector<leak_group> group_alike(std::vector<thread_info> threads) {
  std::sort(threads.begin(), threads.end(),
            [](const thread_info& a, const thread_info& b) { return a.id.tid < b.id.tid; });
  std::vector<leak_group> groups;
  std::map<group_key, std::size_t> index_of;
  for (thread_info& thread : threads) {
    auto [where, inserted] = index_of.try_emplace(key_of(thread), groups.size());
    if (inserted) groups.emplace_back();
    groups[where->second].threads.push_back(std::move(thread));
  }
  return groups;
}

}  // namespace weft::leaks
