// Leak checks: which threads are still alive that should not be.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "weft/options.hpp"
#include "weft/snapshot.hpp"

// libweft exports the public API and hides the rest (docs/architecture.md).
#pragma GCC visibility push(default)
namespace weft {

// Leaked threads that look the same: the same creation stack, creating test, state and stack. Two
// hundred workers of one pool print once, as "200 threads".
struct leak_group {
  std::vector<thread_info> threads;  // never empty, in tid order; threads.front() stands for all
};

// Leaked tasks that look the same: the same name, state, async stack sites, creating test and creation
// stack. A task that awaits another leaked task is not a group of its own: it is part of the async
// stack of the task it awaits.
struct task_group {
  std::vector<task_info> tasks;  // never empty, in id order; tasks.front() stands for all
};

// The result of a leak check. Empty means no leak.
class leak_report {
 public:
  leak_report() = default;
  explicit leak_report(std::vector<leak_group> groups, std::vector<task_group> task_groups = {})
      : groups_(std::move(groups)), task_groups_(std::move(task_groups)) {}

  [[nodiscard]] bool empty() const { return groups_.empty() && task_groups_.empty(); }
  [[nodiscard]] std::size_t thread_count() const;
  [[nodiscard]] const std::vector<leak_group>& groups() const { return groups_; }
  // Tasks counted in task_groups(), awaiting tasks folded into async stacks included.
  [[nodiscard]] std::size_t task_count() const;
  [[nodiscard]] const std::vector<task_group>& task_groups() const { return task_groups_; }

  // The human report: "weft: found N unexpected thread(s):" and the threads, then (when tasks leaked)
  // "weft: found M unexpected task(s):" and the tasks, then, when a group's creator is known, the
  // ignore rule that would silence every group, as its last line, ready to paste into a shell:
  // "  WEFT_IGNORE='created_by:Pool::start'". Stacks are folded (options::full_stacks) unless
  // shows_full_stacks(). Empty when empty().
  [[nodiscard]] std::string text() const;
  // The same content as JSON, schema "weft.leak_report" version 1 (docs/json-schema.md), with
  // every frame of every stack whatever shows_full_stacks() says.
  [[nodiscard]] std::string json() const;

  // Whether text() shows every frame: find_leaks sets it from options::full_stacks or
  // WEFT_FULL_STACKS=1.
  leak_report& show_full_stacks(bool full = true) {
    full_stacks_ = full;
    return *this;
  }
  [[nodiscard]] bool shows_full_stacks() const { return full_stacks_; }

 private:
  std::vector<leak_group> groups_;
  std::vector<task_group> task_groups_;
  bool full_stacks_ = false;
};

// Thrown by verify_none. what() is the report's text.
class leak_error : public std::runtime_error {
 public:
  explicit leak_error(leak_report report);
  [[nodiscard]] const leak_report& report() const { return report_; }

 private:
  leak_report report_;
};

// Waits until every unexpected thread has exited and every unexpected task (weft/tasks.hpp) was
// unregistered, or the settle timeout passes, and returns the survivors grouped. A thread or task is
// unexpected unless it is the caller, is covered by the baseline (options::ignore_current: alive or
// registered then), or matches an ignore rule (options, ignore_everywhere, WEFT_IGNORE, or weft's
// defaults). For a task, name rules match its name, created_by its registration stack, and
// top_function/any_function the suspension sites of its async stack.
//
// Settling is event-driven: it returns the moment the last unexpected thread weft saw created has left
// its start routine; threads weft did not see created are polled from /proc, and tasks from weft's task
// registry, every few milliseconds.
// Blocks at most settle_timeout plus one stack capture (snapshot_options::stack_timeout). Only the
// threads still unexpected after settling are signalled, once each, for their stacks: the report and
// the stack-based rules (top_function, any_function) need them. So a thread that exits within the
// settle timeout is never signalled, and one ignored only by a stack rule makes the check wait the
// whole settle timeout. A thread that has left its start routine is never signalled.
// Call from the test's own thread after the code under test returns. Throws config_error for a
// malformed WEFT_* variable (check_environment) or for options that carry a cleanup (only verify_none
// and verify_main run it).
[[nodiscard]] leak_report find_leaks(const options& opts = {});

// find_leaks, then the options' cleanup; throws leak_error when the report is not empty.
void verify_none(const options& opts = {});

// For the end of main(): checks like find_leaks, prints the report to stderr, runs the cleanup, and
// returns the exit code to use: `exit_code` when there is no leak or it is already non-zero, 1 when it
// was 0 and a thread leaked.  Usage: `return weft::verify_main(run_all_tests());`
[[nodiscard]] int verify_main(int exit_code, const options& opts = {});

// What a test-framework integration does with a test's leaks, from the WEFT_LEAKS environment
// variable: fail the test (the default), warn (print the report, let the test pass), or off (no check).
enum class leak_policy { fail, warn, off };

// Reads WEFT_LEAKS: unset, empty or "fail", "warn", "off". Throws config_error naming the variable
// and the value seen for anything else.
[[nodiscard]] leak_policy leak_policy_from_environment();

}  // namespace weft
#pragma GCC visibility pop
