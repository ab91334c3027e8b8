// The scheduling points and checks a test writes itself.
#include <stdexcept>
#include <string>

#include "sched/controlled_calls.hpp"
#include "sched/run.hpp"
#include "weft/atomic.hpp"
#include "weft/sched.hpp"

namespace weft {

void yield_point() {
  // Where the program called it from, for a failure's story ("its yield_point at queue.cpp:70").
  if (sched::managed_thread* me = sched::managed_self_at(__builtin_return_address(0)))
    sched::controlled_point(*me);
}

void expect(bool condition, std::string_view message) {
  if (condition) return;
  sched::managed_thread* me = sched::managed_self();
  if (me == nullptr) throw std::logic_error("weft::expect failed: " + std::string(message));
  {
    sched::inside_weft internal;
    me->owner->fail(*me, sched::run_end_kind::user_check, "weft: check failed: " + std::string(message));
  }
  // Only the test's own thread gets here: it unwinds the test function.
  throw sched::run_stopped{};
}

namespace detail {

std::atomic<int> controlled_runs{0};

void atomic_point(atomic_access access, const void* object, int memory_order) {
  sched::managed_thread* me = sched::managed_self();
  if (me == nullptr) return;
  sched::inside_weft internal;
  const sched::op_kind kind = access == atomic_access::load    ? sched::op_kind::atomic_load
                              : access == atomic_access::store ? sched::op_kind::atomic_store
                                                               : sched::op_kind::atomic_rmw;
  const auto location = reinterpret_cast<std::uintptr_t>(object);
  me->owner->point(*me, {kind, location, reinterpret_cast<std::uintptr_t>(__builtin_return_address(0))});
  me->owner->atomic_done(*me, location, access, memory_order);
}

void after_release_point(const void* object) {
  sched::managed_thread* me = sched::managed_self();
  if (me == nullptr) return;
  sched::inside_weft internal;
  me->owner->after_release(*me, reinterpret_cast<std::uintptr_t>(object));
}

}  // namespace detail
}  // namespace weft
