// Reading one small /proc/self/task/<tid>/ file without allocating. Shared by read_task and by stack
// capture, which checks a thread's blocked signals before signalling it.
#pragma once

#include <span>
#include <string_view>

namespace weft::platform {

struct proc_text {
  std::string_view text;  // points into the caller's buffer; cut at the buffer's size
  int error = 0;          // errno of the failed open or read; 0 on success
};

// Reads /proc/self/task/<tid>/<name> with plain open and read.
[[nodiscard]] proc_text read_task_file(int tid, const char* name, std::span<char> buffer);

// Whether an error from reading a task's file means that the thread has exited.
[[nodiscard]] bool means_thread_gone(int error);

}  // namespace weft::platform
