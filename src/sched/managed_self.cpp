#include "sched/managed_thread.hpp"

namespace weft::sched {
namespace {

// The only thread-locals of the scheduler.
thread_local managed_thread* self = nullptr;
thread_local int weft_depth = 0;

}  // namespace

managed_thread* managed_self() {
  return weft_depth == 0 ? self : nullptr;
}
void set_managed_self(managed_thread* thread) {
  self = thread;
}

inside_weft::inside_weft() {
  ++weft_depth;
}
inside_weft::~inside_weft() {
  --weft_depth;
}

}  // namespace weft::sched
