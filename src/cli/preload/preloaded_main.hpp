// The two ways libweft_preload.so runs a program's main, chosen by the weft command (../protocol.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <weft/sched.hpp>

namespace weft::cli {

using main_function = int (*)(int, char**, char**);

// The protocol's settings, read from the environment before it is cleared for the program's children.
struct preloaded_settings {
  std::string result_path;  // empty: report nowhere
  std::string strategy = "portfolio";
  std::uint64_t seed = 1;
  int depth = 3;
  std::uint64_t run_index = 0;
  std::string replay;  // non-empty: replay this schedule instead of choosing
  std::string trace_path;
  std::int64_t hard_timeout_ms = 30'000;
  std::int64_t max_steps = 100'000;
  std::int64_t settle_ms = 500;
  race_mode races = race_mode::fail;
  int remote_requests = -1;  // strategy "remote": the pipes to the command
  int remote_replies = -1;
};

// Reads the WEFT_CLI_* variables; a malformed number is reported on stderr and the process exits 4.
[[nodiscard]] preloaded_settings read_settings();

// `weft run`: main as usual, then a leak check like weft::verify_main; returns the exit code to use.
[[nodiscard]] int run_checked(main_function main, int argc, char** argv, char** envp,
                              const preloaded_settings& settings);

// `weft explore` and `weft replay`: main as the test function of one controlled run, its outcome
// written to the result file. Returns main's exit code when the run completed; ends the process
// (after flushing stdio) with exit code 1 when the run failed, since its threads stay parked.
[[nodiscard]] int run_controlled(main_function main, int argc, char** argv, char** envp,
                                 const preloaded_settings& settings);

// The weft command's settings are for this process only: a program that starts others (a test
// runner spawning workers, a shell) must not make them run controlled too, or write our result file.
// Unsets the protocol's variables and takes weft's libraries out of LD_PRELOAD.
void forget_protocol_for_children();

// The fork server (../protocol.hpp), from the socket WEFT_CLI_SERVER_FD names: forks one run per
// request of the command, each a process that calls run_preloaded_main with the request's arguments
// and settings. Never returns to the program's main: ends the process when the command is done.
[[nodiscard]] int serve_runs(main_function program_main);

}  // namespace weft::cli
