// A thread's state in words, from what the kernel says and what its stack shows.
#pragma once

#include <string>

#include "platform/threads.hpp"
#include "weft/snapshot.hpp"

namespace weft::snapshots {

// "running", "condition_variable wait", "mutex lock", "futex wait", "sleep",
// "read(fd 7: pipe:[12345])", "poll", "epoll_wait", ...
[[nodiscard]] std::string describe_wait(const platform::task_status& status, const stack_trace& stack);

}  // namespace weft::snapshots
