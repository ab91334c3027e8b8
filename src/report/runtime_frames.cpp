// The rule that tells the program's frames from the runtimes' frames, in one place: leak reports
// name a thread by it and snapshots pick a thread's creator by it.
#include "report/runtime_frames.hpp"

#include <array>
#include <string_view>

#include "report/frame_text.hpp"

namespace weft::report {
namespace {

using std::string_view_literals::operator""sv;

// Libraries by file name prefix, so that every version suffix (libc.so.6, libstdc++.so.6.0.30) matches.
constexpr std::array runtime_modules = {
    "libc.so"sv, "libstdc++.so"sv, "libgcc_s"sv, "ld-linux"sv, "libpthread"sv, "libm.so"sv, "libweft"sv,
};

// Functions of the runtimes that end up outside the runtime libraries: std:: and __gnu_cxx::
// templates are instantiated in the caller's binary, and glibc's internal names show up in static
// links and in debug symbols of libc itself.
constexpr std::array runtime_function_prefixes = {
    "std::"sv, "__gnu_cxx::"sv, "__cxxabiv1"sv, "__libc"sv, "__pthread"sv, "__futex"sv, "__GI_"sv, "_dl_"sv,
};

template <std::size_t n>
bool starts_with_any(std::string_view text, const std::array<std::string_view, n>& prefixes) {
  for (const std::string_view prefix : prefixes) {
    if (text.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

namespace {

// Whether the '(' at `at` belongs to "decltype (...)", which a return type may hold, rather than
// opening the parameter list.
bool opens_decltype(std::string_view function, std::size_t at) {
  std::string_view before = function.substr(0, at);
  if (before.ends_with(' ')) before.remove_suffix(1);
  return before.ends_with("decltype");
}

}  // namespace

std::string_view without_return_type(std::string_view function) {
  // The return type ends at the last space outside brackets before the parameter list.
  int depth = 0;
  std::size_t name_start = 0;
  for (std::size_t i = 0; i < function.size(); ++i) {
    const char c = function[i];
    if (c == '(' && depth == 0 && !opens_decltype(function, i)) break;
    if (c == '<' || c == '(' || c == '[') {
      ++depth;
    } else if (c == '>' || c == ')' || c == ']') {
      --depth;
    } else if (c == ' ' && depth == 0) {
      name_start = i + 1;
    }
  }
  return function.substr(name_start);
}

bool is_runtime_frame(const stack_frame& frame) {
  return starts_with_any(module_base_name(frame.module), runtime_modules) ||
         starts_with_any(without_return_type(frame.function), runtime_function_prefixes);
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

}  // namespace weft::report
