#include "sched/failure_report.hpp"

#include <algorithm>
#include <vector>

#include "report/render_stack.hpp"
#include "snapshot/describe_threads.hpp"
#include "symbolize/symbolizer.hpp"
#include "weft/options.hpp"

namespace weft::sched {
namespace {

// WEFT_FULL_STACKS, as leak reports read it. explore refuses a malformed value before the first run;
// here, with a failure to report, a bad value only costs the folding.
report::stack_detail requested_detail(std::string& text) {
  try {
    return report::stack_detail_from_environment();
  } catch (const config_error& error) {
    text.append(error.what()).append("; showing full stacks\n");
    return report::stack_detail::full;
  }
}

// The bad access or second free, then the free before it and the allocation, each with its thread's
// instrumented call stack at the time.
void render_heap_misuse(std::string& text, const heap_misuse& misuse, report::stack_detail detail) {
  const bool second_free = misuse.what == heap_misuse::kind::double_free;
  const struct {
    const char* what;
    const heap_event& event;
  } events[] = {{second_free    ? "freed again"
                 : misuse.write ? "write"
                                : "read",
                 misuse.bad},
                {second_free ? "first freed" : "freed", misuse.freed},
                {"allocated", misuse.allocated}};
  for (const auto& [what, event] : events) {
    stack_trace where;
    where.frames = symbolize::frames(event.pcs, /*first_is_exact=*/false);
    text.append("\n").append(what).append(" by thread ").append(std::to_string(event.thread)).append(":\n");
    report::render_stack(text, where, "  ", report::default_max_frames, detail);
  }
}

}  // namespace

rendered_race render_race(const data_race& race) {
  try {
    return render_race(race, report::stack_detail_from_environment());
  } catch (const config_error&) {
    return render_race(race, report::stack_detail::full);
  }
}

rendered_race render_race(const data_race& race, report::stack_detail detail) {
  rendered_race rendered;
  rendered.text = describe(race) + "\n";
  std::vector<std::string> sites;
  for (const race_access* access : {&race.later, &race.earlier}) {
    stack_trace where;
    where.frames = symbolize::frames(access->pcs, /*first_is_exact=*/false);
    if (access == &race.earlier) rendered.text += "earlier ";
    if (access->atomic) rendered.text += "atomic ";
    rendered.text += access->write ? "write" : "read";
    rendered.text += " by thread ";
    rendered.text += std::to_string(access->thread);
    rendered.text += ":\n";
    report::render_stack(rendered.text, where, "  ", report::default_max_frames, detail);
    // Addresses differ from process to process; the source line of the access does not.
    sites.push_back(where.frames.empty() ? "?" : where.frames.front().location());
  }
  std::sort(sites.begin(), sites.end());
  rendered.key = sites[0] + " / " + sites[1];
  return rendered;
}

std::string render_failure(const run_outcome& outcome, std::string_view replay, std::size_t schedules,
                           std::string_view strategy) {
  std::string text = outcome.message;
  text += "\n(found by " + std::string(strategy) + " after " + std::to_string(schedules) + " schedule" +
          (schedules == 1 ? "" : "s") + ", " + std::to_string(outcome.steps) + " steps in the failing run";
  if (outcome.uncontrolled) text += "; the run was uncontrolled, so the replay may not reproduce it";
  text += ")\n";
  const report::stack_detail detail = requested_detail(text);
  if (!outcome.failure_pcs.empty()) {
    stack_trace where;
    where.frames = symbolize::frames(outcome.failure_pcs, /*first_is_exact=*/false);
    text.append("\nthread ").append(std::to_string(outcome.failing_thread)).append(" failed here:\n");
    report::render_stack(text, where, "  ", report::default_max_frames, detail);
  }
  if (outcome.heap_error) render_heap_misuse(text, *outcome.heap_error, detail);
  for (const data_race& race : outcome.races) text.append("\n").append(render_race(race, detail).text);
  if (!outcome.tids.empty()) {
    // The threads are parked where they failed: their stacks show where each one waits.
    for (const thread_info& thread :
         snapshots::describe_threads(outcome.tids, snapshot_options().stack_timeout)) {
      text += "\n";
      report::render_thread(text, thread, {}, detail);
    }
  }
  text += "\nReproduce: WEFT_REPLAY=" + std::string(replay) + "\n";
  return text;
}

}  // namespace weft::sched
