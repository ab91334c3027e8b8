// Which frames belong to the C and C++ runtimes rather than to the program. A report names a thread
// by the first frame of the program's own code: "with worker_loop() on top of the stack" says more
// than "pthread_cond_wait", and "created by Pool::start()" more than "std::thread::_M_start_thread".
#pragma once

#include <string>
#include <string_view>

#include "weft/snapshot.hpp"

namespace weft::report {

// True for frames in libc, libstdc++, libgcc_s, the dynamic loader, libpthread, libm or weft itself,
// and for functions of the standard library or glibc internals wherever they were compiled (std::
// templates are instantiated into the program's own binary).
[[nodiscard]] bool is_runtime_frame(const stack_frame& frame);

// The qualified name of a demangled function without the return type that template instances carry:
// "std::sort<int*>(int*, int*)" for "void std::sort<int*>(int*, int*)". Names it cannot take apart
// (some operators) come back whole.
[[nodiscard]] std::string_view without_return_type(std::string_view function);

// The innermost frame that is not a runtime frame; nullptr when every frame is (or there are none).
[[nodiscard]] const stack_frame* first_user_frame(const stack_trace& stack);

// The words for "with X on top of the stack": the first user frame's function, else the innermost
// frame's; a frame without a function is named by its location. Empty for a stack without frames.
[[nodiscard]] std::string top_function(const stack_trace& stack);

}  // namespace weft::report
