// Which threads are running weft's own code. Every interposer and instrumentation hook that would make a
// call a scheduling point asks this first: weft's own locks and allocations (in a controlled call, the
// task registry, a leak check made by a managed thread) must never become scheduling points themselves.
// The marker lives here, below every room that takes weft's own locks, so that none of them needs the
// scheduler for it.
#pragma once

namespace weft::platform {

namespace detail {
// How many own_code_sections the calling thread is inside. Initial-exec: read by every intercepted call
// of every thread, it is a plain offset from the thread pointer.
[[gnu::tls_model("initial-exec")]] extern constinit thread_local int own_code_depth;
}  // namespace detail

// While alive, the calling thread runs weft's own code. Sections nest. Not copyable: one per scope.
class own_code_section {
 public:
  own_code_section() noexcept { ++detail::own_code_depth; }
  ~own_code_section() { --detail::own_code_depth; }
  own_code_section(const own_code_section&) = delete;
  own_code_section& operator=(const own_code_section&) = delete;
};

// True inside an own_code_section.
[[nodiscard]] inline bool running_own_code() noexcept {
  return detail::own_code_depth != 0;
}

}  // namespace weft::platform
