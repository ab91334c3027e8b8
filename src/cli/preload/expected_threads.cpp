#include "cli/preload/expected_threads.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "leaks/ignore_rules.hpp"
#include "snapshot/describe_threads.hpp"

namespace weft::cli {

bool forgive_expected_threads(sched::run_outcome& outcome) {
  if (outcome.kind != sched::run_end_kind::leak) return false;
  std::vector<thread_info> threads;
  try {
    const leaks::rule_set rules{options()};
    threads = snapshots::describe_threads(outcome.tids, snapshot_options().stack_timeout);
    std::erase_if(threads, [&](const thread_info& thread) { return !rules.ignores(thread); });
  } catch (const std::exception& error) {
    std::fprintf(stderr, "weft: cannot apply the ignore rules: %s\n", error.what());
    return false;
  }
  if (threads.empty()) return false;
  std::vector<int> unexpected;
  for (const int tid : outcome.tids) {
    if (std::none_of(threads.begin(), threads.end(), [&](const thread_info& t) { return t.id.tid == tid; }))
      unexpected.push_back(tid);
  }
  if (unexpected.empty()) {
    outcome.kind = sched::run_end_kind::completed;
    outcome.message.clear();
    outcome.tids.clear();
    return true;
  }
  // The message names one blocked thread per line, "  thread <id> (tid <tid>) waits in ...": keep the
  // lines of the threads that are still a leak.
  std::string kept = "weft: " + std::to_string(unexpected.size()) +
                     " thread(s) were still blocked when the test function returned (" +
                     std::to_string(threads.size()) + " more matched ignore rules):";
  std::size_t at = outcome.message.find('\n');
  while (at != std::string::npos) {
    const std::size_t end = outcome.message.find('\n', at + 1);
    const std::string line = outcome.message.substr(at, end == std::string::npos ? end : end - at);
    const bool ignored = std::any_of(threads.begin(), threads.end(), [&](const thread_info& t) {
      return line.find("(tid " + std::to_string(t.id.tid) + ")") != std::string::npos;
    });
    if (!ignored) kept += line;
    at = end;
  }
  outcome.message = std::move(kept);
  outcome.tids = std::move(unexpected);
  return true;
}

}  // namespace weft::cli
