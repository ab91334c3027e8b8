#include "cli/shrink.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <exception>
#include <filesystem>
#include <optional>
#include <thread>

#include "cli/child_events.hpp"
#include "cli/protocol.hpp"
#include "sched/schedule_file.hpp"
#include "sched/shrink.hpp"
#include "sched/story.hpp"
#include "sched/strategies/guided.hpp"

namespace weft::cli {
namespace {

// What makes two failures the same for shrinking, as in-process explore judges it: the kind, and
// where it failed: the first frames of the stack a failed check or an exception was raised at, or the
// first frame of each of a race's two accesses. Never the stacks of blocked threads (a deadlock's):
// which thread is listed first, and where the others wait, may differ for the same deadlock. Frames
// name functions and lines, never addresses.
std::string failure_signature(const verdict& judged) {
  std::string signature = judged.kind;
  const std::string_view report = judged.report;
  const auto next_frames = [&](std::size_t from, int count) {
    while (count > 0 && from < report.size()) {
      const std::size_t end = std::min(report.find('\n', from), report.size());
      const std::string_view line = report.substr(from, end - from);
      if (line.starts_with("  #")) {
        signature.append("\n").append(line);
        --count;
      }
      from = end + 1;
    }
  };
  if (const std::size_t failed_here = report.find(" failed here:\n"); failed_here != std::string_view::npos) {
    next_frames(failed_here, 3);
  } else if (judged.kind == "race") {
    const std::size_t first = report.find(" by thread ");
    if (first != std::string_view::npos) {
      next_frames(first, 1);
      if (const std::size_t second = report.find(" by thread ", first + 1); second != std::string_view::npos)
        next_frames(second, 1);
    }
  }
  return signature;
}

// The line "(found by guided after 1 schedule, 44 steps in the failing run)" of a shrink's run says
// how the exploration found it in `found`'s words, with the shrunk run's steps.
void keep_found_by(std::string& report, const std::string& found_report) {
  const auto line_at = [](const std::string& text) { return text.find("\n(found by "); };
  const std::size_t shrunk_at = line_at(report);
  const std::size_t found_at = line_at(found_report);
  if (shrunk_at == std::string::npos || found_at == std::string::npos) return;
  const std::size_t shrunk_comma = report.find(", ", shrunk_at);
  const std::size_t found_comma = found_report.find(", ", found_at);
  if (shrunk_comma == std::string::npos || found_comma == std::string::npos) return;
  report.replace(shrunk_at, shrunk_comma - shrunk_at, found_report, found_at, found_comma - found_at);
}

}  // namespace

verdict shrink_failure(const verdict& found, const schedule_runner& run_schedule) {
  if (!found.failed || found.replay.empty() || found.uncontrolled) return found;
  const std::string wanted = failure_signature(found);
  std::optional<verdict> last;  // the last try that failed the same way
  std::vector<sched::switch_point> last_switches;
  const auto try_once = [&](const std::string& schedule) {
    verdict judged;
    try {
      judged = run_schedule(schedule);
    } catch (const std::exception&) {
      return false;  // the try could not start (its setup failed): it shows nothing
    }
    if (!judged.failed || judged.uncontrolled || judged.diverged || failure_signature(judged) != wanted)
      return false;
    // A run that died (a signal) could not tell the switches it took: it shows nothing.
    if (judged.story.empty() || judged.replay.empty()) return false;
    std::optional<std::vector<sched::switch_point>> switches = sched::decode_switches(judged.switches);
    if (!switches) return false;
    last_switches = std::move(*switches);
    last = std::move(judged);
    return true;
  };
  if (!try_once(found.replay)) return found;
  verdict best = std::move(*last);
  std::vector<sched::switch_point> best_switches = last_switches;
  const std::size_t original_preemptions = sched::preemptions_in(best_switches);
  const sched::shrink_outcome shrunk = sched::shrink(
      best_switches,
      [&](std::span<const sched::switch_point> guide,
          sched::free_order order) -> std::optional<std::vector<sched::switch_point>> {
        if (!try_once(sched::encode_guide(guide, order))) return std::nullopt;
        // shrink keeps a try with fewer preemptions than its best so far, which is this best too.
        if (sched::preemptions_in(last_switches) < sched::preemptions_in(best_switches)) {
          best = std::move(*last);
          best_switches = last_switches;
        }
        return best_switches;
      },
      sched::shrink_budget{});
  sched::story_context context;
  context.original_preemptions = original_preemptions;
  context.runs = shrunk.runs + 1;
  context.minimal = shrunk.minimal;
  context.shrunk = sched::preemptions_in(best_switches) < original_preemptions;
  keep_found_by(best.report, found.report);
  best.report = sched::story_heading(sched::preemptions_in(best_switches), context) + best.story +
                sched::story_ending(best.message) + best.report;
  return best;
}

schedule_runner schedule_runner_for(const run_options& options, run_starter& starter,
                                    const std::vector<std::string>& program, const std::string& stem) {
  return [&options, &starter, &program, stem](const std::string& schedule) {
    const std::string schedule_path = stem + ".schedule";
    if (!sched::write_schedule_file(schedule_path, schedule, "").empty()) return verdict{};
    const std::string directory = options.directory_for_run();
    launch what = options.launch_for(program, 0, stem, /*show_output=*/false, directory);
    what.settings.emplace_back(replay_variable, schedule_path);
    const pid_t child = starter.start(what);
    const auto deadline = options.deadline_from_now();
    bool timed_out = false;
    program_end end;
    for (;;) {
      int status = 0;
      const pid_t done = waitpid(child, &status, WNOHANG);
      if (done == child) {
        end = end_of(status);
        break;
      }
      if (done < 0 && errno != EINTR) break;
      const auto now = std::chrono::steady_clock::now();
      if (!timed_out && now >= deadline) {
        timed_out = true;
        kill(child, SIGKILL);
      }
      const auto wait = timed_out ? std::chrono::milliseconds(100)
                                  : std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
      await_child_event(std::min(wait, std::chrono::milliseconds(100)));
    }
    verdict judged = options.judge(stem, end, timed_out);
    std::error_code ignored;
    if (!directory.empty()) std::filesystem::remove_all(directory, ignored);
    std::filesystem::remove(stem + ".result", ignored);
    std::filesystem::remove(stem + ".out", ignored);
    std::filesystem::remove(schedule_path, ignored);
    return judged;
  };
}

}  // namespace weft::cli
