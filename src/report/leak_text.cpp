// The human leak report: one block per group of look-alike threads, in the groups' order.
#include <algorithm>
#include <string>

#include "report/render_stack.hpp"
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

}  // namespace

std::size_t leak_report::thread_count() const {
  std::size_t count = 0;
  for (const leak_group& group : groups_) count += group.threads.size();
  return count;
}

std::string leak_report::text() const {
  if (empty()) return {};
  const std::size_t count = thread_count();
  std::string out =
      "weft: found " + std::to_string(count) + " unexpected thread" + (count == 1 ? "" : "s") + ":\n";
  bool first = true;
  for (const leak_group& group : groups_) {
    if (group.threads.empty()) continue;  // a broken invariant of group.cpp must not crash the report
    if (!first) out += "\n";
    first = false;
    report::render_thread(out, group.threads.front(), group.threads.size() > 1 ? group_title(group) : "");
  }
  return out;
}

}  // namespace weft
