// Teaching a run_coverage what a run did without running threads: the notes a controlled run's
// observer calls would make, one point at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "sched/operation.hpp"
#include "sched/strategies/run_coverage.hpp"

namespace weft_test {

using weft::sched::op_kind;
using weft::sched::run_coverage;
using weft::sched::thread_id;

// One run in which each (thread, operation) pair reaches its point in order, the baton passing to a
// thread as it reaches its point; a thread's operation is performed when that thread reaches its next
// point, or at the exit point every thread reaches at the end.
inline void teach_run(run_coverage& coverage,
                      const std::vector<std::pair<thread_id, weft::sched::operation>>& steps) {
  coverage.note_start();
  thread_id last = 0;
  thread_id most = 0;
  for (const auto& [thread, op] : steps) {
    coverage.note_point(thread, op);
    if (thread != last) coverage.note_switch(last, thread);
    last = thread;
    most = std::max(most, thread);
  }
  for (thread_id thread = 0; thread <= most; ++thread) coverage.note_point(thread, {op_kind::exit, 0, 0x10});
  coverage.note_end();
}

inline weft::sched::operation at(op_kind kind, std::uintptr_t object, std::uintptr_t site) {
  return {kind, object, site, true};
}

}  // namespace weft_test
