// Starting the program under test with libweft_preload.so, and waiting for it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace weft::cli {

struct launch {
  std::vector<std::string> command;  // program and its arguments; never empty
  // Variables to set (WEFT_CLI_*, WEFT_IGNORE, ...), each replacing the environment's of that name
  std::vector<std::pair<std::string, std::string>> settings;
  std::string output_path;        // when set, stdout and stderr go to this file; else they are inherited
  bool null_stdin = false;        // parallel runs must not compete for the terminal
  std::string working_directory;  // when set, the program starts there (--fresh-dir)
  // When set, `/bin/sh -c setup_command` runs first, in the working directory, without the preload and
  // with the program's output; it is killed after setup_timeout_s seconds.
  std::string setup_command;
  double setup_timeout_s = 60;
};

// Forks and execs `what` with the preload libraries in LD_PRELOAD. Throws usage_error when the
// program cannot be executed ("cannot run \"x\": No such file or directory"), its working directory
// cannot be entered or its setup command fails, and tool_error when weft cannot find its preload
// library or cannot fork. Returns once the program itself was executed (after its setup).
[[nodiscard]] pid_t start_program(const launch& what);

// Where starting a program failed, and what that means for the user (a usage_error for exec,
// enter_directory and setup, whose `value` is an errno or the setup's wait status; a tool_error for
// fork).
enum class start_stage : int { exec, enter_directory, setup, fork };
[[noreturn]] void throw_start_failure(const launch& what, start_stage stage, int value);

struct program_end {
  bool exited = false;
  int exit_code = -1;  // when exited
  int signal = 0;      // when killed by a signal
};
[[nodiscard]] program_end end_of(int wait_status);
// Waits for `pid` (retrying on EINTR).
[[nodiscard]] program_end wait_for(pid_t pid);

// "LD_PRELOAD=... " value the children get: libweft.so (so that its interposers come before libc's)
// and libweft_preload.so. Throws tool_error naming what is missing.
[[nodiscard]] std::string preload_value();

// `text` as one shell word: unchanged when it needs no quoting, else in single quotes.
[[nodiscard]] std::string shell_quote(const std::string& text);
[[nodiscard]] std::string shell_command(const std::vector<std::string>& words);

}  // namespace weft::cli
