// Tasks beyond threads: coroutine frames and executor jobs that leak silently when nobody resumes or
// runs them. A runtime registers each task here; leak checks (weft/leaks.hpp) and snapshots
// (weft/snapshot.hpp) then report the live ones beside threads, with the stack that registered them,
// the test that was running then, and their async stack.
//
// For a C++20 coroutine type, one line in its promise is enough:
//
//   struct promise_type : weft::tracked_promise<promise_type> { ... };
//
// For an executor: register_task when a job is queued, mark_running when a worker takes it,
// unregister_task when it has run (or is discarded). A job still registered at the check is reported.
//
// Every function here is thread-safe, takes one process-wide lock, and never blocks otherwise. Called
// by a thread of a controlled run (weft::explore), none of them is a scheduling point.
//
// The functions compile as C++17; tracked_promise and its helpers exist only where the compiler has
// C++20 coroutines (__cpp_impl_coroutine in C++20 mode).
#pragma once

#if __cplusplus >= 202002L && defined(__cpp_impl_coroutine)
#include <coroutine>
#endif
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

// libweft exports the public API and hides the rest (docs/architecture.md).
#pragma GCC visibility push(default)
namespace weft {

using task_id = std::uint64_t;  // 0 is never a task

// Where a task is suspended. The strings must have static storage duration (string literals,
// __builtin_FILE()): weft keeps the pointers, not copies. `here()` names its own call site.
struct task_site {
  const char* file = nullptr;
  unsigned line = 0;
  const char* function = nullptr;

  [[nodiscard]] static constexpr task_site here(const char* file = __builtin_FILE(),
                                                unsigned line = __builtin_LINE(),
                                                const char* function = __builtin_FUNCTION()) {
    return {file, line, function};
  }
};

// Registers a live task in state `created` and returns its id. Records the calling stack (raw return
// addresses, a few microseconds of unwinding; symbolized only if a report needs it), the running test
// (weft::test_scope) and the calling thread. `name` is copied; an empty name is replaced in reports by
// the function the task was first suspended in, else the function that registered it. Allocates.
[[nodiscard]] task_id register_task(std::string_view name);

// State changes. Unknown ids (0, already unregistered) are ignored, so a runtime need not track
// whether weft saw a task. mark_suspended keeps `where` until the next change.
void mark_running(task_id id);
void mark_suspended(task_id id, task_site where);
void mark_done(task_id id);

// Says that `awaiter` waits for `awaited` to finish: in reports, `awaiter` then appears in `awaited`'s
// async stack (after it) instead of on its own. The link ends when `awaited` is unregistered.
void mark_awaits(task_id awaiter, task_id awaited);

// Removes the task: it is no longer live and never reported. Unknown ids are ignored.
void unregister_task(task_id id);

namespace detail {

// For tracked_promise. `frame` is the coroutine frame's address (coroutine_handle::address());
// `is_done` is asked, under the registry's lock and only while the task is registered (so the frame
// still exists), whether the coroutine finished.
[[nodiscard]] task_id register_coroutine(void* frame, bool (*is_done)(void* frame));
// The task whose coroutine frame is at `frame`; 0 when none is registered there.
[[nodiscard]] task_id task_of_frame(void* frame);

}  // namespace detail

#if __cplusplus >= 202002L && defined(__cpp_impl_coroutine)
namespace detail {

template <class A>
decltype(auto) awaiter_of(A&& awaitable) {
  if constexpr (requires { static_cast<A&&>(awaitable).operator co_await(); }) {
    return static_cast<A&&>(awaitable).operator co_await();
  } else if constexpr (requires { operator co_await(static_cast<A&&>(awaitable)); }) {
    return operator co_await(static_cast<A&&>(awaitable));
  } else {
    return static_cast<A&&>(awaitable);
  }
}

// Wraps the awaiter of one co_await: records the suspension before the inner awaiter may hand the
// coroutine to another thread, and links the awaited coroutine when the inner awaiter transfers to it.
// An lvalue awaiter is held by reference; anything else by value.
template <class Inner>
class tracked_awaiter {
 public:
  tracked_awaiter(Inner&& inner, task_id id, task_site site)
      : inner_(std::forward<Inner>(inner)), id_(id), site_(site) {}

  bool await_ready() { return inner_.await_ready(); }

  template <class Promise>
  auto await_suspend(std::coroutine_handle<Promise> self) {
    // Copied to the stack first: once the inner awaiter has the handle, another thread may resume and
    // destroy the frame this awaiter lives in.
    const task_id id = id_;
    mark_suspended(id, site_);
    using result = decltype(inner_.await_suspend(self));
    if constexpr (std::is_void_v<result>) {
      inner_.await_suspend(self);
    } else if constexpr (std::is_same_v<result, bool>) {
      return inner_.await_suspend(self);
    } else {
      auto next = inner_.await_suspend(self);
      // Symmetric transfer to a tracked coroutine: that is the one this coroutine awaits.
      if (const task_id awaited = task_of_frame(next.address()); awaited != 0) mark_awaits(id, awaited);
      return next;
    }
  }

  decltype(auto) await_resume() {
    mark_running(id_);
    return inner_.await_resume();
  }

 private:
  std::conditional_t<std::is_lvalue_reference_v<Inner>, Inner, std::remove_cvref_t<Inner>> inner_;
  task_id id_;
  task_site site_;
};

}  // namespace detail

// A base for a coroutine promise type that makes every coroutine of that type a task:
//
//   struct promise_type : weft::tracked_promise<promise_type> { ... };
//
// Creation registers the frame (with the creating stack); every co_await records its site as the
// suspension point and marks the task running again when it resumes; destruction of the frame
// unregisters it. A frame that is never destroyed, or that is still suspended at the check, is reported
// as a leaked task. When a co_await transfers control to another tracked coroutine (symmetric transfer,
// `await_suspend` returning its handle, as lazy task types do), the awaiting coroutine is linked into
// the awaited one's async stack; a runtime that resumes otherwise can call mark_awaits itself.
//
// It defines await_transform: a promise type that needs its own must call
// tracked_promise::await_transform from it. Costs one registry lock per creation, suspension,
// resumption and destruction (tens of nanoseconds uncontended), and one stack capture per creation
// (a few microseconds).
template <class Promise>
class tracked_promise {
 public:
  tracked_promise()
      : id_(detail::register_coroutine(
            std::coroutine_handle<Promise>::from_promise(static_cast<Promise&>(*this)).address(), &is_done)) {
  }
  ~tracked_promise() { unregister_task(id_); }
  tracked_promise(const tracked_promise&) = delete;
  tracked_promise& operator=(const tracked_promise&) = delete;

  template <class Awaitable>
  auto await_transform(Awaitable&& awaitable, const char* file = __builtin_FILE(),
                       unsigned line = __builtin_LINE(), const char* function = __builtin_FUNCTION()) {
    using inner = decltype(detail::awaiter_of(std::forward<Awaitable>(awaitable)));
    return detail::tracked_awaiter<inner>(detail::awaiter_of(std::forward<Awaitable>(awaitable)), id_,
                                          task_site{file, line, function});
  }

  [[nodiscard]] task_id weft_task_id() const { return id_; }

 private:
  static bool is_done(void* frame) { return std::coroutine_handle<Promise>::from_address(frame).done(); }

  task_id id_;
};
#endif  // C++20 coroutines

}  // namespace weft
#pragma GCC visibility pop
