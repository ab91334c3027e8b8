// A minimal lazy coroutine task type, tracked by weft in one line, and an event to await. Lazy tasks
// start when awaited and hand control to the awaited coroutine by symmetric transfer, as most task
// libraries do; that is what lets weft link an awaiting coroutine into the awaited one's async stack.
#pragma once

#include <coroutine>
#include <exception>
#include <utility>
#include <weft/tasks.hpp>

namespace tasks_test {

class task {
 public:
  struct promise_type : weft::tracked_promise<promise_type> {
    std::coroutine_handle<> continuation;

    task get_return_object() { return task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct final_awaiter {
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> self) noexcept {
        std::coroutine_handle<> next = self.promise().continuation;
        return next ? next : std::noop_coroutine();
      }
      void await_resume() noexcept {}
    };
    final_awaiter final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };

  task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  task& operator=(task&&) = delete;
  ~task() {
    if (handle_) handle_.destroy();
  }

  // Starts an outermost task (one nobody awaits).
  void start() { handle_.resume(); }
  [[nodiscard]] bool done() const { return handle_.done(); }
  // Gives up the frame without destroying it: the bug of a runtime that loses track of a coroutine.
  void forget() { handle_ = {}; }

  auto operator co_await() && noexcept {
    struct awaiter {
      std::coroutine_handle<promise_type> callee;
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
        callee.promise().continuation = caller;
        return callee;
      }
      void await_resume() noexcept {}
    };
    return awaiter{handle_};
  }

 private:
  explicit task(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

// Resumes the one coroutine waiting for it when set.
class event {
 public:
  bool await_ready() const noexcept { return set_; }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { waiter_ = waiter; }
  void await_resume() noexcept {}
  void set() {
    set_ = true;
    if (std::coroutine_handle<> waiter = std::exchange(waiter_, {})) waiter.resume();
  }

 private:
  std::coroutine_handle<> waiter_;
  bool set_ = false;
};

}  // namespace tasks_test
