#include "sched/operation.hpp"

namespace weft::sched {
namespace {

bool only_reads(op_kind kind) {
  return kind == op_kind::atomic_load || kind == op_kind::read_lock;
}

}  // namespace

std::string_view name_of(op_kind kind) {
  switch (kind) {
    case op_kind::start:
      return "start";
    case op_kind::create:
      return "create";
    case op_kind::join:
      return "join";
    case op_kind::exit:
      return "exit";
    case op_kind::detach:
      return "detach";
    case op_kind::mutex_lock:
      return "mutex_lock";
    case op_kind::mutex_trylock:
      return "mutex_trylock";
    case op_kind::mutex_unlock:
      return "mutex_unlock";
    case op_kind::read_lock:
      return "read_lock";
    case op_kind::cond_wait:
      return "cond_wait";
    case op_kind::cond_signal:
      return "cond_signal";
    case op_kind::cond_broadcast:
      return "cond_broadcast";
    case op_kind::sem_wait:
      return "sem_wait";
    case op_kind::sem_post:
      return "sem_post";
    case op_kind::barrier_wait:
      return "barrier_wait";
    case op_kind::futex_wait:
      return "futex_wait";
    case op_kind::futex_wake:
      return "futex_wake";
    case op_kind::sleep:
      return "sleep";
    case op_kind::yield:
      return "yield";
    case op_kind::user_point:
      return "yield_point";
    case op_kind::atomic_load:
      return "atomic_load";
    case op_kind::atomic_store:
      return "atomic_store";
    case op_kind::atomic_rmw:
      return "atomic_rmw";
    case op_kind::run_end:
      return "run_end";
    case op_kind::after_release:
      return "after_release";
    case op_kind::time_out:
      return "time_out";
  }
  // Only a value cast from outside the enumeration gets here; a report should still print something.
  return "unknown_operation";
}

bool makes_progress(op_kind kind) {
  return kind != op_kind::yield && kind != op_kind::user_point && kind != op_kind::atomic_load &&
         kind != op_kind::after_release;
}

// Signals, trylocks and posts all change what the next operation on the object sees, so only two
// pure reads commute.
bool conflicts(op_kind a, op_kind b) {
  if (a == op_kind::after_release || b == op_kind::after_release) return false;
  return !(only_reads(a) && only_reads(b));
}

}  // namespace weft::sched
