// Which frames belong to the C and C++ runtimes rather than to the program. A report names a thread
// by the first frame of the program's own code: "with worker_loop() on top of the stack" says more
// than "pthread_cond_wait", and "created by Pool::start()" more than "std::thread::_M_start_thread".
#pragma once

#include <string>
#include <string_view>

#include "weft/snapshot.hpp"

namespace weft::symbolize {

// "libc.so.6" for "/usr/lib/x86_64-linux-gnu/libc.so.6": reports name modules the way people do.
[[nodiscard]] inline std::string_view module_base_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The library a frame of the runtimes belongs to, as a report names it: "libc", "libstdc++", "libgcc",
// "ld.so", "libm", or "weft" for weft's own code. Empty for the program's own frames. Functions of the
// standard library and glibc internals count wherever they were compiled (std:: templates are
// instantiated into the program's own binary), and so do weft's internal namespaces in a static link.
[[nodiscard]] std::string_view runtime_of(const stack_frame& frame);

// True for frames in libc, libstdc++, libgcc_s, the dynamic loader, libpthread, libm or weft itself:
// runtime_of names a library.
[[nodiscard]] bool is_runtime_frame(const stack_frame& frame);

// weft's own frames (its thread trampoline, its interposers, the crash guard): a text report leaves
// them out, since they are in every stack and never the cause.
[[nodiscard]] bool is_weft_frame(const stack_frame& frame);

// The test framework a frame belongs to: "googletest" or "Catch2"; empty otherwise. Not runtime frames
// (a thread created by a test fixture is blamed on it), but folded in text reports like them.
[[nodiscard]] std::string_view test_framework_of(const stack_frame& frame);

// The innermost frame that is not a runtime frame; nullptr when every frame is (or there are none).
[[nodiscard]] const stack_frame* first_user_frame(const stack_trace& stack);

// The words for "with X on top of the stack": the first user frame's function, else the innermost
// frame's; a frame without a function is named by its location. Empty for a stack without frames.
[[nodiscard]] std::string top_function(const stack_trace& stack);

}  // namespace weft::symbolize
