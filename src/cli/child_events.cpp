#include "cli/child_events.hpp"

#include <signal.h>

#include <cerrno>
#include <ctime>

namespace weft::cli {
namespace {

sigset_t blocked_child_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// Blocked from the command's start, before any child exists: a SIGCHLD that is not blocked while its
// disposition is the default is discarded, and a child ending before the first wait would be missed.
const sigset_t child_signal = blocked_child_signal();

}  // namespace

void await_child_event(std::chrono::milliseconds at_most) {
  const auto whole_seconds = std::chrono::duration_cast<std::chrono::seconds>(at_most);
  const timespec timeout{static_cast<time_t>(whole_seconds.count()),
                         static_cast<long>(std::chrono::nanoseconds(at_most - whole_seconds).count())};
  while (sigtimedwait(&child_signal, nullptr, &timeout) < 0 && errno == EINTR) {
  }
}

}  // namespace weft::cli
