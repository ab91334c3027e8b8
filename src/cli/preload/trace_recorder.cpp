#include "cli/preload/trace_recorder.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "sched/run.hpp"
#include "symbolize/symbolizer.hpp"

namespace weft::cli {
namespace {

// The operand's kind in words, for the trace's args: what object an operation's address is.
const char* object_kind(sched::op_kind kind) {
  using sched::op_kind;
  switch (kind) {
    case op_kind::mutex_lock:
    case op_kind::mutex_trylock:
    case op_kind::mutex_unlock:
    case op_kind::read_lock:
      return "mutex";
    case op_kind::cond_wait:
    case op_kind::cond_signal:
    case op_kind::cond_broadcast:
      return "condition variable";
    case op_kind::sem_wait:
    case op_kind::sem_post:
      return "semaphore";
    case op_kind::barrier_wait:
      return "barrier";
    case op_kind::futex_wait:
    case op_kind::futex_wake:
      return "futex word";
    case op_kind::join:
    case op_kind::create:
      return "thread";
    case op_kind::atomic_load:
    case op_kind::atomic_store:
    case op_kind::atomic_rmw:
      return "address";
    default:
      return "object";
  }
}

std::string hex(std::uintptr_t value) {
  char text[32];
  std::snprintf(text, sizeof text, "%#zx", static_cast<std::size_t>(value));
  return text;
}

// The program's own line for a call site: inlined library frames (std::mutex::lock inside
// <mutex>) say less than the line of the program that called them.
std::string source_of(std::uintptr_t site) {
  if (site == 0) return "";
  const std::vector<stack_frame> frames = symbolize::frames({&site, 1}, /*first_is_exact=*/false);
  if (frames.empty()) return hex(site);
  for (const stack_frame& frame : frames) {
    if (!frame.file.empty() && frame.file.rfind("/usr/", 0) != 0) return frame.location();
  }
  return frames.back().location();
}

}  // namespace

void trace_recorder::run_started(const sched::run&) {
  points_.clear();
  slices_.clear();
  step_ = 0;
  slice_begin_ = 0;
  running_ = 0;
  threads_ = 1;
  open_ = true;
}

void trace_recorder::point_reached(const sched::run& current, sched::thread_id thread,
                                   const sched::operation& op) {
  // A thread released by the watchdog, or a run's first point, can reach a point without a switch.
  if (thread != running_) {
    close_slice();
    running_ = thread;
    open_ = true;
  }
  points_.push_back({step_, thread, op, current.now_ns()});
  ++step_;
  threads_ = std::max(threads_, thread + 1);
}

void trace_recorder::switched(const sched::run&, sched::thread_id, sched::thread_id to) {
  close_slice();
  running_ = to;
  open_ = true;
  threads_ = std::max(threads_, to + 1);
}

void trace_recorder::run_ended(const sched::run&, const sched::run_outcome&) {
  close_slice();
}

void trace_recorder::close_slice() {
  if (open_ && step_ > slice_begin_) slices_.push_back({running_, slice_begin_, step_});
  slice_begin_ = step_;
  open_ = false;
}

bool trace_recorder::write(const std::string& path, const std::string& program, const std::string& schedule,
                           std::string& error) const {
  using nlohmann::json;
  // Track ids start at 1: trace viewers treat tid 0 as the idle task.
  const auto track = [](sched::thread_id thread) { return thread + 1; };
  json events = json::array();
  events.push_back(
      {{"ph", "M"}, {"name", "process_name"}, {"pid", 1}, {"tid", 0}, {"args", {{"name", program}}}});
  for (sched::thread_id thread = 0; thread < threads_; ++thread) {
    const std::string name = "thread " + std::to_string(thread) + (thread == 0 ? " (main)" : "");
    events.push_back({{"ph", "M"},
                      {"name", "thread_name"},
                      {"pid", 1},
                      {"tid", track(thread)},
                      {"args", {{"name", name}}}});
    events.push_back({{"ph", "M"},
                      {"name", "thread_sort_index"},
                      {"pid", 1},
                      {"tid", track(thread)},
                      {"args", {{"sort_index", thread}}}});
  }
  for (const slice& ran : slices_) {
    events.push_back({{"ph", "X"},
                      {"name", "runs"},
                      {"cat", "schedule"},
                      {"pid", 1},
                      {"tid", track(ran.thread)},
                      {"ts", ran.begin},
                      {"dur", ran.end - ran.begin}});
  }
  std::map<std::uintptr_t, std::string> sources;
  for (const point& reached : points_) {
    auto [where, inserted] = sources.try_emplace(reached.op.site);
    if (inserted) where->second = source_of(reached.op.site);
    json args = {{"step", reached.step}, {"virtual_time_ns", reached.virtual_ns}};
    if (reached.op.object != 0)
      args["object"] = std::string(object_kind(reached.op.kind)) + " " + hex(reached.op.object);
    if (!where->second.empty()) args["source"] = where->second;
    events.push_back({{"ph", "i"},
                      {"s", "t"},
                      {"name", std::string(sched::name_of(reached.op.kind))},
                      {"cat", "point"},
                      {"pid", 1},
                      {"tid", track(reached.thread)},
                      {"ts", reached.step},
                      {"args", std::move(args)}});
  }
  const json trace = {{"traceEvents", std::move(events)},
                      {"displayTimeUnit", "ns"},
                      {"otherData",
                       {{"schedule", schedule},
                        {"time_axis", "one microsecond per scheduling point"},
                        {"threads", threads_}}}};
  std::ofstream out(path, std::ios::trunc);
  if (out) out << trace.dump(1) << '\n';
  if (!out) {
    error = "weft replay: cannot write the trace to " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace weft::cli
