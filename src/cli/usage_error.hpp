// Bad input on the command line: the message names the option and the value seen; weft exits 2.
#pragma once

#include <stdexcept>
#include <string>

namespace weft::cli {

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// weft's exit codes (docs/cli.md).
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure_found = 1;
inline constexpr int exit_bad_input = 2;
inline constexpr int exit_diverged = 3;
inline constexpr int exit_cannot_work = 4;

// weft could not do its job (no preload library, fork failed, the program did not report back).
struct tool_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace weft::cli
