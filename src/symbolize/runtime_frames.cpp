// The rule that tells the program's frames from the runtimes' frames, in one place: leak reports
// name a thread by it, fold stacks by it, and snapshots pick a thread's creator by it.
#include "symbolize/runtime_frames.hpp"

#include <array>
#include <string_view>

#include "symbolize/function_name.hpp"

namespace weft::symbolize {
namespace {

using std::string_view_literals::operator""sv;

struct owned_prefix {
  std::string_view prefix;
  std::string_view library;
};

// Libraries by file name prefix, so that every version suffix (libc.so.6, libstdc++.so.6.0.30) matches.
constexpr std::array runtime_modules = {
    owned_prefix{"libc.so"sv, "libc"sv},
    owned_prefix{"libstdc++.so"sv, "libstdc++"sv},
    owned_prefix{"libgcc_s"sv, "libgcc"sv},
    owned_prefix{"ld-linux"sv, "ld.so"sv},
    owned_prefix{"libpthread"sv, "libc"sv},
    owned_prefix{"libm.so"sv, "libm"sv},
    owned_prefix{"libweft"sv, "weft"sv},
    // The sanitizers' runtimes: their interceptors stand between a program's call and libc's or
    // weft's (a thread an ASan program creates is created at ASan's pthread_create, not the program's).
    owned_prefix{"libasan"sv, "sanitizer"sv},
    owned_prefix{"libtsan"sv, "sanitizer"sv},
    owned_prefix{"libubsan"sv, "sanitizer"sv},
    owned_prefix{"liblsan"sv, "sanitizer"sv},
};

// Functions of the runtimes that end up outside the runtime libraries: std:: and __gnu_cxx::
// templates (and the __gthread_ wrappers of pthread calls) are instantiated in the caller's binary, glibc's
// internal names show up in static links and in debug symbols of libc itself, and _start is glibc's code
// linked into every program. weft's internal namespaces are listed one by one: the public weft:: names (and
// tests' helpers) are not weft's plumbing.
constexpr std::array runtime_functions = {
    owned_prefix{"std::"sv, "libstdc++"sv},
    owned_prefix{"__gnu_cxx::"sv, "libstdc++"sv},
    owned_prefix{"__cxxabiv1"sv, "libstdc++"sv},
    owned_prefix{"__gthread_"sv, "libstdc++"sv},  // libstdc++'s inline wrappers of pthread calls
    owned_prefix{"__libc"sv, "libc"sv},
    owned_prefix{"__pthread"sv, "libc"sv},
    owned_prefix{"__futex"sv, "libc"sv},
    owned_prefix{"__GI_"sv, "libc"sv},
    owned_prefix{"_dl_"sv, "ld.so"sv},
    // A sanitizer runtime linked statically (clang's default): its interceptors and internals.
    owned_prefix{"__interceptor_"sv, "sanitizer"sv},
    owned_prefix{"__asan"sv, "sanitizer"sv},
    owned_prefix{"__sanitizer"sv, "sanitizer"sv},
    // libc's pthread and semaphore functions outside libc: weft's interposers, in a program linked with
    // weft's static library (libc's own are told by their module first).
    owned_prefix{"pthread_"sv, "weft"sv},
    owned_prefix{"sem_"sv, "weft"sv},
    owned_prefix{"weft::intercept::"sv, "weft"sv},
    owned_prefix{"weft::sched::"sv, "weft"sv},
    owned_prefix{"weft::platform::"sv, "weft"sv},
    owned_prefix{"weft::registry::"sv, "weft"sv},
    owned_prefix{"weft::leaks::"sv, "weft"sv},
    owned_prefix{"weft::snapshots::"sv, "weft"sv},
    owned_prefix{"weft::report::"sv, "weft"sv},
    owned_prefix{"weft::symbolize::"sv, "weft"sv},
    owned_prefix{"weft::tasks::"sv, "weft"sv},
    owned_prefix{"weft::cli::"sv, "weft"sv},
    owned_prefix{"weft::instrument::"sv, "weft"sv},
    owned_prefix{"weft::internal::"sv, "weft"sv},
};

// Exact names, for functions whose name is too short to be a safe prefix.
constexpr std::array runtime_exact_functions = {
    owned_prefix{"_start"sv, "libc"sv},
    // The rest of weft's interposers, named as the libc functions they stand for (see pthread_ above).
    owned_prefix{"nanosleep"sv, "weft"sv},
    owned_prefix{"clock_nanosleep"sv, "weft"sv},
    owned_prefix{"usleep"sv, "weft"sv},
    owned_prefix{"sleep"sv, "weft"sv},
    owned_prefix{"sched_yield"sv, "weft"sv},
    owned_prefix{"clock_gettime"sv, "weft"sv},
    owned_prefix{"gettimeofday"sv, "weft"sv},
    owned_prefix{"syscall"sv, "weft"sv},
};

constexpr std::array test_framework_functions = {
    owned_prefix{"testing::"sv, "googletest"sv},
    owned_prefix{"RUN_ALL_TESTS"sv, "googletest"sv},
    owned_prefix{"Catch::"sv, "Catch2"sv},
};

template <std::size_t n>
std::string_view owner_by_prefix(std::string_view text, const std::array<owned_prefix, n>& owners) {
  for (const owned_prefix& owner : owners) {
    if (text.starts_with(owner.prefix)) return owner.library;
  }
  return {};
}

}  // namespace

std::string_view runtime_of(const stack_frame& frame) {
  if (const std::string_view library = owner_by_prefix(module_base_name(frame.module), runtime_modules);
      !library.empty())
    return library;
  if (frame.function.empty()) return {};
  const std::string name = parse_function_name(frame.function).qualified();
  for (const owned_prefix& exact : runtime_exact_functions) {
    if (name == exact.prefix) return exact.library;
  }
  return owner_by_prefix(name, runtime_functions);
}

bool is_runtime_frame(const stack_frame& frame) {
  return !runtime_of(frame).empty();
}

bool is_weft_frame(const stack_frame& frame) {
  return runtime_of(frame) == "weft";
}

std::string_view test_framework_of(const stack_frame& frame) {
  if (frame.function.empty()) return {};
  return owner_by_prefix(parse_function_name(frame.function).qualified(), test_framework_functions);
}

const stack_frame* first_user_frame(const stack_trace& stack) {
  for (const stack_frame& frame : stack.frames) {
    if (!is_runtime_frame(frame)) return &frame;
  }
  return nullptr;
}

std::string top_function(const stack_trace& stack) {
  if (stack.frames.empty()) return {};
  const stack_frame* user = first_user_frame(stack);
  const stack_frame& top = user != nullptr ? *user : stack.frames.front();
  return top.function.empty() ? top.location() : top.function;
}

}  // namespace weft::symbolize
