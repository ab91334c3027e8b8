#include <algorithm>
#include <cstdio>

#include "leaks/baseline.hpp"
#include "leaks/group.hpp"
#include "leaks/ignore_rules.hpp"
#include "leaks/settle.hpp"
#include "leaks/unexpected_threads.hpp"
#include "platform/threads.hpp"
#include "registry/registry.hpp"
#include "report/stack_detail.hpp"
#include "sched/leak_check_in_run.hpp"
#include "snapshot/describe_threads.hpp"
#include "tasks/describe_tasks.hpp"
#include "tasks/task_registry.hpp"
#include "weft/leaks.hpp"

namespace weft {
namespace {

using namespace std::chrono_literals;

// Unregistering a task wakes nobody (it is meant to cost one lock), so tasks are looked at again this
// often while they settle.
constexpr auto task_poll_interval = 5ms;

std::vector<task_info> unexpected_tasks(const options& opts, const leaks::rule_set& rules) {
  const std::uint64_t after = opts.baseline() != nullptr ? opts.baseline()->last_task : 0;
  std::vector<task_info> tasks = tasks::describe_leaked(after);
  std::erase_if(tasks, [&](const task_info& task) { return rules.ignores(task); });
  return tasks;
}

// Whether no thread or task can have been created since the baseline: the kernel counts as many
// threads, weft saw no thread created and none of those it saw end, and no task was registered. The
// common no-leak teardown ends here, with one fstat and no listing of /proc/self/task. A thread weft
// did not see created (a raw clone()) changes the kernel's count; one that ended while another such
// thread started would leave it unchanged, and is the one case this misses.
bool nothing_new_since(const detail::baseline* baseline) {
  return baseline != nullptr && baseline->thread_count >= 0 &&
         registry::last_birth() == baseline->last_birth && registry::exit_epoch() == baseline->exit_epoch &&
         tasks::last_task_id() == baseline->last_task && platform::thread_count() == baseline->thread_count;
}

leak_report check(const options& opts) {
  // A malformed variable is refused before the settle wait, so that it costs no run its time.
  check_environment();
  const sched::leak_check_in_run in_run(opts.settle_timeout());
  // In a controlled run the check also gives the run's other threads their turns: it takes its whole
  // path, whose scheduling decisions the run's schedule records.
  if (in_run.caller_of_the_run() == 0 && nothing_new_since(opts.baseline().get())) return {};
  const leaks::rule_set rules(opts);
  const bool full_stacks =
      opts.full_stacks() || report::stack_detail_from_environment() == report::stack_detail::full;
  leaks::unexpected_threads finder(opts, rules, in_run.caller_of_the_run());
  const auto deadline = std::chrono::steady_clock::now() + opts.settle_timeout();
  const leaks::survey last = leaks::settle(deadline, [&] {
    leaks::survey found = finder.look();
    found.tasks = unexpected_tasks(opts, rules).size();
    if (found.tasks > 0) {
      found.look_again_at =
          std::min(found.look_again_at, std::chrono::steady_clock::now() + task_poll_interval);
    }
    return found;
  });
  if (last.unexpected.empty() && last.tasks == 0) return {};

  // Only the survivors are signalled for their stacks, now that they had every chance to exit: each
  // is either reported, which needs its stack, or may be ignored by a stack rule, which needs it too.
  // One that left its start routine meanwhile is gone, and describe_threads does not signal it.
  std::vector<thread_info> threads;
  if (!last.unexpected.empty()) {
    threads = snapshots::describe_threads(last.unexpected, snapshot_options().stack_timeout);
    std::erase_if(threads, [&](const thread_info& thread) { return rules.ignores(thread); });
  }
  std::vector<task_info> tasks;
  if (last.tasks > 0) tasks = unexpected_tasks(opts, rules);
  return leak_report(leaks::group_alike(std::move(threads)), leaks::group_alike_tasks(std::move(tasks)))
      .show_full_stacks(full_stacks);
}

}  // namespace

leak_error::leak_error(leak_report report) : std::runtime_error(report.text()), report_(std::move(report)) {}

leak_report find_leaks(const options& opts) {
  if (opts.cleanup()) {
    throw config_error(
        "weft: options::cleanup can only be passed to verify_none or verify_main, not find_leaks");
  }
  return check(opts);
}

void verify_none(const options& opts) {
  leak_report report = check(opts);
  if (opts.cleanup()) opts.cleanup()(!report.empty());
  if (!report.empty()) throw leak_error(std::move(report));
}

int verify_main(int exit_code, const options& opts) {
  leak_report report;
  try {
    report = check(opts);
  } catch (const config_error& error) {
    // At the end of main an exception would only terminate; say what is wrong and fail the run.
    std::fprintf(stderr, "%s\n", error.what());
    return exit_code != 0 ? exit_code : 1;
  }
  if (!report.empty()) std::fputs(report.text().c_str(), stderr);
  if (opts.cleanup()) opts.cleanup()(!report.empty());
  return report.empty() || exit_code != 0 ? exit_code : 1;
}

}  // namespace weft
