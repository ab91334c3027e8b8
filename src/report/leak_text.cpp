// The human leak report: one block per group of look-alike threads, in the groups' order, then one per
// group of look-alike tasks.
#include <algorithm>
#include <string>

#include "report/render_stack.hpp"
#include "report/suggested_rule.hpp"
#include "weft/leaks.hpp"

namespace weft {
namespace {

// Enough tids to find a thread in a debugger or in /proc without flooding the report with a pool.
constexpr std::size_t listed_tids = 10;

// `200 threads (tids 4242, ..., 4251 and 190 more) "worker"`: the start of a group's title line.
std::string group_title(const leak_group& group) {
  const std::vector<thread_info>& threads = group.threads;
  std::string who = std::to_string(threads.size()) + " threads (tids ";
  const std::size_t listed = std::min(threads.size(), listed_tids);
  for (std::size_t i = 0; i < listed; ++i) {
    if (i > 0) who += ", ";
    who += std::to_string(threads[i].id.tid);
  }
  if (threads.size() > listed) who += " and " + std::to_string(threads.size() - listed) + " more";
  who += ") \"" + threads.front().name + "\"";
  const bool names_differ = std::any_of(threads.begin(), threads.end(), [&](const thread_info& thread) {
    return thread.name != threads.front().name;
  });
  if (names_differ) who += " and other names";
  return who;
}

// `3 tasks (ids 12, 13, 14) "job"`: names are part of a task group's key, so they never differ.
std::string task_group_title(const task_group& group) {
  const std::vector<task_info>& tasks = group.tasks;
  std::string who = std::to_string(tasks.size()) + " tasks (ids ";
  const std::size_t listed = std::min(tasks.size(), listed_tids);
  for (std::size_t i = 0; i < listed; ++i) {
    if (i > 0) who += ", ";
    who += std::to_string(tasks[i].id);
  }
  if (tasks.size() > listed) who += " and " + std::to_string(tasks.size() - listed) + " more";
  return who + ") \"" + tasks.front().name + "\"";
}

void render_threads(std::string& out, const std::vector<leak_group>& groups, std::size_t count,
                    report::stack_detail detail) {
  out += "weft: found " + std::to_string(count) + " unexpected thread" + (count == 1 ? "" : "s") + ":\n";
  bool first = true;
  for (const leak_group& group : groups) {
    if (group.threads.empty()) continue;  // a broken invariant of group.cpp must not crash the report
    if (!first) out += "\n";
    first = false;
    report::render_thread(out, group.threads.front(), group.threads.size() > 1 ? group_title(group) : "",
                          detail);
  }
}

void render_tasks(std::string& out, const std::vector<task_group>& groups, std::size_t count,
                  report::stack_detail detail) {
  out += "weft: found " + std::to_string(count) + " unexpected task" + (count == 1 ? "" : "s") + ":\n";
  bool first = true;
  for (const task_group& group : groups) {
    if (group.tasks.empty()) continue;
    if (!first) out += "\n";
    first = false;
    report::render_task(out, group.tasks.front(), group.tasks.size() > 1 ? task_group_title(group) : "",
                        detail);
  }
}

// The last lines: the rule that silences every group, for threads meant to outlive any test.
void render_ignore_rule(std::string& out, const std::vector<leak_group>& groups,
                        const std::vector<task_group>& task_groups) {
  const std::vector<std::string> entries = report::suggested_ignore_entries(groups, task_groups);
  if (entries.empty()) return;
  const char* what = task_groups.empty() ? "threads" : groups.empty() ? "tasks" : "threads and tasks";
  out += std::string("weft: if these ") + what +
         " are meant to live as long as the process, ignore them in every check with\n  " +
         report::weft_ignore_assignment(entries) + "\n";
}

}  // namespace

std::size_t leak_report::task_count() const {
  std::size_t count = 0;
  for (const task_group& group : task_groups_) {
    for (const task_info& task : group.tasks) count += std::max<std::size_t>(task.async_stack.size(), 1);
  }
  return count;
}

std::size_t leak_report::thread_count() const {
  std::size_t count = 0;
  for (const leak_group& group : groups_) count += group.threads.size();
  return count;
}

std::string leak_report::text() const {
  if (empty()) return {};
  const report::stack_detail detail =
      full_stacks_ ? report::stack_detail::full : report::stack_detail::folded;
  std::string out;
  if (!groups_.empty()) render_threads(out, groups_, thread_count(), detail);
  if (!task_groups_.empty()) {
    if (!out.empty()) out += "\n";
    render_tasks(out, task_groups_, task_count(), detail);
  }
  render_ignore_rule(out, groups_, task_groups_);
  return out;
}

}  // namespace weft
