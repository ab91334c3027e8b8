#include "snapshot/wait_reason.hpp"

#include <array>
#include <string_view>

#include "symbolize/function_name.hpp"

namespace weft::snapshots {
namespace {

struct futex_user {
  std::string_view function_prefix;
  std::string_view words;
};

// Every futex wait looks alike to the kernel; the library function that asked for it says what the
// thread waits for. The outermost match wins, because it is the call the user's code made: glibc's
// internal helpers below it are often unnamed in a stripped libc, or named after a neighbour.
constexpr std::array futex_users{
    futex_user{"std::condition_variable", "condition_variable wait"},
    futex_user{"std::_V2::condition_variable_any", "condition_variable wait"},
    futex_user{"std::condition_variable_any", "condition_variable wait"},
    futex_user{"pthread_cond_", "condition_variable wait"},
    futex_user{"std::mutex::lock", "mutex lock"},
    futex_user{"std::recursive_mutex::lock", "mutex lock"},
    futex_user{"std::timed_mutex", "mutex lock"},
    futex_user{"pthread_mutex_", "mutex lock"},
    futex_user{"__lll_lock_wait", "mutex lock"},
    futex_user{"std::shared_mutex", "shared_mutex lock"},
    futex_user{"pthread_rwlock_", "shared_mutex lock"},
    futex_user{"std::thread::join", "thread join"},
    futex_user{"pthread_join", "thread join"},
    futex_user{"pthread_timedjoin", "thread join"},
    futex_user{"pthread_clockjoin", "thread join"},
    futex_user{"std::counting_semaphore", "semaphore wait"},
    futex_user{"sem_", "semaphore wait"},
    futex_user{"pthread_barrier_wait", "barrier wait"},
    futex_user{"std::barrier", "barrier wait"},
    futex_user{"std::latch", "latch wait"},
    futex_user{"std::__atomic_wait", "atomic wait"},
    futex_user{"std::__detail::__platform_wait", "atomic wait"},
    futex_user{"std::__detail::__waiter", "atomic wait"},
    futex_user{"pthread_once", "call_once wait"},
    futex_user{"std::call_once", "call_once wait"},
    futex_user{"std::future", "future wait"},
    futex_user{"std::__future_base", "future wait"},
};

std::string_view futex_words(const stack_trace& stack) {
  std::string_view found = "futex wait";
  for (const stack_frame& frame : stack.frames) {
    // Template instances carry a return type in front of their name ("void std::__atomic_wait_...").
    const std::string name = symbolize::parse_function_name(frame.function).qualified();
    for (const futex_user& user : futex_users) {
      if (name.starts_with(user.function_prefix)) {
        found = user.words;
        break;
      }
    }
  }
  return found;
}

std::string with_fd(std::string words, const platform::task_status& status) {
  if (status.fd >= 0) {
    words += "(fd " + std::to_string(status.fd);
    if (!status.fd_target.empty()) words += ": " + status.fd_target;
    words += ")";
  }
  return words;
}

}  // namespace

std::string describe_wait(const platform::task_status& status, const stack_trace& stack) {
  switch (status.state) {
    case 'T':
      return "stopped";
    case 't':
      return "stopped by a debugger";
    case 'Z':
    case 'X':
      return "exiting";
    default:
      break;
  }
  if (status.running) return "running";
  switch (status.call) {
    case platform::blocking_call::futex:
      return std::string(futex_words(stack));
    case platform::blocking_call::sleep:
      return "sleep";
    case platform::blocking_call::poll:
      return with_fd("poll", status);
    case platform::blocking_call::epoll:
      return with_fd("epoll_wait", status);
    case platform::blocking_call::select:
      return "select";
    case platform::blocking_call::wait_child:
      return "waiting for a child process";
    case platform::blocking_call::read:
    case platform::blocking_call::write:
    case platform::blocking_call::accept:
    case platform::blocking_call::connect:
    case platform::blocking_call::receive:
    case platform::blocking_call::send:
    case platform::blocking_call::other:
      return with_fd(status.syscall_name, status);
    case platform::blocking_call::none:
      break;
  }
  if (status.state == 'D')
    return status.wchan.empty() ? "uninterruptible wait" : "uninterruptible wait in " + status.wchan;
  return status.wchan.empty() || status.wchan == "0" ? "sleeping" : "sleeping in " + status.wchan;
}

}  // namespace weft::snapshots
