#include <pthread.h>

#include "sched/managed_thread.hpp"

namespace weft::sched {
namespace {

// The only thread-local of the scheduler (the own-code marker is the platform's). Every intercepted call
// of every thread reads it, so it uses the initial-exec model: a plain offset from the thread pointer,
// no __tls_get_addr call.
[[gnu::tls_model("initial-exec")]] thread_local managed_thread* self = nullptr;

// A fork()ed child of a thread in a controlled run has none of the run's other threads to hand the
// baton to: it runs uncontrolled.
[[maybe_unused]] const int forget_run_in_child = pthread_atfork(nullptr, nullptr, [] { self = nullptr; });

}  // namespace

managed_thread* managed_self() {
  return platform::running_own_code() ? nullptr : self;
}
void set_managed_self(managed_thread* thread) {
  self = thread;
}

}  // namespace weft::sched
