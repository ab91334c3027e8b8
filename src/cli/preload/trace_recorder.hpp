// `weft replay --trace`: records what a controlled run did, as a run_observer, and writes it in the
// Chrome trace-event format (Perfetto, chrome://tracing): one track per thread of the run, a slice for
// each stretch a thread held the baton, an instant event per scheduling point.
//
// The time axis counts scheduling points: one microsecond per point, so that a trace of the same
// schedule is the same every time. Virtual time (sleeps, timed waits) is an argument of each point.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sched/observer.hpp"

namespace weft::cli {

class trace_recorder final : public sched::run_observer {
 public:
  void run_started(const sched::run& started) override;
  void point_reached(const sched::run& current, sched::thread_id thread, const sched::operation& op) override;
  void switched(const sched::run& current, sched::thread_id from, sched::thread_id to) override;
  void run_ended(const sched::run& ended, const sched::run_outcome& outcome) override;

  // Writes the trace of the last run to `path`, symbolizing each point's call site. Call outside the
  // run (after it ended). Returns false with `error` set when the file cannot be written.
  bool write(const std::string& path, const std::string& program, const std::string& schedule,
             std::string& error) const;

 private:
  struct point {
    std::uint64_t step;
    sched::thread_id thread;
    sched::operation op;
    std::int64_t virtual_ns;
  };
  struct slice {
    sched::thread_id thread;
    std::uint64_t begin;
    std::uint64_t end;
  };
  void close_slice();

  std::vector<point> points_;
  std::vector<slice> slices_;
  std::uint64_t step_ = 0;
  std::uint64_t slice_begin_ = 0;
  sched::thread_id running_ = 0;
  sched::thread_id threads_ = 1;  // highest thread id seen + 1
  bool open_ = false;
};

}  // namespace weft::cli
